"""Tests of :mod:`iamspec.engine`: the evaluator, matching, conditions, policy variables."""
