Feature: IAM users integrate Amazon Connect with external applications
  The published example "Allow IAM users to integrate with external applications" grants the
  event-integration and data-integration actions of Amazon AppIntegrations on every resource.
  As published, the two delete actions are spelt with the service prefix "app-integartions",
  which is no IAM service: those two entries match nothing, so deleting would be denied. The
  copy tested here (policies/app-integrations/external-applications.json) spells the prefix
  "app-integrations"; the linter's errata feature documents the published mistake.

  Background:
    Given the IAM user "integrator" with the policy "app-integrations/external-applications.json"
    And an event integration "order-events"
    And a data integration "crm-data"

  Scenario Outline: every event- and data-integration action is granted
    When "integrator" calls "<action>" on the <resource>
    Then the request is allowed

    Examples:
      | action                                  | resource                        |
      | app-integrations:GetEventIntegration    | event integration "order-events" |
      | app-integrations:UpdateEventIntegration | event integration "order-events" |
      | app-integrations:DeleteEventIntegration | event integration "order-events" |
      | app-integrations:GetDataIntegration     | data integration "crm-data"     |
      | app-integrations:UpdateDataIntegration  | data integration "crm-data"     |
      | app-integrations:DeleteDataIntegration  | data integration "crm-data"     |

  Scenario: listing and creating integrations
    Then "integrator" gets these decisions:
      | action                                  | resource | decision |
      | app-integrations:ListEventIntegrations  |          | allowed  |
      | app-integrations:ListDataIntegrations   |          | allowed  |

  Scenario Outline: creating a new integration
    When "integrator" calls "<action>" for a new <resource>
    Then the request is allowed

    Examples:
      | action                                  | resource                          |
      | app-integrations:CreateEventIntegration | event integration "new-events"    |
      | app-integrations:CreateDataIntegration  | data integration "new-data"       |

  Scenario: other AppIntegrations actions are not granted
    When "integrator" calls "app-integrations:CreateApplication" on any resource
    Then the request is implicitly denied

  Scenario: the rule, for every request
    Then "integrator" may always call "app-integrations:ListEventIntegrations, app-integrations:CreateEventIntegration, app-integrations:GetEventIntegration, app-integrations:UpdateEventIntegration, app-integrations:DeleteEventIntegration, app-integrations:ListDataIntegrations, app-integrations:CreateDataIntegration, app-integrations:GetDataIntegration, app-integrations:UpdateDataIntegration, app-integrations:DeleteDataIntegration"
    And "integrator" may never call "app-integrations:*Application*"
