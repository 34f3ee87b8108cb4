Feature: Errata of the published Amazon Connect policy examples
  The AWS page "Amazon Connect identity-based policy examples" prints twelve policies. Exact
  copies are kept in policies/published/ (one file per example, one line each, as printed).
  Several of them would be rejected by IAM, or accepted and then silently grant less than the
  page says: JSON that does not parse, fragments without their policy wrapper, a misspelt
  service prefix, action names that IAM does not know, and ARNs that still hold the page's
  placeholders. The linter finds each defect at the line and column a reader has to fix; the
  corrected policies live elsewhere under policies/ and have their own features.

  Positions are line:column of the published file; every file is a single line.

  Scenario Outline: "<example>" is correct as published
    Given the published example "<file>"
    When it is linted
    Then the linter reports nothing

    Examples:
      | example                                                | file                                                        |
      | Allow IAM users to view their own permissions          | allow-iam-users-to-view-their-own-permissions.json          |
      | Grant "View User" permissions                          | grant-view-user-permissions.json                            |
      | Describe and update Amazon Connect users based on tags | describe-and-update-amazon-connect-users-based-on-tags.json |
      | Create Amazon Connect users based on tags              | create-amazon-connect-users-based-on-tags.json              |

  Scenario: "Allow IAM users to integrate with external applications" misspells the service prefix twice
    The two delete actions say "app-integartions"; IAM knows no such service, so the policy
    grants neither DeleteEventIntegration nor DeleteDataIntegration.
    Given the published example "allow-iam-users-to-integrate-with-external-applications.json"
    When it is linted
    Then the linter reports exactly:
      | position | severity | code            | mentions                                |
      | 1:285    | error    | unknown-service | app-integrations:DeleteEventIntegration |
      | 1:492    | error    | unknown-service | app-integrations:DeleteDataIntegration  |

  Scenario: "Create and view Amazon AppIntegrations resources" has a doubled colon and a trailing comma
    The trailing comma makes the whole policy invalid JSON; behind it, the list action is
    written with "::".
    Given the published example "create-and-view-amazon-appintegrations-resources.json"
    When it is linted
    Then the linter reports exactly:
      | position | severity | code             | mentions                               |
      | 1:177    | error    | malformed-action | app-integrations:ListEventIntegrations |
      | 1:200    | error    | json-syntax      | trailing comma before ']'              |

  Scenario: "Create and view Amazon Connect Wisdom Assistants" has a trailing comma
    Given the published example "create-and-view-amazon-connect-wisdom-assistants.json"
    When it is linted
    Then the linter reports "json-syntax" at 1:174

  Scenario: "Manage outbound campaigns resources", onboarding: a fragment with placeholders
    The policy starts in the middle of its first statement: the opening
    {"Version": ..., "Statement": [{ is missing. Its ARNs keep the page's words for the
    Region, the account and the ids. The service-linked role may be created for any service.
    Given the published example "manage-outbound-campaigns-onboarding.json"
    When it is linted
    Then the linter reports exactly:
      | position | severity | code                          | mentions                           |
      | 1:1      | error    | json-syntax                   | statement fragment                 |
      | 1:123    | error    | unfilled-placeholder          | 'region' (Region part)             |
      | 1:276    | error    | unfilled-placeholder          | 'instance-id' (resource part)      |
      | 1:417    | warning  | create-slr-with-star-resource | iam:AWSServiceName                 |

  Scenario: "Manage outbound campaigns resources", disabling: the closing brace is missing
    Given the published example "manage-outbound-campaigns-disable.json"
    When it is linted
    Then the linter reports exactly:
      | position | severity | code                 | mentions                 |
      | 1:167    | error    | unfilled-placeholder | 'account-id' (account part) |
      | 1:480    | error    | json-syntax          | missing '}'              |

  Scenario: "Manage outbound campaigns resources", management: a fragment, a missing comma, two old action names
    IAM's names are UpdateCampaignOutboundCallConfig and UpdateCampaignDialerConfig; as
    printed, the statement grants neither.
    Given the published example "manage-outbound-campaigns-management.json"
    When it is linted
    Then the linter reports exactly:
      | position | severity | code           | mentions                                             |
      | 1:1      | error    | grammar        | statement fragment                                   |
      | 1:263    | error    | json-syntax    | missing comma between array elements                 |
      | 1:263    | error    | renamed-action | 'connect-campaigns:UpdateCampaignOutboundCallConfig' |
      | 1:309    | error    | renamed-action | 'connect-campaigns:UpdateCampaignDialerConfig'       |

  Scenario: "Manage outbound campaigns resources", read-only: a fragment with a trailing comma
    Given the published example "manage-outbound-campaigns-readonly.json"
    When it is linted
    Then the linter reports exactly:
      | position | severity | code        | mentions                  |
      | 1:1      | error    | grammar     | statement fragment        |
      | 1:255    | error    | json-syntax | trailing comma before '}' |

  Scenario: "Manage outbound campaigns resources", tag-based: a fragment whose tag value keeps placeholders
    The owner tag is compared with an instance ARN that still says "region",
    "customer_account_id" and "connect_instance_id".
    Given the published example "manage-outbound-campaigns-tag-based.json"
    When it is linted
    Then the linter reports exactly:
      | position | severity | code                 | mentions                             |
      | 1:1      | error    | grammar              | statement fragment                   |
      | 1:246    | error    | unfilled-placeholder | 'customer_account_id' (account part) |

  Scenario: "Describe and update Amazon Connect users based on tags" lets its admin update more than agents
    The page says the policy allows describing and updating Amazon Connect users tagged
    Department=Test. Its connect:UpdateUser* also matches UpdateUserHierarchyGroupName and
    UpdateUserHierarchyStructure, which act on hierarchy groups and instances: the claim that
    it updates only agents is refuted by a request the published file allows.
    Given the IAM user "page-admin" with the policy "published/describe-and-update-amazon-connect-users-based-on-tags.json"
    Then "page-admin" may call "connect:DescribeUser, connect:UpdateUser*" only when the resource's tag "Department" is "Test"
    And the claim "page-admin" may call "connect:DescribeUser, connect:UpdateUser*" only when the resource's ARN is like "arn:aws:connect:*:*:instance/*/agent/*" is refuted by a request like:
      | action        | connect:UpdateUserHierarchyGroupName |
      | resource tags | Department=Test                      |
      | decision      | allowed                              |
