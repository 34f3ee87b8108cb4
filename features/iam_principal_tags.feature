Feature: Admins manage only the agents of their own department (principal tags)
  Attribute-based access control compares the caller's own tag with the resource's tag: the
  policy allows describing and updating an agent when the agent's Department tag equals the
  caller's Department tag (${aws:PrincipalTag/Department}). One policy serves every
  department; an admin without a Department tag manages no one.

  Background:
    Given a Connect user "sales-agent" tagged "Department=Sales"
    And a Connect user "support-agent" tagged "Department=Support"

  Scenario Outline: the caller's Department tag must equal the agent's
    Given the IAM user "lead" with the policy "semantics/connect-users-by-principal-department.json" tagged "Department=<caller department>"
    When "lead" calls "connect:UpdateUserIdentityInfo" on the Connect user "<agent>"
    Then the request is <decision>

    Examples:
      | caller department | agent         | decision          |
      | Sales             | sales-agent   | allowed           |
      | Sales             | support-agent | implicitly denied |
      | Support           | support-agent | allowed           |

  Scenario: an untagged admin manages no one
    Given the IAM role "untagged-lead" with the policy "semantics/connect-users-by-principal-department.json"
    When "untagged-lead" calls "connect:DescribeUser" on the Connect user "sales-agent"
    Then the request is implicitly denied

  Scenario: the rule, for every department and every caller
    Given the IAM user "lead" with the policy "semantics/connect-users-by-principal-department.json"
    Then "lead", whatever its tags, may call "connect:DescribeUser, connect:UpdateUserIdentityInfo" exactly when the resource's tag "Department" equals the caller's tag "Department"
    And "lead", whatever its tags, may never call "connect:DeleteUser, connect:UpdateUserRoutingProfile"
