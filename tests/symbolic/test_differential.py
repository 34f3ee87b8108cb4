"""Soundness, second check: the symbolic formula equals the engine on random concrete requests.

Random policy sets over every operator family (``tests/symbolic/cases.py``), random requests; the
formula with every symbolic term fixed to the request's values must give the decision
``iamspec.simulate_custom_policy`` gives, for every case (100% agreement). Derandomized:
hypothesis draws the same examples on every run, so CI is reproducible. Four functions (so
``pytest -n 2`` spreads them): Resource matching alone, one condition per statement (twice),
and whole policy sets; 250 policy sets with 5 requests each: 5,000 cases. Requests draw half
their values from the policies' own text (and its case, wildcard and colon variants), so
the edges of every pattern are hit.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.symbolic.cases import agree, policy_sets, requests

EXAMPLES = 250
REQUESTS = 5
SETTINGS = settings(
    max_examples=EXAMPLES,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


def _check(policy_set, data):
    cases = data.draw(requests(policy_set, REQUESTS))
    assert agree(policy_set, cases) == REQUESTS


@SETTINGS
@given(policy_set=policy_sets("resources"), data=st.data())
def test_formula_equals_engine_on_resource_patterns(policy_set, data):
    """Resource/NotResource alone decide: ARN segments, wildcards, variables in Resource."""
    _check(policy_set, data)


@SETTINGS
@given(policy_set=policy_sets("conditions"), data=st.data())
def test_formula_equals_engine_on_conditions(policy_set, data):
    """One condition per statement: every operator family, qualifier, IfExists, Null."""
    _check(policy_set, data)


@SETTINGS
@given(policy_set=policy_sets(), data=st.data())
def test_formula_equals_engine_on_policy_sets(policy_set, data):
    """Anything: several policies, boundaries, SCP levels, several conditions."""
    _check(policy_set, data)


@SETTINGS
@given(policy_set=policy_sets("conditions"), data=st.data())
def test_formula_equals_engine_on_more_conditions(policy_set, data):
    """A second derandomized run over conditions (hypothesis seeds by test name)."""
    _check(policy_set, data)
