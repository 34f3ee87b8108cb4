Feature: The nightly live role may ask the policy simulator and read tags, and change nothing
  The nightly job runs every scenario against AWS's own policy simulator with the role in
  policies/iamspec/nightly-live-role.json. It needs iam:SimulateCustomPolicy (no resource type,
  so Resource "*"), iam:SimulatePrincipalPolicy on the deployed users and roles of this account,
  and iam:ListUserTags and iam:ListRoleTags to read their tags. A credential that runs unattended
  every night must not be able to change IAM, assume other roles, or touch Amazon Connect:
  every action the Service Authorization Reference rates Write, Permissions management or
  Tagging is denied, whatever the service adds later.

  Who may assume it: only the nightly workflow (.github/workflows/nightly-live.yml) run from this
  repository's main branch. Its trust policy (policies/iamspec/nightly-live-role-trust.json)
  requires GitHub's token to carry exactly the sub
  "repo:<repository>:ref:refs/heads/main:job_workflow_ref:<repository>/.github/workflows/nightly-live.yml@refs/heads/main",
  which GitHub issues once the repository's OIDC subject claim is customised to include
  job_workflow_ref (README, "Live mode"); without that setting the token's sub is GitHub's
  default and the role refuses every workflow. AWS's policy simulator ignores trust policies, so
  no scenario below can decide who assumes the role: tests/ci/test_nightly_workflow.py evaluates
  the trust policy's conditions with iamspec's own engine against the tokens of this workflow
  and of others (another workflow on main, another branch, a pull request, an environment,
  another repository, GitHub's default sub), and fails if any other is admitted.

  Background:
    Given the nightly live role "nightly-live"
    And the IAM user "contact-centre-admin"
    And the IAM role "connect-agent"
    And the IAM group "supervisors"

  Scenario: the nightly role may simulate and read tags of this account's users and roles
    Then "nightly-live" gets these decisions:
      | action                      | resource                      | decision |
      | iam:SimulateCustomPolicy    | any resource                  | allowed  |
      | iam:SimulateCustomPolicy    |                               | allowed  |
      | iam:SimulatePrincipalPolicy | IAM user contact-centre-admin | allowed  |
      | iam:SimulatePrincipalPolicy | IAM role connect-agent        | allowed  |
      | iam:ListUserTags            | IAM user contact-centre-admin | allowed  |
      | iam:ListRoleTags            | IAM role connect-agent        | allowed  |

  Scenario: the nightly role cannot reach other accounts, groups or Resource "*"
    Then "nightly-live" gets these decisions:
      | action                      | resource                                                      | decision          |
      | iam:SimulatePrincipalPolicy | arn:{{partition}}:iam::444455556666:user/contact-centre-admin | implicitly denied |
      | iam:SimulatePrincipalPolicy | arn:{{partition}}:iam::444455556666:role/connect-agent        | implicitly denied |
      | iam:ListUserTags            | arn:{{partition}}:iam::444455556666:user/contact-centre-admin | implicitly denied |
      | iam:ListRoleTags            | arn:{{partition}}:iam::444455556666:role/connect-agent        | implicitly denied |
      | iam:SimulatePrincipalPolicy | IAM group supervisors                                         | implicitly denied |
      | iam:SimulatePrincipalPolicy | any resource                                                  | implicitly denied |
      | iam:ListUserTags            | any resource                                                  | implicitly denied |

  Scenario: the nightly role reads nothing else
    Then "nightly-live" gets these decisions:
      | action                       | resource                      | decision          |
      | iam:Get*                     | IAM user contact-centre-admin | implicitly denied |
      | iam:Get*                     | IAM role connect-agent        | implicitly denied |
      | iam:Get*                     | any resource                  | implicitly denied |
      | iam:ListUserPolicies         | IAM user contact-centre-admin | implicitly denied |
      | iam:ListAttachedRolePolicies | IAM role connect-agent        | implicitly denied |
      | connect:*                    | any resource                  | implicitly denied |

  Scenario: the nightly role writes, grants and tags nothing in IAM
    Then "nightly-live" is denied every action of the service "iam" at the access levels "Write, Permissions management, Tagging"

  Scenario: the nightly role writes, grants and tags nothing in STS, Connect or campaigns
    Then "nightly-live" is denied every action of the services "sts, connect, connect-campaigns" at the access levels "Write, Permissions management, Tagging"
