"""Tests of :mod:`iamspec.policy`: the policy parser and its JSON reader."""
