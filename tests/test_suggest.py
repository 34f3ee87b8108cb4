"""The one "did you mean" helper: close names and the phrase that offers them."""

import ast
import pathlib

import pytest

from iamspec.suggest import close_matches, did_you_mean, quoted_list

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


# Modules that still call difflib for a suggestion, pending their move out of the harness;
# livingdoc/policies.py uses difflib for a unified diff, not a suggestion.
NOT_YET_CONVERTED: set[str] = set()
DIFF_NOT_SUGGESTION = {"livingdoc/policies.py", "suggest.py"}


def test_every_suggestion_goes_through_the_one_helper():
    users = {
        path.relative_to(SRC).as_posix() for path in SRC.rglob("*.py") if _imports_difflib(path)
    }
    assert users - DIFF_NOT_SUGGESTION <= NOT_YET_CONVERTED
