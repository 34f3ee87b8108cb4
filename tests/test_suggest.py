"""The one "did you mean" helper: close names and the phrase that offers them."""

import ast
import pathlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from iamspec.suggest import (
    close_matches,
    did_you_mean,
    edit_distance,
    is_typo,
    quoted_list,
    typo_limit,
)

SRC = pathlib.Path(__file__).resolve().parents[1] / "src" / "iamspec"


@pytest.mark.parametrize(
    ("word", "candidates", "options", "expected"),
    [
        ("conect", ["connect", "config", "iam"], {}, ["connect"]),
        ("xyz", ["connect", "config"], {}, []),
        # case-sensitive unless asked: the upper-case spelling is too far from the lower one
        ("CONNECT", ["connect"], {}, []),
        ("CONNECT", ["connect"], {"ignore_case": True}, ["connect"]),
        # ignore_case returns the candidate as spelt
        ("read", ["List", "Read", "Write"], {"ignore_case": True}, ["Read"]),
        ("users", ["user", "users", "userz"], {"limit": 1}, ["users"]),
        ("abcd", ["abce"], {"cutoff": 0.8}, []),
        ("abcd", ["abce"], {"cutoff": 0.7}, ["abce"]),
    ],
)
def test_close_matches(word, candidates, options, expected):
    assert close_matches(word, candidates, **options) == expected


def test_close_matches_takes_any_iterable_once():
    # a dict's keys and a generator are read once, like a list
    assert close_matches("jdoe", {"jdoe2": 1, "alice": 2}) == ["jdoe2"]
    assert close_matches("jdoe", (n for n in ["jdoe2", "alice"])) == ["jdoe2"]


def test_ignore_case_keeps_the_last_of_names_differing_only_in_case():
    assert close_matches("main", ["Main", "MAIN"], ignore_case=True) == ["MAIN"]


def test_bad_limit_is_an_error_not_an_empty_answer():
    with pytest.raises(ValueError, match="must be > 0"):
        close_matches("a", ["a"], limit=0)


@pytest.mark.parametrize(
    ("suggestions", "options", "expected"),
    [
        ((), {}, ""),
        (["connect"], {}, "; did you mean 'connect'?"),
        (["a", "b"], {}, "; did you mean 'a', 'b'?"),
        (["a", "b"], {"joined_by": " or "}, "; did you mean 'a' or 'b'?"),
        (["a", "b", "c", "d"], {"limit": 2}, "; did you mean 'a', 'b' and 2 more?"),
        (["connect"], {"what": "the service"}, "; did you mean the service 'connect'?"),
    ],
)
def test_did_you_mean(suggestions, options, expected):
    assert did_you_mean(suggestions, **options) == expected


def test_quoted_list_within_the_limit_says_no_more():
    assert quoted_list(["a", "b"], limit=2) == "'a', 'b'"


def _imports_difflib(path: pathlib.Path) -> bool:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import) and any(a.name == "difflib" for a in node.names):
            return True
        if isinstance(node, ast.ImportFrom) and node.module == "difflib":
            return True
    return False


# livingdoc/policies.py uses difflib for a unified diff of two policy texts, not a suggestion.
DIFF_NOT_SUGGESTION = {"livingdoc/policies.py", "suggest.py"}


def test_every_suggestion_goes_through_the_one_helper():
    users = {
        path.relative_to(SRC).as_posix() for path in SRC.rglob("*.py") if _imports_difflib(path)
    }
    assert users - DIFF_NOT_SUGGESTION == set()


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("team", "team", 0),
        ("team", "taem", 1),  # a swap of neighbours is one edit (Levenshtein: 2)
        ("department", "departmnet", 1),
        ("department", "depratment", 1),
        ("department", "departmnt", 1),
        ("kitten", "sitting", 3),
        ("", "abc", 3),
        ("abc", "", 3),
        # optimal string alignment edits no character twice: ca -> abc is 3 (unrestricted
        # Damerau-Levenshtein says 2)
        ("ca", "abc", 3),
        ("ab", "ba", 1),
        ("abcdef", "badcfe", 3),
    ],
)
def test_edit_distance(a, b, expected):
    assert edit_distance(a, b) == expected
    assert edit_distance(b, a) == expected


_WORDS = st.text(alphabet="abcde", max_size=8)


def _levenshtein(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


@given(_WORDS, _WORDS)
def test_edit_distance_counts_a_swap_once_and_nothing_else_differently(a, b):
    osa = edit_distance(a, b)
    assert (osa == 0) == (a == b)
    assert abs(len(a) - len(b)) <= osa <= max(len(a), len(b))
    # a swap costs Levenshtein two edits and OSA one; everything else costs both the same
    assert osa <= _levenshtein(a, b) <= 2 * osa


@pytest.mark.parametrize(
    ("length", "limit"), [(1, 1), (4, 1), (5, 2), (9, 2), (10, 3), (14, 3), (15, 4), (40, 9)]
)
def test_typo_limit_grows_with_the_length(length, limit):
    assert typo_limit(length) == limit


@pytest.mark.parametrize(
    ("word", "meant", "expected"),
    [
        ("Taem", "Team", True),  # a swap in a short key (issue 12: passed before)
        ("Tema", "Team", True),
        ("Teams", "Team", True),
        ("team", "Team", True),  # case only
        ("Env", "Env", False),  # the same key
        ("Ownr", "Owner", True),
        ("Departmnet", "Department", True),
        ("Dpeartmnet", "Department", True),  # two swaps: 2 of 3 allowed at 10 characters
        ("CostCentre", "CostCenter", True),
        ("Team", "Department", False),
        ("CostCenter", "Department", False),
        ("Env", "Dev", False),  # two edits in three characters
        ("A", "B", False),  # nothing in common is no typo
        ("Ab", "Ac", True),
        ("ManagedByTeamInTheCentre", "ManagedByTeamInTheCenter", True),  # long keys too
        ("aws-contact-centre-owner-team", "aws-contact-center-owner-tema", True),
        ("aws-contact-centre-owner-team", "billing-code", False),
    ],
)
def test_is_typo(word, meant, expected):
    assert is_typo(word, meant) is expected


@given(_WORDS, _WORDS, st.integers(min_value=0, max_value=4))
def test_a_limit_only_stops_early(a, b, limit):
    assert edit_distance(a, b, limit) == min(edit_distance(a, b), limit + 1)
