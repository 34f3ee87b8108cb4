"""Every feature under features/ becomes tests (pytest-bdd)."""

from pytest_bdd import scenarios

scenarios(".")
