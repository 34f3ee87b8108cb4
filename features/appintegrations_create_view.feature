Feature: Create and view Amazon AppIntegrations event integrations
  The published example "Create and view Amazon AppIntegrations resources" allows event
  integrations to be created, fetched and listed. As published it does not parse: a trailing
  comma ends the Action list, and "app-integrations::ListEventIntegrations" has a doubled
  colon. The copy tested here (policies/app-integrations/create-view-event-integrations.json)
  fixes both. Updating or deleting integrations, and data integrations, are not granted.

  Background:
    Given the IAM user "integration-viewer" with the policy "app-integrations/create-view-event-integrations.json"
    And an event integration "order-events"
    And a data integration "crm-data"

  Scenario: create, get and list event integrations
    Then "integration-viewer" gets these decisions:
      | action                                  | resource                         | decision |
      | app-integrations:GetEventIntegration    | event integration "order-events" | allowed  |
      | app-integrations:ListEventIntegrations  |                                  | allowed  |

  Scenario: create a new event integration
    When "integration-viewer" calls "app-integrations:CreateEventIntegration" for a new event integration "new-events"
    Then the request is allowed

  Scenario Outline: no update, delete or data integrations
    When "integration-viewer" calls "<action>" on the <resource>
    Then the request is implicitly denied

    Examples:
      | action                                  | resource                         |
      | app-integrations:UpdateEventIntegration | event integration "order-events" |
      | app-integrations:DeleteEventIntegration | event integration "order-events" |
      | app-integrations:GetDataIntegration     | data integration "crm-data"      |

  Scenario: the rule, for every request
    Then "integration-viewer" may always call "app-integrations:CreateEventIntegration, app-integrations:GetEventIntegration, app-integrations:ListEventIntegrations"
    And "integration-viewer" may never call "app-integrations:Update*, app-integrations:Delete*, app-integrations:*DataIntegration*"
