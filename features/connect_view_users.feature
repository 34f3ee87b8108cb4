Feature: Junior application developers view Amazon Connect users
  The published example "Grant View User permissions" attaches a policy to an IAM group of
  entry-level developers ("Junior application developers"). Its members may describe any
  Amazon Connect user and list the users of any instance: the policy names no user, so its
  Resource is "*". They cannot create, change or delete users; people outside the group get
  nothing.

  Background:
    Given the IAM group "junior-application-developers" with the policy "connect/view-users.json"
    And the IAM user "dev-1"
    And "dev-1" is a member of the IAM group "junior-application-developers"
    And a Connect user "agent-1" tagged "Department=Sales"

  Scenario Outline: members may view users, nothing more
    When "dev-1" calls "<action>" on the <resource>
    Then the request is <decision>

    Examples:
      | action                         | resource                | decision          |
      | connect:DescribeUser           | Connect user "agent-1"  | allowed           |
      | connect:ListUsers              | Connect instance "main" | allowed           |
      | connect:UpdateUserIdentityInfo | Connect user "agent-1"  | implicitly denied |
      | connect:DeleteUser             | Connect user "agent-1"  | implicitly denied |
      | connect:DescribeInstance       | Connect instance "main" | implicitly denied |

  Scenario: creating an agent is not viewing one
    When "dev-1" calls "connect:CreateUser" for a new Connect user "agent-2"
    Then the request is implicitly denied

  Scenario: someone outside the group sees nothing
    Given the IAM user "outsider"
    When "outsider" calls "connect:DescribeUser" on the Connect user "agent-1"
    Then the request is implicitly denied

  Scenario: the rule, for every member's request
    Then "dev-1" may always call "connect:DescribeUser, connect:ListUsers"
    And "dev-1" may never call "connect:Create*, connect:Update*, connect:Delete*, connect:Tag*"
