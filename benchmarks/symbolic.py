"""Symbolic layer benchmark: universal claims, a policy diff, the differential test, memory.

Run from the repository root::

    PYTHONPATH=src python benchmarks/symbolic.py              # everything
    PYTHONPATH=src python benchmarks/symbolic.py --skip-differential

Prints:

- every universal claim stated for the published examples' corrected policies under
  ``policies/`` (the page's rule, proven; and the errata's refuted ones), with its time:
  target under 1 s each on a 2-core machine. Policies are read with their ``{{placeholders}}``
  filled from this project's ``[tool.iamspec]`` (the reader is a parameter of
  ``load_policy_set``);
- ``diff_policies`` of two 10-statement policies over ``connect:*``: target under 5 s;
- the differential test (``tests/symbolic/test_differential.py``, run under pytest
  with ``-n 2``): cases run and agreement (must be 100%), and its wall time;
- a diff over every action of every service (a NotAction statement; the largest proof);
- the peak resident memory of the diffs, measured in a child process
  that runs only that proof (its ``VmHWM``; ``ru_maxrss`` would include the forking
  parent's), beside a child that only imports the symbolic layer and parses the policies.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from iamspec.project.placeholders import fill_text
from iamspec.project.settings import load_settings
from iamspec.symbolic import (
    ClaimPrincipal,
    PolicySet,
    Scope,
    Status,
    context_key,
    diff_policies,
    literal,
    load_policy_set,
    owned_by_instance,
    prove_always_allowed,
    prove_never_allowed,
    prove_only_if,
    request_tag,
    resource_arn,
    resource_tag,
)
from iamspec.symbolic.policies import read_policy_text

ROOT = Path(__file__).resolve().parents[1]
SETTINGS = load_settings(ROOT)
ACCOUNT = SETTINGS.account_id
MAIN = (
    f"arn:{SETTINGS.partition}:connect:{SETTINGS.region}:{ACCOUNT}:instance/"
    f"{SETTINGS.connect_instance_id('main')}"
)
KEY_ID = SETTINGS.placeholder_values()["key-id"]
KEY = f"arn:{SETTINGS.partition}:kms:{SETTINGS.region}:{ACCOUNT}:key/{KEY_ID}"


def _filled(path: str) -> str:
    return fill_text(read_policy_text(path), SETTINGS.placeholder_values(), path)


def policies(*names: str) -> PolicySet:
    return load_policy_set([str(ROOT / "policies" / n) for n in names], read=_filled)


def user(name: str, tags: dict[str, str] | None = None) -> ClaimPrincipal:
    return ClaimPrincipal("user", name, ACCOUNT, tags=tags)


def role(name: str) -> ClaimPrincipal:
    return ClaimPrincipal("role", name, ACCOUNT)


# (feature, claim, expected status, the proof)
Claim = tuple[str, str, Status, Callable[[], object]]


def claims() -> list[Claim]:
    departments = policies("connect/describe-update-users-by-department.json")
    view = policies("connect/view-users.json")
    create = policies("connect/create-users-by-request-tag.json")
    by_owner = policies("connect-campaigns/by-owner-tag.json")
    with_list = policies("semantics/campaigns-by-owner-tag-with-list.json")
    management = policies("connect-campaigns/management.json")
    read_only = policies("connect-campaigns/read-only.json")
    onboarding = policies("connect-campaigns/onboarding.json")
    disable = policies("connect-campaigns/disable.json")
    event = policies("app-integrations/create-view-event-integrations.json")
    external = policies("app-integrations/external-applications.json")
    wisdom = policies("wisdom/assistants.json")
    own = policies("iam/view-own-user-info.json")
    admin = user("test-admin")
    return [
        (
            "connect_users_by_department",
            "test-admin may describe and update a user only when its Department tag is Test",
            Status.PROVEN,
            lambda: prove_only_if(
                departments,
                Scope(actions=("connect:DescribeUser", "connect:UpdateUser*"), principal=admin),
                resource_tag("Department").equals("Test"),
            ),
        ),
        (
            "connect_users_by_department",
            "test-admin never deletes a user",
            Status.PROVEN,
            lambda: prove_never_allowed(
                departments, Scope(actions=("connect:DeleteUser",), principal=admin)
            ),
        ),
        (
            "connect_view_users",
            "the viewer may always describe and list users",
            Status.PROVEN,
            lambda: prove_always_allowed(
                view, Scope(actions=("connect:DescribeUser", "connect:ListUsers"))
            ),
        ),
        (
            "connect_view_users",
            "the viewer changes nothing in Connect",
            Status.PROVEN,
            lambda: prove_never_allowed(
                view, Scope(actions=("connect:Update*", "connect:Delete*", "connect:Create*"))
            ),
        ),
        (
            "connect_create_users_by_request_tag",
            "users are created and tagged only with Owner=TeamA",
            Status.PROVEN,
            lambda: prove_only_if(
                create,
                Scope(actions=("connect:CreateUser", "connect:TagResource")),
                request_tag("Owner").equals("TeamA"),
            ),
        ),
        (
            "campaigns_by_owner_tag",
            "main-operator reaches only the campaigns owned by the instance main",
            Status.PROVEN,
            lambda: prove_only_if(
                by_owner,
                Scope(actions=("connect-campaigns:*",), principal=role("main-operator")),
                owned_by_instance(MAIN),
            ),
        ),
        (
            "campaigns_by_owner_tag (errata)",
            "listing and batch state granted untagged reach other instances' campaigns",
            Status.REFUTED,
            lambda: prove_only_if(
                with_list,
                Scope(actions=("connect-campaigns:*",), principal=role("listing-operator")),
                owned_by_instance(MAIN),
            ),
        ),
        (
            "campaigns_management",
            "the campaign manager may always run the twelve management actions",
            Status.PROVEN,
            lambda: prove_always_allowed(
                management,
                Scope(
                    actions=tuple(
                        json.loads(management.identity[0].policy.text)["Statement"][0]["Action"]
                    )
                ),
            ),
        ),
        (
            "campaigns_read_only",
            "the read-only role changes no campaign",
            Status.PROVEN,
            lambda: prove_never_allowed(
                read_only,
                Scope(
                    actions=(
                        "connect-campaigns:Create*",
                        "connect-campaigns:Delete*",
                        "connect-campaigns:Update*",
                        "connect-campaigns:Put*",
                        "connect-campaigns:Start*",
                        "connect-campaigns:Stop*",
                    )
                ),
            ),
        ),
        (
            "campaigns_onboarding",
            "onboarding uses KMS only on the campaign key",
            Status.PROVEN,
            lambda: prove_only_if(
                onboarding,
                Scope(actions=("kms:DescribeKey", "kms:CreateGrant")),
                resource_arn().equals(KEY),
            ),
        ),
        (
            "campaigns_disable",
            "disabling retires grants only on the campaign key",
            Status.PROVEN,
            lambda: prove_only_if(
                disable, Scope(actions=("kms:RetireGrant",)), resource_arn().equals(KEY)
            ),
        ),
        (
            "appintegrations_create_view",
            "event integrations may always be created, read and listed",
            Status.PROVEN,
            lambda: prove_always_allowed(
                event,
                Scope(
                    actions=(
                        "app-integrations:CreateEventIntegration",
                        "app-integrations:GetEventIntegration",
                        "app-integrations:ListEventIntegrations",
                    )
                ),
            ),
        ),
        (
            "appintegrations_external_applications",
            "every event and data integration action is granted",
            Status.PROVEN,
            lambda: prove_always_allowed(
                external,
                Scope(
                    actions=tuple(
                        json.loads(external.identity[0].policy.text)["Statement"][0]["Action"]
                    )
                ),
            ),
        ),
        (
            "wisdom_assistants",
            "assistants may always be created, read, listed and deleted",
            Status.PROVEN,
            lambda: prove_always_allowed(
                wisdom,
                Scope(
                    actions=(
                        "wisdom:CreateAssistant",
                        "wisdom:GetAssistant",
                        "wisdom:ListAssistants",
                        "wisdom:DeleteAssistant",
                    )
                ),
            ),
        ),
        (
            "iam_view_own_user_info",
            "a user reads only its own IAM user",
            Status.PROVEN,
            lambda: prove_only_if(
                own,
                Scope(actions=("iam:GetUser", "iam:ListGroupsForUser", "iam:ListUserPolicies")),
                resource_arn().ends_with(literal(":user/") + context_key("aws:username")),
            ),
        ),
        (
            "connect_view_users (errata)",
            "view-users does not grant every Connect action",
            Status.REFUTED,
            lambda: prove_always_allowed(view, Scope(actions=("connect:*",))),
        ),
        (
            "appintegrations_external_applications (errata)",
            "as published ('app-integartions'), the policy does not grant the delete actions",
            Status.REFUTED,
            lambda: prove_always_allowed(
                policies("published/allow-iam-users-to-integrate-with-external-applications.json"),
                Scope(
                    actions=tuple(
                        json.loads(external.identity[0].policy.text)["Statement"][0]["Action"]
                    )
                ),
            ),
        ),
    ]


def ten_statement_policies() -> tuple[PolicySet, PolicySet]:
    """Two 10-statement policies over connect:*: tag conditions, wildcards, a Deny, a
    variable; NEW widens two statements and adds one action."""
    teams = ["Test", "Prod", "Ops", "Sales", "Support"]
    base: list[dict[str, object]] = []
    for i, (pattern, team) in enumerate(
        zip(
            [
                "connect:DescribeUser",
                "connect:UpdateUser*",
                "connect:Describe*Queue*",
                "connect:List*",
                "connect:*RoutingProfile*",
                "connect:UpdateContact*",
                "connect:DescribeInstance*",
                "connect:*SecurityProfile*",
            ],
            teams * 2,
            strict=False,
        )
    ):
        base.append(
            {
                "Sid": f"S{i}",
                "Effect": "Allow",
                "Action": pattern,
                "Resource": "*",
                "Condition": {"StringEquals": {"aws:ResourceTag/Team": team}},
            }
        )
    base.append(
        {
            "Sid": "SameDepartment",
            "Effect": "Allow",
            "Action": ["connect:DescribeUser", "connect:UpdateUserIdentityInfo"],
            "Resource": "*",
            "Condition": {
                "StringEquals": {"aws:ResourceTag/Department": "${aws:PrincipalTag/Department}"}
            },
        }
    )
    base.append(
        {
            "Sid": "NoProdChanges",
            "Effect": "Deny",
            "Action": ["connect:UpdateUser*", "connect:Delete*"],
            "Resource": "*",
            "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Prod"}},
        }
    )
    new = json.loads(json.dumps(base))
    new[0]["Condition"] = {"StringLike": {"aws:ResourceTag/Team": "Test*"}}
    new[3]["Action"] = ["connect:List*", "connect:SearchUsers"]
    new[9]["Action"] = ["connect:UpdateUser*"]
    texts = [json.dumps({"Version": "2012-10-17", "Statement": s}) for s in (base, new)]
    return PolicySet.from_texts([texts[0]]), PolicySet.from_texts([texts[1]])


def run_claims() -> None:
    print("Universal claims (published examples, corrected policies)")
    slowest = 0.0
    for feature, text, expected, prove in claims():
        started = time.perf_counter()
        result = prove()
        seconds = time.perf_counter() - started
        slowest = max(slowest, seconds)
        status = result.status  # type: ignore[attr-defined]
        mark = "" if status is expected else f"  UNEXPECTED (expected {expected.value})"
        print(f"  {seconds:6.3f} s  {status.value:8}  {feature}: {text}{mark}")
    print(f"  slowest: {slowest:.3f} s (target < 1 s)")


EVERY_SERVICE = (
    json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": "connect:Describe*", "Resource": "*"}],
        }
    ),
    json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "NotAction": "iam:*",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:ResourceTag/Team": "A"}},
                }
            ],
        }
    ),
)
"""A diff over every action of every service (a NotAction statement): the largest proof."""


def run_diff() -> None:
    old, new = ten_statement_policies()
    started = time.perf_counter()
    result = diff_policies(old, new, Scope(actions=("connect:*",)))
    seconds = time.perf_counter() - started
    print("\nDiff of two 10-statement policies over connect:*")
    print(
        f"  {seconds:.2f} s (target < 5 s): {len(result.new_access.changes)} new access, "
        f"{len(result.removed_access.changes)} access removed, status {result.status.value}"
    )
    wide_old, wide_new = (PolicySet.from_texts([text]) for text in EVERY_SERVICE)
    started = time.perf_counter()
    wide = diff_policies(wide_old, wide_new, Scope(), max_requests=20)
    seconds = time.perf_counter() - started
    print("Diff over every action of every service (NotAction), first 20 requests per direction")
    print(
        f"  {seconds:.2f} s: {len(wide.new_access.changes)} new access (list complete: "
        f"{wide.new_access.complete}), {len(wide.removed_access.changes)} access removed"
    )


def run_differential() -> None:
    with tempfile.TemporaryDirectory() as folder:
        report = Path(folder) / "cases.txt"
        env = {**os.environ, "IAMSPEC_DIFFERENTIAL_REPORT": str(report)}
        started = time.perf_counter()
        completed = subprocess.run(
            [
                sys.executable,
                "-m",
                "pytest",
                "-q",
                "-n",
                "2",
                "-p",
                "no:cacheprovider",
                str(ROOT / "tests/symbolic/test_differential.py"),
            ],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=False,
        )
        seconds = time.perf_counter() - started
        cases = sum(int(line) for line in report.read_text().split()) if report.exists() else 0
    passed = completed.returncode == 0
    agreement = "100%" if passed else "NOT 100% (see pytest output)"
    print("\nDifferential test (formula vs simulate_custom_policy)")
    print(f"  {cases:,} cases, agreement {agreement}, {seconds:.1f} s wall with pytest -n 2")
    if not passed:
        print(completed.stdout[-4000:])


_CHILD = """
import json, resource, sys
from pathlib import Path
from iamspec.symbolic import PolicySet, Scope, diff_policies
texts = json.loads(sys.stdin.read())
old, new = PolicySet.from_texts([texts[0]]), PolicySet.from_texts([texts[1]])
if {prove}:
    diff_policies(old, new, Scope(actions={actions!r}), max_requests=20)
status = Path("/proc/self/status")
if status.exists():  # VmHWM: this program's peak (ru_maxrss keeps the forking parent's)
    line = next(x for x in status.read_text().splitlines() if x.startswith("VmHWM:"))
    print(line.split()[1])
else:
    print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
"""


def run_memory() -> None:
    old, new = ten_statement_policies()
    cases = {
        "the 10-statement diff over connect:*": (
            json.dumps([old.identity[0].policy.text, new.identity[0].policy.text]),
            ("connect:*",),
        ),
        "the diff over every service": (json.dumps(list(EVERY_SERVICE)), ("*",)),
    }

    def child(prove: bool, texts: str, actions: tuple[str, ...]) -> int:
        out = subprocess.run(
            [sys.executable, "-c", _CHILD.format(prove=prove, actions=actions)],
            input=texts,
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        ).stdout
        return int(out.split()[-1])

    print("\nPeak memory (peak resident set of a child process, KiB)")
    loaded = child(False, *cases["the 10-statement diff over connect:*"])
    print(f"  modules and policies loaded: {loaded:,} KiB")
    for label, (texts, actions) in cases.items():
        proved = child(True, texts, actions)
        print(f"  with {label}: {proved:,} KiB (+{proved - loaded:,} KiB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--skip-differential", action="store_true")
    args = parser.parse_args()
    print(f"python {platform.python_version()}, {os.cpu_count()} cores, {platform.machine()}")
    run_claims()
    run_diff()
    if not args.skip_differential:
        run_differential()
    run_memory()


if __name__ == "__main__":
    main()
