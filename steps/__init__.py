"""This project's own steps, on top of iamspec's step library.

The library (``iamspec.harness.steps``) ships with iamspec and its pytest plugin registers it
wherever iamspec is installed. A project adds the phrases only it needs here, each a thin
pytest-bdd step definition making one call into iamspec, and lists the module in the root
``conftest.py``'s ``pytest_plugins``. See ``nightly_role.py``.
"""
