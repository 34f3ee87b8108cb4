Feature: Test-department admins describe and update only Test-department agents
  The published example "Describe and update Amazon Connect users based on tags" allows
  connect:DescribeUser and every connect:UpdateUser* action, but only on Amazon Connect users
  tagged Department=Test. Agents with another Department, or with no Department tag at all,
  are out of reach, and nothing else (such as deleting an agent) is granted.

  Background:
    Given the IAM user "test-admin" with the policy "connect/describe-update-users-by-department.json"

  Scenario Outline: the Department tag decides
    Given a Connect user "jdoe" tagged "Department=<department>"
    When "test-admin" calls "<action>" on the Connect user "jdoe"
    Then the request is <decision>

    Examples:
      | department | action                            | decision          |
      | Test       | connect:DescribeUser              | allowed           |
      | Test       | connect:UpdateUserHierarchy       | allowed           |
      | Test       | connect:UpdateUserIdentityInfo    | allowed           |
      | Test       | connect:UpdateUserPhoneConfig     | allowed           |
      | Prod       | connect:DescribeUser              | implicitly denied |
      | Prod       | connect:UpdateUserPhoneConfig     | implicitly denied |
      | test       | connect:DescribeUser              | implicitly denied |
      | Test       | connect:DeleteUser                | implicitly denied |

  Scenario: an agent without a Department tag is out of reach
    Given a Connect user "untagged-agent"
    When "test-admin" calls "connect:DescribeUser" on the Connect user "untagged-agent"
    Then the request is implicitly denied

  Scenario: every UpdateUser action that acts on an agent, for a Test agent
    Given a Connect user "jdoe" tagged "Department=Test"
    When "test-admin" calls each action matching "connect:UpdateUser*" that applies to the Connect user "jdoe"
    Then every request is allowed

  Scenario: every UpdateUser action that acts on an agent, for a Prod agent
    Given a Connect user "jdoe" tagged "Department=Prod"
    When "test-admin" calls each action matching "connect:UpdateUser*" that applies to the Connect user "jdoe"
    Then every request is implicitly denied

  Scenario: the tag counts in every instance
    Given the Connect instance "backup"
    And a Connect user "remote" in the Connect instance "backup" tagged "Department=Test"
    When "test-admin" calls "connect:UpdateUserIdentityInfo" on the Connect user "remote"
    Then the request is allowed

  Scenario: changing an agent's routing profile also needs the routing profile tagged Test
    The Service Authorization Reference lists both the routing profile and the user as
    required resources of connect:UpdateUserRoutingProfile, and IAM checks each one against
    the condition: a routing profile without Department=Test denies the change.

    Given a Connect user "jdoe" tagged "Department=Test"
    And a routing profile "test-queue-profile" tagged "Department=Test"
    And a routing profile "basic-profile"
    Then "test-admin" gets these decisions:
      | action                           | resource                                                      | decision          |
      | connect:UpdateUserRoutingProfile | the Connect user "jdoe" and the routing profile "test-queue-profile" | allowed           |
      | connect:UpdateUserRoutingProfile | the Connect user "jdoe" and the routing profile "basic-profile"      | implicitly denied |

  Scenario: the rule, for every agent and every tag value
    Then "test-admin" may call "connect:DescribeUser, connect:UpdateUser*" only when the resource's tag "Department" is "Test"
    And "test-admin" may call "connect:DescribeUser" on a Connect user exactly when the resource's tag "Department" is "Test"
    And "test-admin" may never call "connect:DeleteUser, connect:CreateUser"
    And the claim "test-admin" may call "connect:DescribeUser" only when the resource's tag "Team" is "Test" is refuted by a request like:
      | action        | connect:DescribeUser |
      | resource tags | Department=Test      |
      | decision      | allowed              |
