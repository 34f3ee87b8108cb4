"""Root conftest: load iamspec's step library (steps/) and pytester for the harness tests."""

pytest_plugins = [
    "pytester",
    "steps.principals",
    "steps.resources",
    "steps.requests",
    "steps.decisions",
    "steps.access",
    "steps.lint",
    "steps.live",
]
