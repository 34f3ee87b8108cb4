"""Tests of :mod:`iamspec.records`: the results format, drift records, run states."""
