"""The BDD harness: the scenario world, requests, backends and the pytest plugin.

Everything here faces pytest and pytest-bdd. What needs no pytest sits below it and is shared
with the linter, the living docs and the CLI: a project's settings and placeholders
(:mod:`iamspec.project`) and the run's records, drift report and their schema
(:mod:`iamspec.records`). One module per concern:

- :mod:`.policies` — policy files loaded, filled, linted and parsed once per session;
- :mod:`.declarations` — what a scenario declares: principals, resources, kinds, tags,
  known differences (plain data);
- :mod:`.phrases` — the one phrase parser: tags, context, names, kinds, principal names,
  resources, decision-table cells, ``{{placeholders}}`` filled in each;
- :mod:`.resource_arns` — the ARNs of a scenario's resources, from the catalog's templates;
- :mod:`.world` — the scenario world: what a scenario declares and asks (state and rules);
- :mod:`.requests` — the request builder: scenario words → simulator requests
  (ContextEntries, tag applicability and its exceptions, wildcards, the typo guard, batches);
- :mod:`.backends` — the backends: local, moto, live;
- :mod:`.outcome` — answers and what a When-step passes to Then-steps;
- :mod:`.decisions` — decision words, checks, failure messages;
- :mod:`.access_levels` — Then-steps over every action of a service at an access level;
- :mod:`.steps` — the step library, one library call per step (the plugin registers it);
- :mod:`.vocabulary` — the library's phrases, and "did you mean" for an unknown step;
- :mod:`.plugin` — the pytest plugin: it only wires hooks and fixtures to the modules below;
- :mod:`.collection` — ``.feature`` files collected as test files, their tags as markers;
- :mod:`.feature_checks` — the slips a feature file must not have (an empty file, a When-step
  without a Then-step, an Examples column missing...), each an error with its line;
- :mod:`.options` — the command-line options, declared in one place;
- :mod:`.session` — the run's state (settings, catalog, store, backend) and where the
  records go;
- :mod:`.live_scenarios` — ``@live`` scenarios deselected unless the live backend runs;
- :mod:`.xdist` — what the pytest-xdist controller and its workers exchange;
- :mod:`.locations` — feature paths and the current step;
- :mod:`.recording` — record assembly: a scenario's world turned into its record;
- :mod:`.failures` — the failing step's note and reports without a traceback;
- :mod:`.reporting` — the results collector (``--iam-results``) and the drift reporter;
- :mod:`.errors` — the harness's exceptions.

A project's own extra steps live in its own ``conftest.py`` (or modules it names there), next
to the library.
"""
