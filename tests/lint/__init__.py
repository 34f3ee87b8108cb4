"""Tests of :mod:`iamspec.lint`: the checks, their positions, the formats, the CLI."""
