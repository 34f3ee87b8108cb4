Feature: Onboard an Amazon Connect instance to outbound campaigns
  The published example "Manage outbound campaigns resources – Onboarding permissions" lets an
  administrator onboard one Amazon Connect instance to outbound campaigns: describe the
  instance and use one KMS key, plus EventBridge, IAM and directory actions on every
  resource. As published it is a fragment without the Version/Statement wrapper and with
  "region", "account-id", "key-id" and "instance-id" standing in for real values. The copy
  tested here (policies/connect-campaigns/onboarding.json) adds the wrapper and uses
  placeholders filled from [tool.iamspec]: the key is {{key-id}}, the instance is the
  Connect instance "main".

  Background:
    Given the IAM role "campaigns-onboarding" with the policy "connect-campaigns/onboarding.json"
    And a KMS key "campaigns-key" with id "{{key-id}}"
    And a KMS key "other-key"
    And the Connect instance "other"

  Scenario: only the named key and the named instance
    Then "campaigns-onboarding" gets these decisions:
      | action                   | resource                 | decision          |
      | kms:DescribeKey          | KMS key campaigns-key    | allowed           |
      | kms:CreateGrant          | KMS key campaigns-key    | allowed           |
      | kms:DescribeKey          | KMS key other-key        | implicitly denied |
      | kms:CreateGrant          | KMS key other-key        | implicitly denied |
      | kms:RetireGrant          | KMS key campaigns-key    | implicitly denied |
      | connect:DescribeInstance | Connect instance main    | allowed           |
      | connect:DescribeInstance | Connect instance other   | implicitly denied |

  Scenario: the third statement covers every resource
    Then "campaigns-onboarding" gets these decisions:
      | action                                          | resource               | decision |
      | connect:DescribeInstanceAttribute               | Connect instance other | allowed  |
      | connect:UpdateInstanceAttribute                 | Connect instance main  | allowed  |
      | connect:ListInstances                           |                        | allowed  |
      | connect-campaigns:StartInstanceOnboardingJob    |                        | allowed  |
      | connect-campaigns:GetConnectInstanceConfig      |                        | allowed  |
      | connect-campaigns:GetInstanceOnboardingJobStatus |                       | allowed  |
      | connect-campaigns:DeleteInstanceOnboardingJob   |                        | allowed  |
      | events:PutRule                                  |                        | allowed  |
      | events:PutTargets                               |                        | allowed  |
      | iam:CreateServiceLinkedRole                     | any resource           | allowed  |
      | iam:AttachRolePolicy                            | any resource           | allowed  |
      | iam:PutRolePolicy                               | any resource           | allowed  |
      | ds:DescribeDirectories                          |                        | allowed  |
      | kms:ListAliases                                 |                        | allowed  |

  Scenario: onboarding does not disable or delete
    Then "campaigns-onboarding" gets these decisions:
      | action                                        | resource              | decision          |
      | connect-campaigns:DeleteConnectInstanceConfig |                       | implicitly denied |
      | events:DeleteRule                             |                       | implicitly denied |
      | connect:DeleteInstance                        | Connect instance main | implicitly denied |

  Scenario: the rule, for every key, instance and request
    Then "campaigns-onboarding" may call "kms:DescribeKey, kms:CreateGrant" only when the resource's ARN is "arn:aws:kms:us-east-1:111122223333:key/{{key-id}}"
    And "campaigns-onboarding" may call "connect:DescribeInstance" exactly when the resource's ARN is "arn:aws:connect:us-east-1:111122223333:instance/{{connect_instances.main}}"
    And the claim "campaigns-onboarding" may call "iam:CreateServiceLinkedRole" only when the context key "iam:AWSServiceName" is "connect-campaigns.amazonaws.com" is refuted by a request like:
      | decision | allowed |
