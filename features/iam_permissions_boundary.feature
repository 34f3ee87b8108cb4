Feature: A permissions boundary caps what a role's policies grant
  A permissions boundary is a managed policy that sets the most a user or role may do. A
  request is allowed only when an identity policy allows it and the boundary allows it too;
  a boundary never grants anything by itself, and a Deny in the boundary is an explicit deny
  (IAM User Guide, "Permissions boundaries for IAM entities").

  Background:
    Given a Connect user "agent-1" tagged "Department=Test"

  Scenario: full access, bounded to reading
    Given the IAM role "delegated-admin" with the policy "semantics/connect-full-access.json"
    And "delegated-admin" has the permissions boundary "semantics/boundary-connect-read-only.json"
    Then "delegated-admin" gets these decisions:
      | action                         | resource                | decision          |
      | connect:DescribeUser           | Connect user "agent-1"  | allowed           |
      | connect:ListUsers              | Connect instance "main" | allowed           |
      | connect:UpdateUserIdentityInfo | Connect user "agent-1"  | implicitly denied |
      | connect:DeleteUser             | Connect user "agent-1"  | implicitly denied |

  Scenario: the boundary grants nothing the policies do not
    Given the IAM role "viewer" with the policy "connect/view-users.json"
    And "viewer" has the permissions boundary "semantics/boundary-connect-except-instances.json"
    Then "viewer" gets these decisions:
      | action                         | resource                | decision          |
      | connect:DescribeUser           | Connect user "agent-1"  | allowed           |
      | connect:UpdateUserIdentityInfo | Connect user "agent-1"  | implicitly denied |
      | connect:DescribeInstance       | Connect instance "main" | implicitly denied |

  Scenario: a deny in the boundary is an explicit deny
    Given the IAM role "instance-admin" with the policy "semantics/connect-full-access.json"
    And "instance-admin" has the permissions boundary "semantics/boundary-connect-except-instances.json"
    Then "instance-admin" gets these decisions:
      | action                          | resource                | decision          |
      | connect:UpdateInstanceAttribute | Connect instance "main" | explicitly denied |
      | connect:DescribeInstance        | Connect instance "main" | allowed           |
