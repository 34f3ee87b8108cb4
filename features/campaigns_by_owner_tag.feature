Feature: Operators see only the campaigns of their own Amazon Connect instance
  The published example "Tag-based permissions" allows describing a campaign and reading its
  state only when the campaign's owner tag is the ARN of one Amazon Connect instance (Amazon
  Connect tags each campaign owner=<instance ARN>). As published it is a lone statement
  without the Version/Statement wrapper, with "region", "customer_account_id" and
  "connect_instance_id" standing in for real values; the copy tested here
  (policies/connect-campaigns/by-owner-tag.json) adds the wrapper and names the Connect
  instance "main" through placeholders.

  The page adds: "connect-campaigns:ListCampaigns and connect-campaigns:GetCampaignStateBatch
  operations cannot be restricted by Tag." iamspec follows that note: requests for these two
  actions carry no aws:ResourceTag (ListCampaigns has no resource type at all; for
  GetCampaignStateBatch the note overrides the Service Authorization Reference, which lists
  the campaign resource type). So a statement that grants them under the owner-tag condition
  never applies, and a statement without the condition grants them for every campaign.

  Background:
    Given the IAM role "main-operator" with the policy "connect-campaigns/by-owner-tag.json"
    And the Connect instance "other"
    And an outbound campaign "main-spring" owned by the Connect instance "main"
    And an outbound campaign "other-spring" owned by the Connect instance "other"
    And an outbound campaign "untagged"

  Scenario Outline: the owner tag decides
    When "main-operator" calls "<action>" on the outbound campaign "<campaign>"
    Then the request is <decision>

    Examples:
      | action                             | campaign     | decision          |
      | connect-campaigns:DescribeCampaign | main-spring  | allowed           |
      | connect-campaigns:GetCampaignState | main-spring  | allowed           |
      | connect-campaigns:DescribeCampaign | other-spring | implicitly denied |
      | connect-campaigns:GetCampaignState | other-spring | implicitly denied |
      | connect-campaigns:DescribeCampaign | untagged     | implicitly denied |
      | connect-campaigns:StopCampaign     | main-spring  | implicitly denied |

  Scenario: the published policy does not grant listing or batch state at all
    Then "main-operator" gets these decisions:
      | action                                  | resource                     | decision          |
      | connect-campaigns:ListCampaigns         |                              | implicitly denied |
      | connect-campaigns:GetCampaignStateBatch | outbound campaign main-spring | implicitly denied |

  Scenario: granting them under the owner-tag condition never works
    Given the IAM role "naive-operator" with the policy "semantics/campaigns-list-under-owner-tag.json"
    Then "naive-operator" gets these decisions:
      | action                                  | resource                      | decision          |
      | connect-campaigns:DescribeCampaign      | outbound campaign main-spring | allowed           |
      | connect-campaigns:GetCampaignStateBatch | outbound campaign main-spring | implicitly denied |
      | connect-campaigns:ListCampaigns         |                               | implicitly denied |

  Scenario: granted without a tag condition, they reach every instance's campaigns
    Given the IAM role "listing-operator" with the policy "semantics/campaigns-by-owner-tag-with-list.json"
    Then "listing-operator" gets these decisions:
      | action                                  | resource                       | decision          |
      | connect-campaigns:ListCampaigns         |                                | allowed           |
      | connect-campaigns:GetCampaignStateBatch | outbound campaign other-spring | allowed           |
      | connect-campaigns:DescribeCampaign      | outbound campaign other-spring | implicitly denied |

  Scenario: the rule, for every campaign and every owner tag
    Then "main-operator" may call "connect-campaigns:*" only when the resource is owned by the Connect instance "main"
    And "main-operator" may call "connect-campaigns:DescribeCampaign, connect-campaigns:GetCampaignState" exactly when the resource's tag "owner" is "arn:aws:connect:us-east-1:111122223333:instance/{{connect_instances.main}}"
    And the claim "main-operator" may always call "connect-campaigns:ListCampaigns, connect-campaigns:GetCampaignStateBatch" is refuted by a request like:
      | action   | connect-campaigns:ListCampaigns |
      | decision | implicitly denied               |
