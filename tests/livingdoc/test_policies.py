"""Policy views (statement blocks and anchors) and placing the statements that decided."""

from __future__ import annotations

import json

import pytest

from iamspec.livingdoc.deciding import StatementRef, resolve
from iamspec.livingdoc.policies import PolicyLibrary, build_view, policy_slug, slugify
from iamspec.policy.parser import PolicyKind
from iamspec.records.results import PrincipalRecord, RequestRecord
from tests.livingdoc.kit import DEPT, DEPT_TEXT, matched, project, spans


def test_slugs():
    assert policy_slug("policies/connect/view-users.json") == "connect-view-users"
    assert policy_slug("other/x.json") == "other-x"
    assert slugify("<script>alert(1)</script>") == "script-alert-1-script"
    assert slugify("!!!") == "x"


def test_a_pretty_policy_is_shown_as_written_with_one_block_per_statement():
    view = build_view(DEPT, DEPT_TEXT, PolicyKind.IDENTITY, "file", "dept")
    assert not view.reformatted
    assert [line.text for line in view.lines] == DEPT_TEXT.rstrip("\n").split("\n")
    blocks = [seg for seg in view.segments() if seg.statement is not None]
    assert [b.statement.anchor for b in blocks if b.statement] == [
        "p-dept-s1",
        "p-dept-s2",
        "p-dept-s3",
    ]
    first = blocks[0]
    assert first.lines[0].text.strip() == "{"
    assert first.lines[-1].text.strip() in ("}", "},")
    assert any('"Sid": "DescribeUpdateTest"' in line.text for line in first.lines)
    # every line is shown exactly once, in order
    shown = [line.number for seg in view.segments() for line in seg.lines]
    assert shown == list(range(1, len(view.lines) + 1))
    assert view.unplaced == ()


def test_statements_sharing_a_line_are_re_indented_and_keep_their_index():
    text = json.dumps(json.loads(DEPT_TEXT))  # one line
    view = build_view("p.json", text, PolicyKind.IDENTITY, "file", "p")
    assert view.reformatted
    assert len(view.lines) > 10
    assert [st.sid for st in view.statements] == ["DescribeUpdateTest", "NeverDelete", "Unused"]
    # positions stay those of the evaluated (one-line) text, so simulator positions match
    start, end = spans(text)[1]
    assert view.statement_at(start, end) is view.statements[1]
    blocks = [seg.statement.index for seg in view.segments() if seg.statement is not None]
    assert blocks == [0, 1, 2]


def test_statement_at_prefers_start_then_end_then_containment():
    view = build_view(DEPT, DEPT_TEXT, PolicyKind.IDENTITY, "file", "dept")
    (s0, _e0), (s1, e1), _ = spans(DEPT_TEXT)
    assert view.statement_at(s1, e1) is view.statements[1]
    assert view.statement_at(None, e1) is view.statements[1]
    assert view.statement_at((s0[0] + 2, 3), None) is view.statements[0]
    assert view.statement_at((999, 1), (999, 2)) is None


def test_a_policy_that_does_not_parse_is_shown_with_its_error():
    view = build_view("bad.json", '{"Statement": [', PolicyKind.IDENTITY, "file", "bad")
    assert view.statements == ()
    assert view.error is not None
    assert "bad.json" in view.error
    assert [seg.lines[0].text for seg in view.segments()] == ['{"Statement": [']


def test_the_library_fills_placeholders_so_positions_match_what_was_evaluated(tmp_path):
    raw = DEPT_TEXT.replace('"Resource": "*"', '"Resource": "arn:{{partition}}:connect:*"', 1)
    root = project(tmp_path, {DEPT: raw})
    library = PolicyLibrary(root, {"partition": "aws"})
    view = library.get(DEPT)
    assert view.text is not None
    assert "arn:aws:connect:*" in view.text
    assert library.get(DEPT) is view
    missing = library.get("policies/nope.json")
    assert missing.origin == "missing"
    assert missing.error
    assert "no such file" in missing.error
    assert PolicyLibrary(root, None).get(DEPT).text == raw


def test_recorded_texts_win_over_files(tmp_path):
    library = PolicyLibrary(tmp_path, None, {DEPT: DEPT_TEXT})
    assert library.get(DEPT).origin == "results file"


def _request(*items: dict) -> RequestRecord:
    return RequestRecord("connect:DescribeUser", "*", "t", [], [], "allowed", list(items), [], "")


def _user(policies=(DEPT,), groups=(), boundary=None) -> PrincipalRecord:
    return PrincipalRecord("u", "user", "arn", list(policies), list(groups), boundary, {})


@pytest.fixture
def library(tmp_path):
    other = DEPT_TEXT.replace("DescribeUpdateTest", "GroupGrant")
    root = project(tmp_path, {DEPT: DEPT_TEXT, "policies/group.json": other})
    lib = PolicyLibrary(root, {})
    lib.get(DEPT)
    lib.get("policies/group.json")
    return lib


def test_resolve_by_path_as_the_local_backend_names_policies(library):
    found = resolve(_request(matched(DEPT, DEPT_TEXT, 1)), _user(), {}, library)
    assert found.refs == (StatementRef(DEPT, 1),)
    assert found.unresolved == ()


def test_resolve_a_group_policy_named_via_its_group(library):
    group = PrincipalRecord("devs", "group", "arn", ["policies/group.json"], [], None, {})
    item = matched("policies/group.json (via IAM group devs)", DEPT_TEXT, 0)
    found = resolve(_request(item), _user(groups=["devs"]), {"devs": group}, library)
    assert found.refs == (StatementRef("policies/group.json", 0),)


def test_resolve_policy_input_list_positions_as_live_names_them(library):
    group = PrincipalRecord("devs", "group", "arn", ["policies/group.json"], [], None, {})
    caller = _user(groups=["devs"])
    found = resolve(
        _request(
            matched("PolicyInputList.2", DEPT_TEXT, 2), matched("PolicyInputList.1", DEPT_TEXT, 0)
        ),
        caller,
        {"devs": group},
        library,
    )
    assert found.refs == (StatementRef("policies/group.json", 2), StatementRef(DEPT, 0))


def test_resolve_an_unknown_id_by_the_callers_only_statement_at_that_span(library):
    item = matched("some-managed-policy", DEPT_TEXT, 1)  # e.g. a name given in an account
    assert resolve(_request(item), _user(), {}, library).refs == (StatementRef(DEPT, 1),)
    # two candidate policies with a statement at the same span, an id naming neither: no guess
    both = _user(policies=(DEPT, "policies/group.json"))
    found = resolve(_request(item), both, {}, library)
    assert found.refs == ()
    start = spans(DEPT_TEXT)[1][0]
    assert found.unresolved == (f"some-managed-policy at {start[0]}:{start[1]}",)


def test_resolve_a_moto_managed_policy_name_among_same_span_candidates(library):
    both = _user(policies=(DEPT, "policies/group.json"))
    for name, display in [
        ("group-0123abcd", "policies/group.json"),
        ("connect-dept-1a2b3c4d", DEPT),
    ]:
        found = resolve(_request(matched(name, DEPT_TEXT, 0)), both, {}, library)
        assert found.refs == (StatementRef(display, 0),), name


def test_resolve_without_positions_or_caller_reports_the_id(library):
    found = resolve(_request({"SourcePolicyId": "PolicyInputList.1"}), None, {}, library)
    assert found.refs == ()
    assert found.unresolved == ("PolicyInputList.1",)
