@live
Feature: The principals deployed in the account still behave as specified
  Nightly, against the real account: the principals listed in [tool.iamspec.deployed_principals]
  are asked through SimulatePrincipalPolicy, so the policies, groups and permissions boundary
  actually attached to them in the account decide, not the files under policies/. Their tags
  are read from the account (the simulator does not fill aws:PrincipalTag in itself); a tag
  a scenario states must be there, or the scenario fails because the account has drifted from
  the specification.

  These scenarios only run with --iam-backend=live; an offline run deselects them and says so.
  They expect the account to hold the user "test-admin" with the policy
  policies/connect/describe-update-users-by-department.json, and the role "main-operator"
  tagged Team=operations with policies/connect-campaigns/by-owner-tag.json.

  Scenario Outline: the deployed Test-department admin reaches only Test-department agents
    Given the deployed principal "test-admin"
    And a Connect user "jdoe" tagged "Department=<department>"
    When "test-admin" calls "<action>" on the Connect user "jdoe"
    Then the request is <decision>

    Examples:
      | department | action                        | decision          |
      | Test       | connect:DescribeUser          | allowed           |
      | Test       | connect:UpdateUserPhoneConfig | allowed           |
      | Prod       | connect:DescribeUser          | implicitly denied |
      | Test       | connect:DeleteUser            | implicitly denied |

  Scenario: the deployed operator role sees only its own instance's campaigns
    Given the deployed principal "main-operator" tagged "Team=operations"
    And the Connect instance "other"
    And an outbound campaign "main-spring" owned by the Connect instance "main"
    And an outbound campaign "other-spring" owned by the Connect instance "other"
    Then "main-operator" gets these decisions:
      | action                              | resource                          | decision          |
      | connect-campaigns:DescribeCampaign  | outbound campaign main-spring     | allowed           |
      | connect-campaigns:GetCampaignState  | outbound campaign main-spring     | allowed           |
      | connect-campaigns:DescribeCampaign  | outbound campaign other-spring    | implicitly denied |
      | connect-campaigns:DeleteCampaign    | outbound campaign main-spring     | implicitly denied |
