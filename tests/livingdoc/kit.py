"""Helpers for the living-documentation tests: small projects and hand-built RunRecords."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from iamspec.policy.parser import parse_policy
from iamspec.records.results import (
    CallRecord,
    DeselectedScenarioRecord,
    PolicyRefRecord,
    PolicyTextRecord,
    PrincipalRecord,
    RequestRecord,
    ResourceRecord,
    RunRecord,
    ScenarioRecord,
    StepRecord,
    text_sha256,
)

ROOT = Path(__file__).resolve().parents[2]
ACCOUNT = "111122223333"
T0 = "2026-11-30T07:47:00.123456+00:00"
T1 = "2026-11-30T07:47:03.000000+00:00"

PYPROJECT = """\
[tool.iamspec]
account_id = "111122223333"
region = "us-east-1"
partition = "aws"
policy_dir = "policies"

[tool.iamspec.connect_instances]
main = "11111111-2222-3333-4444-555555555555"
"""

DEPT = "policies/connect/dept.json"
DEPT_TEXT = (
    json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "DescribeUpdateTest",
                    "Effect": "Allow",
                    "Action": ["connect:DescribeUser", "connect:UpdateUser*"],
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:ResourceTag/Department": "Test"}},
                },
                {
                    "Sid": "NeverDelete",
                    "Effect": "Deny",
                    "Action": "connect:DeleteUser",
                    "Resource": "*",
                },
                {
                    "Sid": "Unused",
                    "Effect": "Allow",
                    "Action": "connect:ListUsers",
                    "Resource": "*",
                },
            ],
        },
        indent=2,
    )
    + "\n"
)

EVIL = "policies/evil.json"
EVIL_TEXT = (
    json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Action": "connect:DescribeUser",
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {"aws:ResourceTag/Team": "</pre><script>alert(2)</script>"}
                    },
                }
            ],
        },
        indent=2,
    )
    + "\n"
)

_ONE_LINE = (
    '{ "Version": "2012-10-17", "Statement": [ { "Effect": "Allow", '
    '"Action": [ "ACTION" ], "Resource": "*" } ] }'
)
PUBLISHED_BAD = _ONE_LINE.replace("ACTION", "conect:DescribeUser")  # a misspelt service prefix
PUBLISHED_GOOD = _ONE_LINE.replace("ACTION", "connect:DescribeUser")


def project(
    root: Path,
    policies: dict[str, str] | None = None,
    published: dict[str, str] | None = None,
) -> Path:
    """A project folder: pyproject.toml, policies (path -> text), published examples."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    for display, text in (policies or {DEPT: DEPT_TEXT}).items():
        path = root / display
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    for name, text in (published or {}).items():
        path = root / "policies" / "published" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def spans(text: str) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """(start, end) of every statement, as the simulator reports them."""
    policy = parse_policy(text, "<test>")
    return [
        ((st.start.line, st.start.column), (st.end.line, st.end.column)) for st in policy.statements
    ]


def matched(source: str, text: str, index: int) -> dict[str, Any]:
    """A MatchedStatements entry naming statement ``index`` of ``text`` by ``source``."""
    start, end = spans(text)[index]
    return {
        "SourcePolicyId": source,
        "SourcePolicyType": "IAM Policy",
        "StartPosition": {"Line": start[0], "Column": start[1]},
        "EndPosition": {"Line": end[0], "Column": end[1]},
    }


def user_arn(name: str) -> str:
    return f"arn:aws:connect:us-east-1:{ACCOUNT}:instance/main/agent/{name}"


_PLAIN = {
    "allowed": "allowed",
    "implicitDeny": "implicitly denied",
    "explicitDeny": "explicitly denied",
}


@dataclass
class Ask:
    """One call to put in a scenario: who asks for what on which Connect user."""

    action: str
    decision: str
    matched: list[dict[str, Any]] = field(default_factory=list)
    user: str = "jdoe"
    principal: str = "admin"
    expected: str | None = "same"
    request_tags: dict[str, str] = field(default_factory=dict)
    explanation: str | None = None

    def record(self) -> CallRecord:
        expected = _PLAIN[self.decision] if self.expected == "same" else self.expected
        passed = None if expected is None else _PLAIN[self.decision] == expected
        target = f'the Connect user "{self.user}"'
        request = RequestRecord(
            action=self.action,
            resource=user_arn(self.user),
            target=target,
            context_entries=[
                {
                    "ContextKeyName": "aws:PrincipalAccount",
                    "ContextKeyValues": [ACCOUNT],
                    "ContextKeyType": "string",
                }
            ],
            notes=[],
            decision=self.decision,
            matched_statements=list(self.matched),
            missing_context_values=[],
            explanation=self.explanation
            or f"{self.action} on {user_arn(self.user)}: {self.decision}",
        )
        return CallRecord(
            step="features/f.feature:9",
            principal=self.principal,
            principal_arn=f"arn:aws:iam::{ACCOUNT}:user/{self.principal}",
            action=self.action,
            target=target,
            request_tags=dict(self.request_tags),
            decision=self.decision,
            expected=expected,
            passed=passed,
            backend="local",
            asked_at=T0,
            requests=[request],
        )


def scenario(
    name: str,
    asks: list[Ask],
    *,
    feature: str = "Test admins manage Test agents",
    feature_file: str = "features/dept.feature",
    description: str = (
        "Admins of the Test department describe and update Test agents.\n\nNobody deletes agents."
    ),
    line: int = 7,
    example: dict[str, str] | None = None,
    policies: tuple[str, ...] = (DEPT,),
    tags: dict[str, str] | None = None,
    status: str | None = None,
    error: str | None = None,
    principal: str = "admin",
    groups: tuple[PrincipalRecord, ...] = (),
    boundary: str | None = None,
    principal_tags: dict[str, str] | None = None,
    principal_kind: str = "user",
    deployed: bool = False,
) -> ScenarioRecord:
    """A scenario whose principal has ``policies`` (and ``principal_tags``) and asks ``asks``
    about Connect user jdoe."""
    calls = [a.record() for a in asks]
    if status is None:
        status = "failed" if any(c.passed is False for c in calls) else "passed"
    users = {a.user for a in asks} or {"jdoe"}
    return ScenarioRecord(
        feature=feature,
        feature_file=feature_file,
        feature_description=description,
        scenario=name,
        line=line,
        tags=[],
        nodeid="features/test_features.py::test_" + re.sub(r"\W+", "_", name),
        example=dict(example or {}),
        backend="local",
        started_at=T0,
        status=status,
        error=error,
        finished_at=T1,
        duration=0.01,
        simulate_calls=len(calls),
        principals=[
            *groups,
            PrincipalRecord(
                name=principal,
                kind=principal_kind,
                arn=f"arn:aws:iam::{ACCOUNT}:{principal_kind}/{principal}",
                policies=list(policies),
                groups=[g.name for g in groups],
                boundary=boundary,
                tags=dict(principal_tags or {}),
                deployed=deployed,
            ),
        ],
        resources=[
            ResourceRecord("Connect user", u, user_arn(u), dict(tags or {})) for u in sorted(users)
        ],
        steps=[
            StepRecord(
                "Given",
                f'the IAM user "{principal}" with the policy "{policies[0] if policies else ""}"',
                line + 1,
                "passed",
            ),
            StepRecord(
                "When",
                f'"{principal}" calls "{asks[0].action if asks else ""}"',
                line + 2,
                "passed",
            ),
            StepRecord(
                "Then",
                "the request is as specified",
                line + 3,
                "failed" if status == "failed" else "passed",
                "ScenarioFailure: not as specified" if status == "failed" else None,
            ),
        ],
        calls=calls,
    )


LIVE_REASON = (
    "tagged @live: it names principals deployed in the AWS account, which only "
    "--iam-backend=live can answer (this run: --iam-backend=local)"
)


def deselected(
    name: str,
    *,
    feature: str = "Deployed principals behave as specified",
    feature_file: str = "features/live.feature",
    description: str = "Nightly, against the real account.",
    line: int = 5,
    example: dict[str, str] | None = None,
    principal: str = "test-admin",
    action: str = "connect:DescribeUser",
    cause: str = "live",
    reason: str = LIVE_REASON,
    given: str | None = None,
) -> DeselectedScenarioRecord:
    """A scenario the run deselected: a deployed principal (or the one ``given`` declares)
    asks ``action`` (not run)."""
    return DeselectedScenarioRecord(
        feature=feature,
        feature_file=feature_file,
        feature_description=description,
        scenario=name,
        line=line,
        tags=["live"] if cause == "live" else [],
        nodeid=f"features/test_features.py::test_{line}",
        example=dict(example or {}),
        steps=[
            StepRecord("Given", given or f'the deployed principal "{principal}"', line + 1),
            StepRecord(
                "When", f'"{principal}" calls "{action}" on the Connect user "jdoe"', line + 2
            ),
            StepRecord("Then", "the request is allowed", line + 3),
        ],
        cause=cause,
        reason=reason,
    )


def run(*scenarios: ScenarioRecord, backend: str = "local") -> RunRecord:
    return RunRecord(
        iamspec_version="0.1.0",
        iam_data_version="0.1.202610271",
        iam_data_updated_at="2026-10-27T04:50:33.626Z",
        backend=backend,
        account_id=ACCOUNT,
        region="us-east-1",
        partition="aws",
        started_at=T0,
        finished_at=T1,
        simulate_calls=sum(s.simulate_calls for s in scenarios),
        scenarios=list(scenarios),
    )


def with_texts(result: RunRecord, texts: dict[str, str]) -> RunRecord:
    """``result`` as a harness that records policy texts writes it: ``texts`` (path -> the text
    evaluated) in ``policies``, and every scenario naming the texts of its principals'
    policies (identity and boundary). Changes ``result`` and returns it."""
    result.policies = [
        PolicyTextRecord(path, "identity", text_sha256(text), text) for path, text in texts.items()
    ]
    for record in result.scenarios:
        paths = [(p, "identity") for pr in record.principals for p in pr.policies]
        paths += [(pr.boundary, "boundary") for pr in record.principals if pr.boundary]
        record.evaluated_policies = [
            PolicyRefRecord(path, kind, text_sha256(texts[path]))
            for path, kind in dict.fromkeys(paths)
            if path in texts
        ]
    return result


def dept_run() -> RunRecord:
    """Two features: the Test-department one (an outline, a failure, an explicit deny, an
    escaping trap) and one with the ``</pre>`` policy."""
    allow = [matched(DEPT, DEPT_TEXT, 0)]
    deny = [matched(DEPT, DEPT_TEXT, 1)]
    outline = [
        scenario(
            "the Department tag decides",
            [Ask(action, decision, m)],
            example={"department": dept, "action": action},
            tags={"Department": dept},
            line=7,
        )
        for dept, action, decision, m in [
            ("Test", "connect:DescribeUser", "allowed", allow),
            ("Test", "connect:UpdateUserHierarchy", "allowed", allow),
            ("Prod", "connect:DescribeUser", "implicitDeny", []),
        ]
    ]
    return run(
        *outline,
        scenario(
            "nobody deletes an agent",
            [Ask("connect:DeleteUser", "explicitDeny", deny)],
            tags={"Department": "Test"},
            line=20,
        ),
        scenario(
            "<script>alert(1)</script>",
            [
                Ask(
                    "connect:UpdateUserPhoneConfig",
                    "implicitDeny",
                    [],
                    expected="allowed",
                    explanation="connect:UpdateUserPhoneConfig: implicitDeny\nimplicitly denied: "
                    "no statement allows it <b>bold</b>",
                )
            ],
            tags={"Department": "Prod"},
            line=30,
            error="features/dept.feature:33: Then the request is allowed\nScenarioFailure: "
            "expected allowed, got implicitDeny",
        ),
        scenario(
            "teams read their own agents",
            [
                Ask(
                    "connect:DescribeUser",
                    "allowed",
                    [matched(EVIL, EVIL_TEXT, 0)],
                    principal="lead",
                )
            ],
            feature="Team leads read their team's agents",
            feature_file="features/team.feature",
            description="A policy whose value holds markup.",
            policies=(EVIL,),
            principal="lead",
            line=4,
        ),
    )


def compared(
    record: ScenarioRecord,
    local: dict[str, str] | None = None,
    *,
    backend: str = "live",
    known_difference: str | None = None,
    local_explanation: str | None = None,
    deployed: bool = False,
) -> ScenarioRecord:
    """``record`` as a ``--compare-local`` run on ``backend`` records it: the local evaluator
    answers every request too, as the backend did unless ``local`` maps the request's action
    to another decision (then the request drifts); a ``deployed`` principal gets no local
    answer. Changes ``record`` and returns it."""
    record.backend = backend
    record.known_difference = known_difference
    for call in record.calls:
        call.backend = backend
        for request in call.requests:
            if deployed:
                continue
            decision = (local or {}).get(request.action, request.decision)
            request.local_decision = decision
            request.local_explanation = local_explanation or (
                f"{request.action} on {request.resource}: {decision} (local)"
            )
            request.drift = decision != request.decision
    return record


HOSTILE = "</pre><script>alert(3)</script>"


def drift_run() -> RunRecord:
    """A live ``--compare-local`` run: an unexplained disagreement (in an outline row, with a
    hostile explanation), a disagreement in a scenario declaring a known difference, a stale
    known difference, and a deployed principal's request that was not compared."""
    allow = [matched(DEPT, DEPT_TEXT, 0)]
    deny = [matched(DEPT, DEPT_TEXT, 1)]
    outline = [
        compared(
            scenario(
                "the Department tag decides",
                [Ask(action, decision, m, explanation=explanation)],
                example={"department": dept, "action": action},
                tags={"Department": dept},
                line=7,
                status="failed" if local else None,
                error="drift from the local evaluator" if local else None,
            ),
            local,
            local_explanation=local_explanation,
        )
        for dept, action, decision, m, explanation, local, local_explanation in [
            ("Test", "connect:DescribeUser", "allowed", allow, None, None, None),
            (
                "Test",
                "connect:UpdateUserHierarchy",
                "implicitDeny",
                [],
                f"live says {HOSTILE}",
                {"connect:UpdateUserHierarchy": "allowed"},
                f"local says {HOSTILE}",
            ),
            ("Prod", "connect:DescribeUser", "implicitDeny", [], None, None, None),
        ]
    ]
    result = run(
        *outline,
        compared(
            scenario(
                "nobody deletes an agent",
                [Ask("connect:DeleteUser", "implicitDeny", [])],
                tags={"Department": "Test"},
                line=20,
            ),
            {"connect:DeleteUser": "explicitDeny"},
            known_difference="the simulator <ignores> the *Deny* | for this resource type",
        ),
        compared(
            scenario(
                "admins update Test agents",
                [Ask("connect:UpdateUserHierarchy", "allowed", allow)],
                tags={"Department": "Test"},
                line=30,
            ),
            known_difference="AWS once answered implicitDeny here",
        ),
        compared(
            scenario(
                "nobody deletes an agent, even by deny",
                [Ask("connect:DeleteUser", "explicitDeny", deny)],
                tags={"Department": "Test"},
                line=40,
            )
        ),
        compared(
            scenario(
                "teams read their own agents",
                [
                    Ask(
                        "connect:DescribeUser",
                        "allowed",
                        [matched(EVIL, EVIL_TEXT, 0)],
                        principal="lead",
                    )
                ],
                feature="Team leads read their team's agents",
                feature_file="features/team.feature",
                description="A deployed role: its policies live in the account.",
                policies=(EVIL,),
                principal="lead",
                line=4,
            ),
            deployed=True,
        ),
        backend="live",
    )
    result.compare_local = True
    return result


# --------------------------------------------------------------------------------------------
# large scenarios (a Then-step over every action of whole services)

SWEEP_SERVICES = ("iam", "sts", "connect", "connect-campaigns", "wisdom", "app-integrations")


def catalog_actions(services: tuple[str, ...] = SWEEP_SERVICES) -> list[str]:
    """Real action names of ``services``, service by service in the IAM service reference's
    order (765 for the default services)."""
    from iamspec.catalog import default_catalog

    catalog = default_catalog()
    return [a.full_name for s in services for a in catalog.expand(f"{s}:*")]


def sweep(
    count: int,
    *,
    exclude: tuple[str, ...] = (),
    users: tuple[str, ...] = ("jdoe", "asmith"),
    services: tuple[str, ...] = SWEEP_SERVICES,
) -> list[Ask]:
    """``count`` passing implicit denies, as a sweep over whole services sends them: every
    action of ``services`` (but ``exclude``) on the first user, then on the next, and so on;
    each with its own explanation (``SWEEP-TRACE <action> on <user>``)."""
    actions = [a for a in catalog_actions(services) if a not in exclude]
    asks = [
        Ask(action, "implicitDeny", user=user, explanation=f"SWEEP-TRACE {action} on {user}")
        for user in users
        for action in actions
    ]
    if count > len(asks):
        raise ValueError(f"only {len(asks)} (action, user) pairs; add users or services")
    return asks[:count]


LARGE_TOTAL = 1000
LARGE_FAILING = "connect:UpdateUserPhoneConfig"
LARGE_ALLOWED = "connect:DescribeUser"
LARGE_DRIFTED = "connect:UpdateUserHierarchy"
LARGE_EXPLICIT = 10
LARGE_UNCHECKED = 5
LARGE_LINE = 40


def large_scenario(
    total: int = LARGE_TOTAL, *, line: int = LARGE_LINE, **kwargs: Any
) -> ScenarioRecord:
    """A scenario of ``total`` calls (one request each): one not as specified
    (``FAILING-TRACE``), one allowed as specified by dept.json statement 1 (``ALLOWED-TRACE``),
    one that drifts once :func:`compared` with ``{LARGE_DRIFTED: "allowed"}`` (``DRIFT-TRACE``),
    and the rest a sweep of passing denials: ``LARGE_EXPLICIT`` explicitly denied by statement 2
    (NeverDelete), ``LARGE_UNCHECKED`` implicitly denied with nothing checking them, the others
    implicitly denied as specified."""
    special = (LARGE_FAILING, LARGE_ALLOWED, LARGE_DRIFTED)
    rest = sweep(total - 3, exclude=special)
    for ask in rest[:LARGE_EXPLICIT]:
        ask.decision = "explicitDeny"
        ask.matched = [matched(DEPT, DEPT_TEXT, 1)]
    for ask in rest[LARGE_EXPLICIT : LARGE_EXPLICIT + LARGE_UNCHECKED]:
        ask.expected = None
    asks = [
        *rest[: total // 3],
        Ask(
            LARGE_FAILING,
            "implicitDeny",
            expected="allowed",
            explanation="FAILING-TRACE: no statement allows it",
        ),
        Ask(
            LARGE_ALLOWED,
            "allowed",
            [matched(DEPT, DEPT_TEXT, 0)],
            explanation="ALLOWED-TRACE: statement 1 allows it",
        ),
        *rest[total // 3 : 2 * total // 3],
        Ask(LARGE_DRIFTED, "implicitDeny", explanation="DRIFT-TRACE: live denies it"),
        *rest[2 * total // 3 :],
    ]
    kwargs.setdefault("tags", {"Department": "Test"})
    kwargs.setdefault("error", "features/dept.feature:43: ScenarioFailure: expected allowed")
    return scenario("every action of whole services", asks, line=line, **kwargs)


def large_run() -> RunRecord:
    """A live ``--compare-local`` run of the dept feature: a small scenario and
    :func:`large_scenario`, whose ``LARGE_DRIFTED`` request the local evaluator allows."""
    small = scenario(
        "nobody deletes an agent",
        [Ask("connect:DeleteUser", "explicitDeny", [matched(DEPT, DEPT_TEXT, 1)])],
        tags={"Department": "Test"},
        line=20,
    )
    result = run(
        compared(small),
        compared(large_scenario(), {LARGE_DRIFTED: "allowed"}),
        backend="live",
    )
    result.compare_local = True
    return result


# --------------------------------------------------------------------------------------------
# who may do what: a principal name in two features, caller tags, deselected scenarios

TEAM_TAGGED = "policies/connect/team.json"
TEAM_TAGGED_TEXT = (
    json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "SameTeam",
                    "Effect": "Allow",
                    "Action": "connect:DescribeUser",
                    "Resource": "*",
                    "Condition": {
                        "StringEquals": {"aws:ResourceTag/Team": "${aws:PrincipalTag/Team}"}
                    },
                },
                {
                    "Sid": "NotProd",
                    "Effect": "Deny",
                    "Action": "connect:*",
                    "Resource": "*",
                    "Condition": {"StringEquals": {"aws:ResourceTag/Stage": "prod"}},
                },
            ],
        },
        indent=2,
    )
    + "\n"
)


def who_run() -> RunRecord:
    """:func:`dept_run`, plus a feature whose "admin" (the dept feature's name, another
    policy: another principal) is tagged Team=<team> and reads agents by team, and three
    deselected scenarios: two rows of a @live outline for the deployed "test-admin", and
    one dept scenario left out by -k."""
    result = dept_run()
    same = [matched(TEAM_TAGGED, TEAM_TAGGED_TEXT, 0)]
    for team, agent_team, decision, m in [
        ("Blue", "Blue", "allowed", same),
        ("Blue", "Red", "implicitDeny", []),
    ]:
        result.scenarios.append(
            scenario(
                "an admin reads the agents of its own team",
                [Ask("connect:DescribeUser", decision, m, user=f"{agent_team.lower()}-agent")],
                feature="Admins read their own team's agents",
                feature_file="features/teams.feature",
                description="The caller's Team tag must equal the agent's.",
                policies=(TEAM_TAGGED,),
                principal_tags={"Team": team},
                tags={"Team": agent_team},
                example={"team": team, "agent team": agent_team},
                line=6,
            )
        )
    result.scenarios.append(
        scenario(
            "no admin touches a prod agent",
            [
                Ask(
                    "connect:DescribeUser",
                    "explicitDeny",
                    [matched(TEAM_TAGGED, TEAM_TAGGED_TEXT, 1)],
                    user="prod-agent",
                )
            ],
            feature="Admins read their own team's agents",
            feature_file="features/teams.feature",
            description="The caller's Team tag must equal the agent's.",
            policies=(TEAM_TAGGED,),
            principal_tags={"Team": "Blue"},
            tags={"Team": "Blue", "Stage": "prod"},
            line=20,
        )
    )
    result.deselected = dept_deselected(given=f'the IAM user "admin" with the policy "{DEPT}"')
    return result


KEYWORD_REASON = "not selected by -k 'Department'"


def dept_deselected(**extra: Any) -> list[DeselectedScenarioRecord]:
    """Two @live rows of an outline in a feature none of whose scenarios ran, and one
    scenario of the dept feature deselected by -k (``extra``: more of its fields)."""
    return [
        deselected(
            "the deployed admin reaches Test agents",
            example={"department": department},
            line=12,
        )
        for department in ("Test", "Prod")
    ] + [
        deselected(
            "admins rename Test agents",
            feature="Test admins manage Test agents",
            feature_file="features/dept.feature",
            line=40,
            principal="admin",
            action="connect:UpdateUserIdentityInfo",
            cause="keyword",
            reason=KEYWORD_REASON,
            **extra,
        )
    ]
