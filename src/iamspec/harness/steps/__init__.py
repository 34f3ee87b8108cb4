"""The step library: thin pytest-bdd step definitions over :mod:`iamspec.harness`.

It ships with iamspec: the pytest plugin (:mod:`iamspec.harness.plugin`) registers every
module below, so a project that installs iamspec has the whole vocabulary; a project's own
extra steps go in its own ``conftest.py`` (or modules it lists in ``pytest_plugins``).

Grouped by what they describe; each step is one library call, and the library raises the
errors and renders the failure messages. ``"..."`` are the scenario's words; ``[...]`` is
optional. Tags, request tags, context, ARNs, resource ids and decision-table cells take
``{{placeholders}}`` from ``[tool.iamspec]`` (:mod:`iamspec.harness.phrases` reads every
argument). A step no definition reads fails with the nearest phrases of this vocabulary
(:mod:`iamspec.harness.vocabulary`).

Principals (:mod:`.principals`)::

    Given the IAM user|group|role "NAME" [with the policy|policies "FILE[, FILE]"]
          [tagged "K=V, K=V"]
    Given "USER" is a member of the IAM group "GROUP"        (or: is in the IAM group)
    Given "NAME" also has the policy|policies "FILE[, FILE]"
    Given "NAME" has the permissions boundary "FILE"
    Given "NAME" is tagged "K=V[, K=V]"

Live (:mod:`.live`): a principal deployed in the AWS account, by its logical name in
``[tool.iamspec.deployed_principals]`` (the scenario must be tagged ``@live``; its tags are read
from the account and the stated ones must be among them), and a declared difference between
AWS's simulator and the local evaluator for some actions (their drift then does not fail the
scenario; drift on any other action still does)::

    Given the deployed principal "NAME" [tagged "K=V, K=V"]
    Given a known difference from AWS for "ACTION[, ACTION]": "REASON"

Resources (:mod:`.resources`); KIND is Connect instance, Connect user, routing profile,
security profile, hierarchy group, queue, outbound campaign, event integration, data
integration, Wisdom assistant or KMS key::

    Given a|an|the KIND "NAME" [in the Connect instance "I"] [with id "ID"]
          [owned by the Connect instance "I"] [[and] tagged "K=V, K=V"]

Requests (:mod:`.requests`); RESOURCES is ``the KIND "NAME" [and the KIND "NAME"]``, an IAM
principal (``the IAM user "NAME"``), a raw ARN (``the ARN "arn:..."``) or ``any resource``::

    When "P" calls "ACTION" [on RESOURCES] [with the request tags "K=V"] [and the context "KEY=V"]
    When "P" calls "ACTION" for a new KIND "NAME" [in the Connect instance "I"]
         [with the request tags "K=V"] [and the context "KEY=V"]
    When "P" calls each action matching "PATTERN" [on RESOURCES] [...]
    When "P" calls each action matching "PATTERN" that applies to RESOURCES [...]

Decisions (:mod:`.decisions`); DECISION is allowed, denied, implicitly denied or explicitly
denied::

    Then the request is DECISION
    Then every request is DECISION                           (or: each request is)
    Then "P" gets these decisions:                           | action | resource | decision |
                                                             (optional: request tags, context)
    Then "PATTERN" matches exactly these actions:            | action |

Access levels (:mod:`.access`); every action of the services at those levels (Service
Authorization Reference), each asked on ``*`` and on a probe ARN per resource type::

    Then "P" is denied every action of the services "iam, sts" at the access levels
         "Write, Permissions management, Tagging"   (or: implicitly|explicitly denied;
                                                     the service "S"; the access level "L")

Universal claims (:mod:`.claims`): proven for every request of the scope (every action the
patterns match, every resource of their types, every value of every context key the
policies read), about the scenario's own principal (its policies, groups, boundary and tags
from the Given-steps); a refuted one fails with the request that breaks it as a
ready-to-paste scenario; unknown (``--iam-claim-timeout``) and "cannot prove" fail too::

    Then "P" may call "ACTIONS" [on a KIND] only when CONDITION
    Then "P" may call "ACTIONS" [on a KIND] exactly when CONDITION
    Then "P" may always call "ACTIONS" [on a KIND]
    Then "P" may never call "ACTIONS" [on a KIND]
    Then "P", whatever its tags, may ...                    (the caller's tags left free)
    Then the policy "NEW" grants nothing that "OLD" does not [for actions matching "PATTERNS"]
    Then the policy "A" grants exactly what "B" grants [for actions matching "PATTERNS"]
    Then the claim CLAIM is refuted by a request like:      | action   | connect:DeleteUser |
                                                            | decision | allowed            |
    (facts: action, resource, resource tags, request tags, caller tags, context, decision)

    CONDITION: clauses joined by "and" or by "or" (not both):
      the resource's tag "K" is "V"      (is not "V", is like "V*", is present, is absent,
                                          equals the caller's tag "K")
      the caller's tag "K" ... / the request tag "K" ... / the context key "KEY" ...
      the resource's ARN is "ARN"        (or: is like "arn:aws:iam::*:user/alice")
      the resource is owned by the Connect instance "I"
      the resource is the KIND "NAME"

Policy linter (:mod:`.lint`)::

    Given the published example "FILE"                       (in <policy_dir>/published/)
    When it is linted
    Then the linter reports nothing
    Then the linter reports "CODE" at LINE:COLUMN
    Then the linter reports exactly:                         | position | severity | code |
                                                             (optional: mentions)
"""

__all__ = ["LIBRARY"]

LIBRARY = (
    "iamspec.harness.steps.principals",
    "iamspec.harness.steps.resources",
    "iamspec.harness.steps.requests",
    "iamspec.harness.steps.decisions",
    "iamspec.harness.steps.access",
    "iamspec.harness.steps.lint",
    "iamspec.harness.steps.live",
    "iamspec.harness.steps.claims",
)
"""The modules of the step library, as the plugin registers them."""
