Feature: Team A admins create agents only when they tag them Owner=TeamA
  The published example "Create Amazon Connect users based on tags" allows connect:CreateUser
  and connect:TagResource only when the request itself carries the tag Owner=TeamA
  (aws:RequestTag/Owner). A new agent without that tag, or tagged for another team, cannot be
  created; other tag keys may come along.

  Background:
    Given the IAM user "team-a-admin" with the policy "connect/create-users-by-request-tag.json"

  Scenario Outline: the request tags decide
    When "team-a-admin" calls "connect:CreateUser" for a new Connect user "agent-7" with the request tags "<request tags>"
    Then the request is <decision>

    Examples:
      | request tags                | decision          |
      | Owner=TeamA                 | allowed           |
      | Owner=TeamA, CostCenter=42  | allowed           |
      | Owner=TeamB                 | implicitly denied |
      | CostCenter=42               | implicitly denied |

  Scenario: creating an agent without any tag is denied
    When "team-a-admin" calls "connect:CreateUser" for a new Connect user "agent-8"
    Then the request is implicitly denied

  Scenario Outline: tagging an existing agent
    Given a Connect user "agent-9"
    When "team-a-admin" calls "connect:TagResource" on the Connect user "agent-9" with the request tags "<request tags>"
    Then the request is <decision>

    Examples:
      | request tags | decision          |
      | Owner=TeamA  | allowed           |
      | Owner=TeamB  | implicitly denied |

  Scenario: nothing else is granted
    Given a Connect user "agent-9" tagged "Owner=TeamA"
    Then "team-a-admin" gets these decisions:
      | action                | resource               | request tags | decision          |
      | connect:UntagResource | Connect user "agent-9" | Owner=TeamA  | implicitly denied |
      | connect:DeleteUser    | Connect user "agent-9" |              | implicitly denied |
      | connect:DescribeUser  | Connect user "agent-9" |              | implicitly denied |

  Scenario: the rule, for every request tag
    Then "team-a-admin" may call "connect:CreateUser, connect:TagResource" exactly when the request tag "Owner" is "TeamA"
    And "team-a-admin" may never call "connect:DeleteUser, connect:UntagResource, connect:UpdateUser*"
