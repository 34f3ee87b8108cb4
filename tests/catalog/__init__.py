"""Tests of :mod:`iamspec.catalog`: IAM's service reference (actions, ARN templates, keys)."""
