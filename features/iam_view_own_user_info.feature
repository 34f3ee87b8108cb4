Feature: IAM users view their own user and its policies
  The published example "Allow IAM users to view their own permissions" lets every IAM user
  read its own user, its groups and its policies: the Resource is the user's own ARN, built
  from the policy variable ${aws:username}. A second statement lets the console list and read
  policies and users. Another user's details stay hidden, and nothing can be changed.

  Background:
    Given the IAM user "alice" with the policy "iam/view-own-user-info.json"
    And the IAM user "bob"

  Scenario Outline: alice reads her own user, not bob's
    When "alice" calls "<action>" on the IAM user "<user>"
    Then the request is <decision>

    Examples:
      | action                       | user  | decision          |
      | iam:GetUser                  | alice | allowed           |
      | iam:GetUserPolicy            | alice | allowed           |
      | iam:ListGroupsForUser        | alice | allowed           |
      | iam:ListAttachedUserPolicies | alice | allowed           |
      | iam:ListUserPolicies         | alice | allowed           |
      | iam:GetUser                  | bob   | implicitly denied |
      | iam:ListGroupsForUser        | bob   | implicitly denied |
      | iam:ListAttachedUserPolicies | bob   | implicitly denied |
      | iam:DeleteUser               | alice | implicitly denied |

  Scenario: the console navigation statement covers every resource
    Then "alice" gets these decisions:
      | action                         | resource     | decision          |
      | iam:ListUsers                  |              | allowed           |
      | iam:ListPolicies               |              | allowed           |
      | iam:GetPolicy                  | any resource | allowed           |
      | iam:GetPolicyVersion           | any resource | allowed           |
      | iam:ListAttachedGroupPolicies  | any resource | allowed           |
      | iam:CreateUser                 | any resource | implicitly denied |
      | iam:AttachUserPolicy           | IAM user bob | implicitly denied |

  Scenario: a resource can be named by its ARN
    When "alice" calls "iam:GetUser" on the ARN "arn:{{partition}}:iam::{{account_id}}:user/alice"
    Then the request is allowed

  Scenario: a user without the policy cannot even read himself
    When "bob" calls "iam:GetUser" on the IAM user "bob"
    Then the request is implicitly denied

  Scenario: the rule, for every IAM user's ARN
    Then "alice" may call "iam:GetUser, iam:GetUserPolicy, iam:ListGroupsForUser, iam:ListAttachedUserPolicies, iam:ListUserPolicies" exactly when the resource's ARN is like "arn:aws:iam::*:user/alice"
    And "alice" may never call "iam:Create*, iam:Delete*, iam:Put*, iam:Attach*, iam:Update*"
