Feature: Create and view Amazon Connect Wisdom assistants
  The published example "Create and view Amazon Connect Wisdom Assistants" allows Wisdom
  assistants to be created, listed, fetched and deleted. As published, a trailing comma after
  the last action makes it invalid JSON; the copy tested here
  (policies/wisdom/assistants.json) removes it. Nothing else about assistants is granted.

  Background:
    Given the IAM user "wisdom-admin" with the policy "wisdom/assistants.json"
    And a Wisdom assistant "agent-helper"

  Scenario: the four assistant actions
    Then "wisdom-admin" gets these decisions:
      | action                 | resource                        | decision |
      | wisdom:CreateAssistant |                                 | allowed  |
      | wisdom:ListAssistants  |                                 | allowed  |
      | wisdom:GetAssistant    | Wisdom assistant "agent-helper" | allowed  |
      | wisdom:DeleteAssistant | Wisdom assistant "agent-helper" | allowed  |

  Scenario Outline: no other assistant action
    When "wisdom-admin" calls "<action>" on the Wisdom assistant "agent-helper"
    Then the request is implicitly denied

    Examples:
      | action                         |
      | wisdom:UpdateAssistantAIAgent  |
      | wisdom:QueryAssistant          |
      | wisdom:RemoveAssistantAIAgent  |

  Scenario: knowledge bases are not assistants
    When "wisdom-admin" calls "wisdom:CreateKnowledgeBase"
    Then the request is implicitly denied

  Scenario: the rule, for every assistant and every request
    Then "wisdom-admin" may always call "wisdom:CreateAssistant, wisdom:GetAssistant, wisdom:ListAssistants, wisdom:DeleteAssistant"
    And "wisdom-admin" may never call "wisdom:*KnowledgeBase*, wisdom:*AssistantAssociation*, wisdom:TagResource"
