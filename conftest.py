"""Root conftest: this project's own steps (``steps/``) and pytester for the harness tests.

iamspec's step library needs no line here: its pytest plugin registers it.
"""

pytest_plugins = ["pytester", "steps.nightly_role"]
