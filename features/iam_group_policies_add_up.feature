Feature: A user's group policies add up
  An IAM user gets the policies attached to it and to every group it is a member of; their
  Allows add up (IAM User Guide, "Policy evaluation logic"). A member of two groups may do
  what either group may do; a member of one group only what that group may do.

  Background:
    Given the IAM group "agent-viewers" with the policy "connect/view-users.json"
    And the IAM group "campaign-auditors" with the policy "connect-campaigns/read-only.json"
    And the IAM user "supervisor"
    And "supervisor" is a member of the IAM group "agent-viewers"
    And "supervisor" is a member of the IAM group "campaign-auditors"
    And the IAM user "team-lead"
    And "team-lead" is in the IAM group "agent-viewers"
    And a Connect user "agent-1"
    And an outbound campaign "spring-sale" owned by the Connect instance "main"

  Scenario: a member of both groups gets both
    Then "supervisor" gets these decisions:
      | action                             | resource                      | decision          |
      | connect:DescribeUser               | Connect user agent-1          | allowed           |
      | connect-campaigns:DescribeCampaign | outbound campaign spring-sale | allowed           |
      | connect:DeleteUser                 | Connect user agent-1          | implicitly denied |

  Scenario: a member of one group gets only that group's
    Then "team-lead" gets these decisions:
      | action                             | resource                      | decision          |
      | connect:DescribeUser               | Connect user agent-1          | allowed           |
      | connect-campaigns:DescribeCampaign | outbound campaign spring-sale | implicitly denied |

  Scenario: the user's own policy adds to its groups'
    Given "team-lead" also has the policy "connect-campaigns/read-only.json"
    When "team-lead" calls "connect-campaigns:DescribeCampaign" on the outbound campaign "spring-sale"
    Then the request is allowed
