Feature: "connect:UpdateUser*" is nine actions, and not all of them update an agent
  IAM has no action connect:UpdateUser. The pattern connect:UpdateUser* in the published
  "Describe and update Amazon Connect users based on tags" example matches nine real actions
  (Service Authorization Reference, Amazon Connect). Two of them do not act on an agent at
  all: UpdateUserHierarchyGroupName renames an agent hierarchy group, and
  UpdateUserHierarchyStructure changes an instance's hierarchy levels. Under that policy they
  are allowed on any hierarchy group or instance tagged Department=Test.

  Background:
    Given the IAM user "test-admin" with the policy "connect/describe-update-users-by-department.json"

  Scenario: the nine actions
    Then "connect:UpdateUser*" matches exactly these actions:
      | action                               |
      | connect:UpdateUserHierarchy          |
      | connect:UpdateUserHierarchyGroupName |
      | connect:UpdateUserHierarchyStructure |
      | connect:UpdateUserIdentityInfo       |
      | connect:UpdateUserNotificationStatus |
      | connect:UpdateUserPhoneConfig        |
      | connect:UpdateUserProficiencies      |
      | connect:UpdateUserRoutingProfile     |
      | connect:UpdateUserSecurityProfiles   |

  Scenario: the two that do not act on an agent follow the tag of what they act on
    Given the Connect instance "test-center" tagged "Department=Test"
    And a hierarchy group "test-floor" in the Connect instance "test-center" tagged "Department=Test"
    And a hierarchy group "prod-floor" tagged "Department=Prod"
    Then "test-admin" gets these decisions:
      | action                               | resource                      | decision          |
      | connect:UpdateUserHierarchyGroupName | hierarchy group test-floor    | allowed           |
      | connect:UpdateUserHierarchyGroupName | hierarchy group prod-floor    | implicitly denied |
      | connect:UpdateUserHierarchyStructure | Connect instance test-center  | allowed           |
      | connect:UpdateUserHierarchyStructure | Connect instance main         | implicitly denied |

  Scenario: the wildcard on an agent checks the seven that take one
    Given a Connect user "jdoe" tagged "Department=Test"
    Then "test-admin" gets these decisions:
      | action              | resource             | decision |
      | connect:UpdateUser* | Connect user jdoe    | allowed  |

  Scenario: the page's rule, "update only agents", does not hold for the wildcard
    Then the claim "test-admin" may call "connect:UpdateUser*" only when the resource's ARN is like "arn:aws:connect:*:*:instance/*/agent/*" is refuted by a request like:
      | action        | connect:UpdateUserHierarchyGroupName |
      | resource tags | Department=Test                      |
      | decision      | allowed                              |
    And "test-admin" may call "connect:UpdateUser*" on a Connect user only when the resource's tag "Department" is "Test"
