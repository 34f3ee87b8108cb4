"""How a failure reads: the step's location once, the error, its notes; which errors are clean."""

from __future__ import annotations

from iamspec.errors import UnknownActionError
from iamspec.harness.errors import ScenarioFailure
from iamspec.harness.failures import clean_text, is_clean

LOCATION = "features/x.feature:12: Then the request is allowed"


def test_the_location_note_is_not_repeated():
    error = ScenarioFailure("expected allowed, got implicitDeny")
    error.add_note(f'{LOCATION}\n  (scenario "s")')
    error.add_note("the request as sent: ...")
    assert clean_text(LOCATION, error) == (
        f"{LOCATION}\nScenarioFailure: expected allowed, got implicitDeny\nthe request as sent: ..."
    )


def test_without_a_location_every_note_is_kept():
    error = ScenarioFailure("no")
    error.add_note("note")
    assert clean_text(None, error) == "ScenarioFailure: no\nnote"


def test_input_errors_and_failures_are_clean_other_errors_keep_their_traceback():
    class StepDefinitionNotFoundError(Exception):
        """pytest-bdd's, matched by name."""

    assert is_clean(ScenarioFailure("x"))
    assert is_clean(UnknownActionError("connect:DescribeUsr", ["connect:DescribeUser"]))
    assert is_clean(StepDefinitionNotFoundError("Given nothing"))
    assert not is_clean(KeyError("bug"))
    assert not is_clean(AssertionError("bug"))
