Feature: An explicit deny overrides every allow
  IAM evaluates every policy that applies to a request: an Allow is needed, but any Deny that
  applies wins, whichever policy it is in and however broad the Allow is (IAM User Guide,
  "Policy evaluation logic"). A contact-centre admin with full Amazon Connect access is still
  stopped by a Deny, attached to the user or to one of the user's groups.

  Background:
    Given the IAM user "connect-admin" with the policy "semantics/connect-full-access.json"
    And a Connect user "agent-test" tagged "Department=Test"
    And a Connect user "agent-prod" tagged "Department=Prod"

  Scenario: without a deny, full access is full access
    Then "connect-admin" gets these decisions:
      | action                         | resource                   | decision |
      | connect:DeleteUser             | Connect user "agent-prod"  | allowed  |
      | connect:UpdateUserIdentityInfo | Connect user "agent-prod"  | allowed  |

  Scenario: a deny on the user wins over the allow
    Given "connect-admin" also has the policy "semantics/deny-deleting-agents.json"
    Then "connect-admin" gets these decisions:
      | action               | resource                  | decision          |
      | connect:DeleteUser   | Connect user "agent-test" | explicitly denied |
      | connect:DescribeUser | Connect user "agent-test" | allowed           |

  Scenario: a deny from a group wins over the user's own allow
    Given the IAM group "production-guard" with the policy "semantics/deny-changing-prod-agents.json"
    And "connect-admin" is a member of the IAM group "production-guard"
    When "connect-admin" calls each action matching "connect:UpdateUser*" that applies to the Connect user "agent-prod"
    Then every request is explicitly denied
    When "connect-admin" calls each action matching "connect:UpdateUser*" that applies to the Connect user "agent-test"
    Then every request is allowed

  Scenario: "denied" accepts either kind of deny
    Given "connect-admin" also has the policy "semantics/deny-deleting-agents.json"
    And the IAM user "nobody"
    Then "connect-admin" gets these decisions:
      | action             | resource                  | decision |
      | connect:DeleteUser | Connect user "agent-test" | denied   |
    And "nobody" gets these decisions:
      | action             | resource                  | decision |
      | connect:DeleteUser | Connect user "agent-test" | denied   |

  Scenario Outline: a deny on the caller's network, stated as request context
    The simulator knows only the context keys a scenario states. A request without
    aws:SourceIp is denied too: NotIpAddress matches when the key is absent.

    Given "connect-admin" also has the policy "semantics/deny-outside-office-network.json"
    When "connect-admin" calls "connect:DescribeUser" on the Connect user "agent-test" and the context "<context>"
    Then the request is <decision>

    Examples:
      | context                     | decision          |
      | aws:SourceIp=203.0.113.7    | allowed           |
      | aws:SourceIp=198.51.100.7   | explicitly denied |
      |                             | explicitly denied |
