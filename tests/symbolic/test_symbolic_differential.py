"""Soundness, second check: the symbolic formula equals the engine on random concrete requests.

Random policy sets over every operator family (``symbolic_cases``), random requests; the
formula with every symbolic term fixed to the request's values must give the decision
``iamspec.simulate_custom_policy`` gives, for every case (100% agreement). Derandomized:
hypothesis draws the same examples on every run, so CI is reproducible; four functions (so
``pytest -n 2`` spreads them) of 250 policy sets with 5 requests each: 5,000 cases.
"""

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from symbolic_cases import agree, policy_sets, requests, suggested

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
    cases = data.draw(
        st.lists(requests(suggested(policy_set)), min_size=REQUESTS, max_size=REQUESTS)
    )
    assert agree(policy_set, cases) == REQUESTS


@SETTINGS
@given(policy_set=policy_sets(), data=st.data())
def test_formula_equals_engine_batch_1(policy_set, data):
    _check(policy_set, data)


@SETTINGS
@given(policy_set=policy_sets(), data=st.data())
def test_formula_equals_engine_batch_2(policy_set, data):
    _check(policy_set, data)


@SETTINGS
@given(policy_set=policy_sets(), data=st.data())
def test_formula_equals_engine_batch_3(policy_set, data):
    _check(policy_set, data)


@SETTINGS
@given(policy_set=policy_sets(), data=st.data())
def test_formula_equals_engine_batch_4(policy_set, data):
    _check(policy_set, data)
