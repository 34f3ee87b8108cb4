Feature: Disable outbound campaigns for an Amazon Connect instance
  The published example "To disable outbound campaigns for an instance" allows retiring the
  grant on the campaigns' KMS key, removing the EventBridge rules and the service-linked
  role, and deleting the instance's campaign configuration. As published the JSON misses its
  final closing brace; the copy tested here (policies/connect-campaigns/disable.json) closes
  it and fills the key's ARN from [tool.iamspec].

  Background:
    Given the IAM role "campaigns-offboarding" with the policy "connect-campaigns/disable.json"
    And a KMS key "campaigns-key" with id "{{key-id}}"
    And a KMS key "other-key"

  Scenario: retire the grant on the campaigns key only
    Then "campaigns-offboarding" gets these decisions:
      | action          | resource              | decision          |
      | kms:DescribeKey | KMS key campaigns-key | allowed           |
      | kms:RetireGrant | KMS key campaigns-key | allowed           |
      | kms:RetireGrant | KMS key other-key     | implicitly denied |
      | kms:CreateGrant | KMS key campaigns-key | implicitly denied |

  Scenario: tear down rules, role and configuration
    Then "campaigns-offboarding" gets these decisions:
      | action                                        | resource     | decision |
      | events:DeleteRule                             |              | allowed  |
      | events:RemoveTargets                          |              | allowed  |
      | events:DescribeRule                           |              | allowed  |
      | events:ListTargetsByRule                      |              | allowed  |
      | iam:DeleteRolePolicy                          | any resource | allowed  |
      | iam:DeleteServiceLinkedRole                   | any resource | allowed  |
      | connect-campaigns:DeleteConnectInstanceConfig |              | allowed  |

  Scenario: disabling is not onboarding
    Then "campaigns-offboarding" gets these decisions:
      | action                                       | resource | decision          |
      | connect-campaigns:StartInstanceOnboardingJob |          | implicitly denied |
      | events:PutRule                               |          | implicitly denied |

  Scenario: the rule, for every key and every request
    Then "campaigns-offboarding" may call "kms:*" only when the resource's ARN is "arn:aws:kms:us-east-1:111122223333:key/{{key-id}}"
    And "campaigns-offboarding" may never call "connect-campaigns:StartInstanceOnboardingJob, kms:CreateGrant, iam:CreateServiceLinkedRole"
