"""The API backends' reading of responses, offline: a boto3-shaped fake client stands in for
IAM, so the response's shape (duplicates, unasked actions, resource names, paging markers) is
exactly what each test says. Also the run's shared call budget and the drift summary line.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import Any

import pytest

from iamspec.harness.backends import ApiOptions, CallBudget, LiveBackend
from iamspec.harness.errors import CallLimitError, HarnessError, SimulatorError
from iamspec.harness.recording import call_record
from iamspec.harness.reporting import DriftReporter, ResultsCollector
from iamspec.harness.requests import Batch
from iamspec.harness.world import World
from iamspec.records.drift import Disagreement, drift_report
from iamspec.records.results import RunRecord, ScenarioRecord
from tests.harness.kit import make_world

DESCRIBE = "connect:DescribeUser"
DELETE = "connect:DeleteUser"
_RUNAWAY = 50
"""Requests after which the fake client stops a loop that would otherwise never end."""


class FakeIam:
    """A boto3-shaped IAM client: each operation returns its canned pages in turn (the last
    one again and again), and every request is recorded."""

    def __init__(self, **pages: list[dict[str, Any]]) -> None:
        self.pages = {operation: list(found) for operation, found in pages.items()}
        self.requests: list[tuple[str, dict[str, Any]]] = []

    def __getattr__(self, operation: str) -> Any:
        if operation.startswith("_"):
            raise AttributeError(operation)

        def call(**kwargs: Any) -> dict[str, Any]:
            self.requests.append((operation, kwargs))
            if len(self.requests) > _RUNAWAY:
                raise RuntimeError(f"{operation} asked {_RUNAWAY} times: paging never ends")
            queue = self.pages[operation]
            return queue.pop(0) if len(queue) > 1 else queue[0]

        return call


def _result(
    action: str, resource: str, decision: str, *, sid: str = "PolicyInputList.1"
) -> dict[str, Any]:
    """An EvaluationResult as AWS shapes it for one resource."""
    matched = [{"SourcePolicyId": sid, "StartPosition": {"Line": 3, "Column": 5}}]
    matched = matched if decision != "implicitDeny" else []
    return {
        "EvalActionName": action,
        "EvalResourceName": resource,
        "EvalDecision": decision,
        "MatchedStatements": matched,
        "MissingContextValues": [],
        "ResourceSpecificResults": [
            {
                "EvalResourceName": resource,
                "EvalResourceDecision": decision,
                "MatchedStatements": matched,
                "MissingContextValues": [],
            }
        ],
    }


def _page(*results: dict[str, Any], marker: str | None = None) -> dict[str, Any]:
    page: dict[str, Any] = {"EvaluationResults": list(results), "IsTruncated": marker is not None}
    if marker is not None:
        page["Marker"] = marker
    return page


def _setup(
    tmp_path: Path, client: FakeIam, *policies: str, compare_local: bool = False
) -> tuple[World, LiveBackend]:
    world = make_world(tmp_path)
    backend = LiveBackend(
        world.catalog, world.settings, ApiOptions(compare_local=compare_local), client=client
    )
    world.backend = backend
    world.add_principal("IAM user", "u", list(policies))
    for name in ("a", "b"):
        world.add_resource("Connect user", name)
    return world, backend


def _arn(world: World, name: str) -> str:
    return world.resource("Connect user", name).arn


def _batch(world: World, actions: tuple[str, ...], names: tuple[str, ...]) -> Batch:
    return Batch(world.caller("u"), (), actions, tuple(_arn(world, n) for n in names))


# --------------------------------------------------------------------------------------------
# (2) strict reading of EvaluationResults


def test_two_different_results_for_one_pair_are_an_error_naming_both(tmp_path: Path) -> None:
    client = FakeIam()
    world, backend = _setup(tmp_path, client, "allow-all.json")
    a = _arn(world, "a")
    client.pages["simulate_custom_policy"] = [
        _page(_result(DESCRIBE, a, "allowed"), _result(DESCRIBE, a, "explicitDeny", sid="X.2"))
    ]

    with pytest.raises(HarnessError) as caught:
        backend.answer_batch(_batch(world, (DESCRIBE,), ("a",)))

    message = str(caught.value)
    assert f"two different results for {DESCRIBE} on {a}" in message
    assert "allowed (matched: PolicyInputList.1 at 3:5)" in message
    assert "explicitDeny (matched: X.2 at 3:5)" in message


def test_the_same_result_twice_is_read_once(tmp_path: Path) -> None:
    client = FakeIam()
    world, backend = _setup(tmp_path, client, "allow-all.json")
    a = _arn(world, "a")
    client.pages["simulate_custom_policy"] = [
        _page(_result(DESCRIBE, a, "allowed"), _result(DESCRIBE, a, "allowed"))
    ]
    answers = backend.answer_batch(_batch(world, (DESCRIBE,), ("a",)))
    assert answers[(DESCRIBE, a)].decision.value == "allowed"


def test_a_result_for_an_action_not_asked_is_an_error(tmp_path: Path) -> None:
    client = FakeIam()
    world, backend = _setup(tmp_path, client, "allow-all.json")
    a = _arn(world, "a")
    client.pages["simulate_custom_policy"] = [
        _page(_result(DESCRIBE, a, "allowed"), _result(DELETE, a, "allowed"))
    ]

    with pytest.raises(HarnessError, match=f"answered for '{DELETE}', an action the request did"):
        backend.answer_batch(_batch(world, (DESCRIBE,), ("a",)))


def test_one_resource_answered_for_another_is_no_result(tmp_path: Path) -> None:
    """With a single resource in the batch, a result naming another ARN is not its answer."""
    client = FakeIam()
    world, backend = _setup(tmp_path, client, "allow-all.json")
    a, b = _arn(world, "a"), _arn(world, "b")
    client.pages["simulate_custom_policy"] = [_page(_result(DESCRIBE, b, "allowed"))]

    with pytest.raises(HarnessError, match=f"returned no result for {DESCRIBE} on {a}$"):
        backend.answer_batch(_batch(world, (DESCRIBE,), ("a",)))


def test_one_resource_answered_as_star_is_its_answer(tmp_path: Path) -> None:
    """AWS names the resource ``*`` when ResourceArns is left out: that still answers it."""
    client = FakeIam()
    world, backend = _setup(tmp_path, client, "allow-all.json")
    a = _arn(world, "a")
    star = _result(DESCRIBE, "*", "allowed")
    del star["ResourceSpecificResults"]
    client.pages["simulate_custom_policy"] = [_page(star)]

    answers = backend.answer_batch(_batch(world, (DESCRIBE,), ("a",)))

    assert answers[(DESCRIBE, a)].decision.value == "allowed"


def test_action_names_match_in_any_case_resource_arns_exactly(tmp_path: Path) -> None:
    client = FakeIam()
    world, backend = _setup(tmp_path, client, "allow-all.json")
    a = _arn(world, "a")
    client.pages["simulate_custom_policy"] = [_page(_result("CONNECT:describeuser", a, "allowed"))]
    answers = backend.answer_batch(_batch(world, (DESCRIBE,), ("a",)))
    assert answers[(DESCRIBE, a)].decision.value == "allowed"

    client.pages["simulate_custom_policy"] = [_page(_result(DESCRIBE, a.upper(), "allowed"))]
    with pytest.raises(HarnessError, match="returned no result"):
        backend.answer_batch(_batch(world, (DESCRIBE,), ("a",)))


# --------------------------------------------------------------------------------------------
# (3) paging ends


def test_a_repeated_simulate_marker_is_an_error(tmp_path: Path) -> None:
    client = FakeIam()
    world, backend = _setup(tmp_path, client, "allow-all.json")
    a = _arn(world, "a")
    client.pages["simulate_custom_policy"] = [
        _page(_result(DESCRIBE, a, "allowed"), marker="m1"),
        _page(marker="m1"),
    ]

    with pytest.raises(SimulatorError) as caught:
        backend.answer_batch(_batch(world, (DESCRIBE,), ("a",)))

    assert (caught.value.api, caught.value.code) == ("SimulateCustomPolicy", "RepeatedMarker")
    assert "'m1'" in str(caught.value)
    assert len(client.requests) == 2


def test_a_truncated_simulate_page_without_marker_names_the_api(tmp_path: Path) -> None:
    client = FakeIam()
    world, backend = _setup(tmp_path, client, "allow-all.json")
    page = _page(_result(DESCRIBE, _arn(world, "a"), "allowed"))
    page["IsTruncated"] = True
    client.pages["simulate_custom_policy"] = [page]

    with pytest.raises(SimulatorError, match="SimulateCustomPolicy failed: NoMarker"):
        backend.answer_batch(_batch(world, (DESCRIBE,), ("a",)))

    assert len(client.requests) == 1


USER = "arn:aws:iam::111122223333:user/ops/ops-admin-1"


def test_tags_are_read_over_pages(tmp_path: Path) -> None:
    client = FakeIam(
        list_user_tags=[
            {"Tags": [{"Key": "Team", "Value": "ops"}], "IsTruncated": True, "Marker": "t1"},
            {"Tags": [{"Key": "Env", "Value": "prod"}], "IsTruncated": False},
        ]
    )
    _, backend = _setup(tmp_path, client)
    assert backend.deployed_tags("ops-admin", USER) == {"Team": "ops", "Env": "prod"}
    assert [k for _, k in client.requests] == [
        {"UserName": "ops-admin-1"},
        {"UserName": "ops-admin-1", "Marker": "t1"},
    ]


@pytest.mark.parametrize(
    ("pages", "code", "requests"),
    [
        ([{"Tags": [], "IsTruncated": True}], "NoMarker", 1),
        ([{"Tags": [], "IsTruncated": True, "Marker": "t1"}], "RepeatedMarker", 2),
    ],
)
def test_tag_paging_that_would_not_end_is_an_error(
    tmp_path: Path, pages: list[dict[str, Any]], code: str, requests: int
) -> None:
    client = FakeIam(list_user_tags=pages)
    _, backend = _setup(tmp_path, client)

    with pytest.raises(SimulatorError) as caught:
        backend.deployed_tags("ops-admin", USER)

    assert (caught.value.api, caught.value.code) == ("ListUserTags", code)
    assert len(client.requests) == requests


# --------------------------------------------------------------------------------------------
# (4) answered locally: not compared


def test_a_principal_without_policies_is_not_compared(tmp_path: Path) -> None:
    client = FakeIam()
    world, _ = _setup(tmp_path, client, compare_local=True)

    outcome = world.ask("u", DESCRIBE, on='the Connect user "a"')

    assert client.requests == []  # nothing sent
    answer = outcome.results[0].parts[0].answer
    assert answer.decision.value == "implicitDeny"
    assert answer.reference is None
    assert "nothing was sent" in answer.explanation
    record = call_record(outcome.results[0])
    assert record.requests[0].local_decision is None
    run = RunRecord("0", "0", "0", "live", "111122223333", "us-east-1", "aws", "now")
    run.scenarios.append(
        ScenarioRecord(
            feature="f",
            feature_file="f.feature",
            feature_description="",
            scenario="s",
            line=1,
            tags=[],
            nodeid="f::s",
            example={},
            backend="live",
            started_at="now",
            calls=[record],
        )
    )
    report = drift_report(run)
    assert (report.requests_compared, report.requests_not_compared) == (0, 1)


# --------------------------------------------------------------------------------------------
# (1) the run's call budget


def test_budgets_on_one_file_share_the_cap(tmp_path: Path) -> None:
    """Two processes' budgets on one file (here two objects) draw from one count."""
    path = tmp_path / "calls"
    first = CallBudget.create(3, path)
    second = CallBudget(3, path)
    first.take("live")
    second.take("live")
    first.take("live")

    with pytest.raises(CallLimitError, match="the cap of 3 Simulate\\* calls for this run"):
        second.take("live")

    assert first.used == second.used == 3


def _take_all(path: str, attempts: int) -> int:
    budget = CallBudget(25, Path(path))
    granted = 0
    for _ in range(attempts):
        try:
            budget.take("live")
        except CallLimitError:
            continue
        granted += 1
    return granted


def test_processes_taking_at_once_never_exceed_the_cap(tmp_path: Path) -> None:
    path = tmp_path / "calls"
    CallBudget.create(25, path)
    with multiprocessing.get_context("fork").Pool(4) as pool:
        granted = pool.starmap(_take_all, [(str(path), 10)] * 4)
    assert sum(granted) == 25
    assert CallBudget(25, path).used == 25


def test_the_backend_draws_from_the_shared_budget(tmp_path: Path) -> None:
    """A start-up probe in one process and a scenario call in another count against one cap."""
    path = tmp_path / "calls"
    CallBudget.create(2, path)
    options = ApiOptions(max_calls=2, budget_file=str(path))
    probe = _page({"EvalActionName": "iam:SimulateCustomPolicy", "EvalDecision": "allowed"})
    world = make_world(tmp_path)
    controller = LiveBackend(
        world.catalog, world.settings, options, client=FakeIam(simulate_custom_policy=[probe])
    )
    controller.start()
    worker = LiveBackend(
        world.catalog, world.settings, options, client=FakeIam(simulate_custom_policy=[probe])
    )
    worker.start()
    assert CallBudget(2, path).used == 2
    world.backend = worker
    world.add_principal("IAM user", "u", ["allow-all.json"])

    with pytest.raises(CallLimitError):
        world.ask("u", "connect:ListUsers", on="any resource")


def test_without_a_file_the_budget_is_this_process_s() -> None:
    budget = ApiOptions(max_calls=1).budget()
    budget.take("moto")
    with pytest.raises(CallLimitError):
        budget.take("moto")
    assert budget.used == 1
    unbounded = ApiOptions(max_calls=None).budget()
    for _ in range(3):
        unbounded.take("moto")
    assert unbounded.used == 3


# --------------------------------------------------------------------------------------------
# (1), (6) the summaries


class _Terminal:
    def __init__(self) -> None:
        self.lines: list[tuple[str, dict[str, Any]]] = []

    def section(self, title: str) -> None:
        self.lines.append((f"== {title}", {}))

    def write_line(self, line: str, **markup: Any) -> None:
        self.lines.append((line, markup))


def _run() -> RunRecord:
    return RunRecord("0", "0", "0", "live", "111122223333", "us-east-1", "aws", "now")


def test_the_summary_states_the_run_s_total(tmp_path: Path) -> None:
    collector = ResultsCollector(_run(), None)
    collector.budget = CallBudget.create(5000, tmp_path / "calls")
    for _ in range(3):
        collector.budget.take("live")
    terminal = _Terminal()
    collector.pytest_terminal_summary(terminal)
    [(line, _)] = terminal.lines
    assert line.startswith("iamspec: live answered 0 scenarios (0 requests) with 0 Simulate*")
    assert "the run made 3 Simulate* calls in all (cap 5000), start-up checks" in line


def _disagreement(known: str | None) -> Disagreement:
    return Disagreement(
        scenario="s",
        feature_file="f.feature",
        line=3,
        nodeid="f::s",
        step=None,
        known_difference=known,
        principal="u",
        principal_arn="arn:aws:iam::111122223333:user/u",
        action=DESCRIBE,
        resource="*",
        target="any resource",
        context_entries=[],
        backend="live",
        decision="implicitDeny",
        explanation="",
        local_decision="allowed",
        local_explanation="",
    )


@pytest.mark.parametrize(
    ("known", "red"),
    [
        ((None, None), "FAILED: 2 unexplained disagreements between live and the local evaluator"),
        ((None, "a reason"), "FAILED: 1 unexplained disagreement between live"),
        (("a reason",), None),
    ],
)
def test_unexplained_drift_is_said_in_red(
    tmp_path: Path, known: tuple[str | None, ...], red: str | None
) -> None:
    reporter = DriftReporter(ResultsCollector(_run(), None), tmp_path / "drift.json")
    reporter.report = drift_report(_run())
    reporter.report.disagreements.extend(_disagreement(k) for k in known)
    terminal = _Terminal()

    reporter.pytest_terminal_summary(terminal)

    reds = [line for line, markup in terminal.lines if markup.get("red")]
    assert len(reds) == (1 if red else 0), terminal.lines
    if red:
        assert reds[0].startswith(red)
        assert reds[0].endswith("the local evaluator (drift)")
