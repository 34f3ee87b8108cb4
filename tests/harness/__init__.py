"""Tests of :mod:`iamspec.harness`: the world, the backends, the pytest plugin (pytester)."""
