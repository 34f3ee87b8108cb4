Feature: Campaign managers run outbound campaigns
  The published example "Management permissions" says it "allows all read and write
  operations on outbound campaigns". As published it is a lone statement without the
  Version/Statement wrapper, misses a comma after "connect-campaigns:GetCampaignState", and
  names two actions IAM does not have: connect-campaigns:UpdateOutboundCallConfig and
  connect-campaigns:UpdateDialerConfig. IAM's names are UpdateCampaignOutboundCallConfig and
  UpdateCampaignDialerConfig, and the copy tested here
  (policies/connect-campaigns/management.json) uses them. Despite "all read and write
  operations", it does not grant starting a campaign or changing its schedule.

  Background:
    Given the IAM role "campaign-manager" with the policy "connect-campaigns/management.json"
    And an outbound campaign "spring-sale" owned by the Connect instance "main"

  Scenario Outline: the twelve granted operations
    When "campaign-manager" calls "<action>" on the outbound campaign "spring-sale"
    Then the request is allowed

    Examples:
      | action                                             |
      | connect-campaigns:DeleteCampaign                   |
      | connect-campaigns:DescribeCampaign                 |
      | connect-campaigns:UpdateCampaignName               |
      | connect-campaigns:GetCampaignState                 |
      | connect-campaigns:UpdateCampaignOutboundCallConfig |
      | connect-campaigns:UpdateCampaignDialerConfig       |
      | connect-campaigns:PauseCampaign                    |
      | connect-campaigns:ResumeCampaign                   |
      | connect-campaigns:StopCampaign                     |
      | connect-campaigns:GetCampaignStateBatch            |

  Scenario: create and list campaigns
    Then "campaign-manager" gets these decisions:
      | action                           | resource | decision |
      | connect-campaigns:ListCampaigns  |          | allowed  |
    When "campaign-manager" calls "connect-campaigns:CreateCampaign" for a new outbound campaign "summer-sale"
    Then the request is allowed

  Scenario: the real names of the published "UpdateOutboundCallConfig" and "UpdateDialerConfig"
    Then "connect-campaigns:Update*Config" matches exactly these actions:
      | action                                               |
      | connect-campaigns:UpdateCampaignChannelSubtypeConfig |
      | connect-campaigns:UpdateCampaignDialerConfig         |
      | connect-campaigns:UpdateCampaignOutboundCallConfig   |

  Scenario Outline: operations the policy does not grant
    When "campaign-manager" calls "<action>" on the outbound campaign "spring-sale"
    Then the request is implicitly denied

    Examples:
      | action                                   |
      | connect-campaigns:StartCampaign          |
      | connect-campaigns:UpdateCampaignSchedule |
      | connect-campaigns:TagResource            |

  Scenario: the rule, for every campaign and every request
    Then "campaign-manager" may always call "connect-campaigns:CreateCampaign, connect-campaigns:DeleteCampaign, connect-campaigns:DescribeCampaign, connect-campaigns:UpdateCampaignName, connect-campaigns:GetCampaignState, connect-campaigns:UpdateCampaignOutboundCallConfig, connect-campaigns:UpdateCampaignDialerConfig, connect-campaigns:PauseCampaign, connect-campaigns:ResumeCampaign, connect-campaigns:StopCampaign, connect-campaigns:GetCampaignStateBatch, connect-campaigns:ListCampaigns"
    And "campaign-manager" may never call "connect-campaigns:*InstanceOnboardingJob*, connect-campaigns:*ConnectInstanceConfig, connect-campaigns:TagResource"
