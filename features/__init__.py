"""The scenarios (pytest-bdd); a package so that its test module has a unique name."""
