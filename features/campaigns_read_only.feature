Feature: Read-only access to outbound campaigns
  The published example "ReadOnly permissions" allows describing campaigns, reading their
  state (one or in batch) and listing them. As published it is a lone statement without the
  Version/Statement wrapper and with a trailing comma after "Resource"; the copy tested here
  (policies/connect-campaigns/read-only.json) fixes both.

  Background:
    Given the IAM user "campaign-auditor" with the policy "connect-campaigns/read-only.json"
    And an outbound campaign "spring-sale" owned by the Connect instance "main"

  Scenario: read everything, change nothing
    Then "campaign-auditor" gets these decisions:
      | action                                  | resource                       | decision          |
      | connect-campaigns:DescribeCampaign      | outbound campaign spring-sale  | allowed           |
      | connect-campaigns:GetCampaignState      | outbound campaign spring-sale  | allowed           |
      | connect-campaigns:GetCampaignStateBatch | outbound campaign spring-sale  | allowed           |
      | connect-campaigns:ListCampaigns         |                                | allowed           |
      | connect-campaigns:UpdateCampaignName    | outbound campaign spring-sale  | implicitly denied |
      | connect-campaigns:DeleteCampaign        | outbound campaign spring-sale  | implicitly denied |
      | connect-campaigns:PauseCampaign         | outbound campaign spring-sale  | implicitly denied |

  Scenario: no campaign action that changes something is granted
    When "campaign-auditor" calls each action matching "connect-campaigns:Update*" on the outbound campaign "spring-sale"
    Then every request is implicitly denied

  Scenario: the rule, for every campaign and every request
    Then "campaign-auditor" may always call "connect-campaigns:DescribeCampaign, connect-campaigns:GetCampaignState, connect-campaigns:GetCampaignStateBatch, connect-campaigns:ListCampaigns"
    And "campaign-auditor" may never call "connect-campaigns:Create*, connect-campaigns:Delete*, connect-campaigns:Update*, connect-campaigns:Pause*, connect-campaigns:Resume*, connect-campaigns:Start*, connect-campaigns:Stop*, connect-campaigns:Put*, connect-campaigns:Tag*, connect-campaigns:Untag*"
