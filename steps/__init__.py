"""The step library: thin pytest-bdd step definitions over :mod:`iamspec.harness`.

Grouped by what they describe; each step is one library call, and the library raises the
errors and renders the failure messages. ``"..."`` are the scenario's words; ``[...]`` is
optional; step arguments may use ``{{placeholders}}`` from ``[tool.iamspec]``.

Principals (``principals.py``)::

    Given the IAM user|group|role "NAME" [with the policy|policies "FILE[, FILE]"]
          [tagged "K=V, K=V"]
    Given "USER" is a member of the IAM group "GROUP"        (or: is in the IAM group)
    Given "NAME" also has the policy|policies "FILE[, FILE]"
    Given "NAME" has the permissions boundary "FILE"
    Given "NAME" is tagged "K=V[, K=V]"

Live (``live.py``): a principal deployed in the AWS account, by its logical name in
``[tool.iamspec.deployed_principals]`` (the scenario must be tagged ``@live``; its tags are read
from the account and the stated ones must be among them), and a declared difference between
AWS's simulator and the local evaluator for some actions (their drift then does not fail the
scenario; drift on any other action still does)::

    Given the deployed principal "NAME" [tagged "K=V, K=V"]
    Given a known difference from AWS for "ACTION[, ACTION]": "REASON"

Resources (``resources.py``); KIND is Connect instance, Connect user, routing profile,
security profile, hierarchy group, queue, outbound campaign, event integration, data
integration, Wisdom assistant or KMS key::

    Given a|an|the KIND "NAME" [in the Connect instance "I"] [with id "ID"]
          [owned by the Connect instance "I"] [[and] tagged "K=V, K=V"]

Requests (``requests.py``); RESOURCES is ``the KIND "NAME" [and the KIND "NAME"]``, an IAM
principal (``the IAM user "NAME"``), a raw ARN (``the ARN "arn:..."``) or ``any resource``::

    When "P" calls "ACTION" [on RESOURCES] [with the request tags "K=V"] [and the context "KEY=V"]
    When "P" calls "ACTION" for a new KIND "NAME" [in the Connect instance "I"]
         [with the request tags "K=V"] [and the context "KEY=V"]
    When "P" calls each action matching "PATTERN" [on RESOURCES] [...]
    When "P" calls each action matching "PATTERN" that applies to RESOURCES [...]

Decisions (``decisions.py``); DECISION is allowed, denied, implicitly denied or explicitly
denied::

    Then the request is DECISION
    Then every request is DECISION                           (or: each request is)
    Then "P" gets these decisions:                           | action | resource | decision |
                                                             (optional: request tags, context)
    Then "PATTERN" matches exactly these actions:            | action |

Access levels (``access.py``); every action of the services at those levels (Service
Authorization Reference), each asked on ``*`` and on a probe ARN per resource type::

    Then "P" is denied every action of the services "iam, sts" at the access levels
         "Write, Permissions management, Tagging"   (or: implicitly|explicitly denied;
                                                     the service "S"; the access level "L")
"""
