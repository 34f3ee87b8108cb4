"""Layer 6: the BDD harness — settings, the scenario world, requests, backends, the plugin.

One module per concern:

- :mod:`.settings` — ``[tool.iamspec]`` of the project's ``pyproject.toml``;
- :mod:`.placeholders` — ``{{name}}`` in policy files and step arguments;
- :mod:`.policies` — policy files loaded, filled and parsed once per session;
- :mod:`.model` — principals, resources, kinds, tags (plain data);
- :mod:`.world` — the scenario world: what a scenario declares and asks;
- :mod:`.requests` — the request builder: scenario words → simulator requests
  (ContextEntries, tag applicability and its exceptions, wildcards, the typo guard, batches);
- :mod:`.backends` — the backends: local, moto, live;
- :mod:`.outcome` — answers and what a When-step passes to Then-steps;
- :mod:`.decisions` — decision words, checks, failure messages;
- :mod:`.results` — the JSON results model (``--iam-results``);
- :mod:`.plugin` — the pytest plugin (options, fixtures, pytest-bdd hooks);
- :mod:`.errors` — the harness's exceptions.

The step definitions themselves live in the project's ``steps/`` package, one line of library
call each.
"""
