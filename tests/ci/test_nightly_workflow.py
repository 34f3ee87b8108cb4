"""The nightly live workflow: its pytest command, and who may reach the nightly role.

A misspelt or not-yet-defined option in ``.github/workflows/nightly-live.yml`` would only show
up at 3 a.m. on GitHub's runner, as a usage error. These tests read the workflow and compare
its pytest command with ``pytest --help`` of this checkout, run the way the workflow runs it
(plugin autoload off, only the plugins it names with ``-p``), so the mistake fails here first.

They also hold the workflow's credential layout: only the ``live`` job may request GitHub's
OIDC token (which assumes the nightly role), no job that installs packages may, and the live
run loads no pytest plugin merely because it is installed.

PyYAML is in the ``test`` extra for this module.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "nightly-live.yml"
_SHA_PIN = re.compile(r"[^@\s]+@[0-9a-f]{40}")
_SEPARATORS = {"&&", "||", ";", "|", "&"}
_ASSIGNMENT = re.compile(r"[A-Za-z_]\w*=.*")
HARNESS_PLUGIN = "iamspec.harness.plugin"
_SETUP_PYTHON = "actions/setup-python@"


def _workflow() -> dict:
    return yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))


def _jobs() -> dict[str, dict]:
    return _workflow()["jobs"]


def _steps() -> list[dict]:
    return [step for job in _jobs().values() for step in job["steps"]]


def _commands(script: str) -> Iterator[list[str]]:
    """The simple commands of a run script, as words (``a && b; c`` gives three)."""
    for line in script.replace("\\\n", " ").splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        command: list[str] = []
        for word in lexer:
            if word in _SEPARATORS:
                if command:
                    yield command
                command = []
            else:
                command.append(word)
        if command:
            yield command


def _is_program(word: str, name: str) -> bool:
    return word == name or word.endswith("/" + name)


def _pytest_arguments(command: list[str]) -> list[str] | None:
    """The arguments of a pytest command (``pytest ...``, ``.venv/bin/python -m pytest ...``),
    or None when the command does not run pytest."""
    for index, word in enumerate(command):
        if _is_program(word, "pytest") and (
            all(_ASSIGNMENT.fullmatch(w) for w in command[:index]) or command[index - 1] == "-m"
        ):
            return command[index + 1 :]
    return None


def _installs_packages(command: list[str]) -> bool:
    """``pip install``, ``.venv/bin/pip install``, ``python -m pip install``, ``uv pip install``."""
    return any(
        bool(re.fullmatch(r"pip[\d.]*", word.rsplit("/", 1)[-1]))
        and "install" in command[index + 1 :]
        for index, word in enumerate(command)
    )


def _pytest_steps() -> list[tuple[str, dict, list[str]]]:
    """(job id, step, pytest arguments) of every pytest command of the workflow."""
    found = []
    for job_id, job in _jobs().items():
        for step in job["steps"]:
            for command in _commands(step.get("run", "")):
                arguments = _pytest_arguments(command)
                if arguments is not None:
                    found.append((job_id, step, arguments))
    return found


def _pytest_options() -> list[str]:
    """Every ``--option`` of every pytest command in the run steps (``--a=b`` gives ``--a``)."""
    return [
        word.split("=", 1)[0]
        for _, _, arguments in _pytest_steps()
        for word in arguments
        if word.startswith("--")
    ]


def _plugins(arguments: list[str]) -> list[str]:
    """The ``-p NAME`` (or ``-pNAME``) plugins of pytest arguments, in order."""
    plugins = []
    for index, word in enumerate(arguments):
        if word == "-p" and index + 1 < len(arguments):
            plugins.append(arguments[index + 1])
        elif word.startswith("-p") and not word.startswith("--") and len(word) > 2:
            plugins.append(word[2:])
    return plugins


def _environment(job: dict, step: dict) -> dict[str, str]:
    """The environment a step gets from the workflow (workflow, then job, then step ``env``)."""
    merged: dict[str, str] = {}
    for scope in (_workflow(), job, step):
        merged.update({key: str(value) for key, value in (scope.get("env") or {}).items()})
    return merged


def _may_request_oidc_token(job: dict) -> bool:
    permissions = job.get("permissions", _workflow().get("permissions"))
    if isinstance(permissions, str):  # read-all / write-all
        return permissions == "write-all"
    return (permissions or {}).get("id-token") == "write"


def test_the_workflow_runs_pytest_with_options():
    assert {"--iam-backend", "--living-docs", "--iam-results"} <= set(_pytest_options())


@pytest.mark.slow
def test_every_pytest_option_of_the_workflow_is_defined():
    """``pytest --help`` with the step's environment and ``-p`` plugins, as on the runner: an
    option whose plugin the workflow forgot to name is missing here, as it would be there."""
    steps = _pytest_steps()
    assert steps
    for job_id, step, arguments in steps:
        environment = {
            key: value
            for key, value in os.environ.items()
            if key not in {"PYTEST_ADDOPTS", "PYTEST_PLUGINS"}
        }
        environment.update(_environment(_jobs()[job_id], step))
        plugin_args = [word for plugin in _plugins(arguments) for word in ("-p", plugin)]
        result = subprocess.run(
            [sys.executable, "-m", "pytest", *plugin_args, "--help"],
            cwd=ROOT,
            env=environment,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        options = [word.split("=", 1)[0] for word in arguments if word.startswith("--")]
        missing = [
            option
            for option in dict.fromkeys(options)
            if not re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])", result.stdout)
        ]
        assert not missing, (
            f"{WORKFLOW.relative_to(ROOT)} ({step['name']}) uses pytest options that "
            "`pytest --help` with its plugins does not list: " + ", ".join(missing)
        )


def test_actions_are_pinned_and_run_scripts_take_no_expressions():
    workflow = _workflow()
    assert workflow["permissions"] == {}
    for step in _steps():
        if "uses" in step:
            assert _SHA_PIN.fullmatch(step["uses"]), step["uses"]
        assert "${{" not in step.get("run", ""), step["name"]
    text = WORKFLOW.read_text(encoding="utf-8")
    for line in text.splitlines():
        if "uses:" in line:
            assert re.search(r"@[0-9a-f]{40} # v\d+\.\d+\.\d+$", line), line


def test_only_the_live_job_may_request_the_oidc_token():
    jobs = _jobs()
    assert {job_id for job_id, job in jobs.items() if _may_request_oidc_token(job)} == {"live"}
    assert jobs["live"]["permissions"] == {"id-token": "write", "contents": "read"}
    assert jobs["install"]["permissions"] == {"contents": "read"}


def test_no_job_that_installs_packages_may_request_the_oidc_token():
    installing = {
        job_id
        for job_id, job in _jobs().items()
        for step in job["steps"]
        for command in _commands(step.get("run", ""))
        if _installs_packages(command)
    }
    assert "install" in installing  # the check below looks at something
    for job_id in installing:
        assert not _may_request_oidc_token(_jobs()[job_id]), job_id


def test_the_live_run_loads_only_the_plugins_it_names():
    steps = _pytest_steps()
    assert [job_id for job_id, _, _ in steps] == ["live"]
    for job_id, step, arguments in steps:
        assert _environment(_jobs()[job_id], step).get("PYTEST_DISABLE_PLUGIN_AUTOLOAD") == "1"
        assert HARNESS_PLUGIN in _plugins(arguments), arguments


def test_the_live_job_runs_the_install_jobs_interpreter():
    """The unpacked virtual environment links to the interpreter it was built with."""
    jobs = _jobs()
    assert jobs["live"]["needs"] in ("install", ["install"])
    assert jobs["live"]["runs-on"] == jobs["install"]["runs-on"]
    setup = [s for s in jobs["live"]["steps"] if s.get("uses", "").startswith(_SETUP_PYTHON)]
    assert [s["with"]["python-version"] for s in setup] == [
        "${{ needs.install.outputs.python-version }}"
    ]


def test_artifacts_are_kept_briefly():
    """The reports name the account, its principals and policies (see the workflow's comment)."""
    uploads = [s for s in _steps() if s.get("uses", "").startswith("actions/upload-artifact@")]
    assert uploads
    for step in uploads:
        assert int(step["with"]["retention-days"]) <= 14, step["name"]


def _option_value(arguments: list[str], option: str) -> str:
    for index, word in enumerate(arguments):
        if word == option:
            return arguments[index + 1]
        if word.startswith(option + "="):
            return word.split("=", 1)[1]
    raise AssertionError(f"{option} not given: {arguments}")


def test_finding3_the_workflow_fails_unless_the_run_says_complete():
    """Issue 14, finding 3: an interrupted run's files were uploaded (``if: always()``) as if
    complete. A step after the run reads the state of every output the pytest command
    writes, and runs whatever the run step's outcome."""
    steps = _jobs()["live"]["steps"]
    _, run_step, arguments = _pytest_steps()[0]
    outputs = [
        _option_value(arguments, "--iam-results"),
        _option_value(arguments, "--drift-report"),
        _option_value(arguments, "--living-docs"),
    ]
    checks = [
        (index, command)
        for index, step in enumerate(steps)
        for command in _commands(step.get("run", ""))
        if command[1:3] == ["-m", "iamspec.records.state"]
    ]
    assert len(checks) == 1, checks
    index, command = checks[0]
    assert steps.index(run_step) < index
    assert steps[index].get("if") == "always()"
    assert command[3:] == outputs
    upload = next(i for i, s in enumerate(steps) if "upload-artifact" in s.get("uses", ""))
    assert index < upload  # the state is printed before the artifacts leave


@pytest.mark.slow
def test_finding3_the_state_check_runs_as_the_workflow_runs_it(tmp_path):
    """The step's command, on files of a complete run, of an interrupted one and on none."""
    (tmp_path / "site").mkdir()
    complete = {"state": "complete", "signal": None}
    interrupted = {"state": "interrupted", "signal": "SIGTERM"}

    def check(results: dict | None) -> subprocess.CompletedProcess[str]:
        for name, data in (
            ("r.json", results),
            ("d.json", complete),
            ("site/iamspec-site.json", complete),
        ):
            path = tmp_path / name
            path.unlink(missing_ok=True)
            if data is not None:
                path.write_text(json.dumps(data), encoding="utf-8")
        return subprocess.run(
            [sys.executable, "-m", "iamspec.records.state", "r.json", "d.json", "site"],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    assert check(complete).returncode == 0
    done = check(interrupted)
    assert done.returncode == 1
    assert "r.json: interrupted (SIGTERM): not a complete run" in done.stderr
    assert check({"state": "running"}).returncode == 1
    assert check({}).returncode == 1  # an older file that does not say
    assert check(None).returncode == 2  # no results file at all


# -- who may assume the nightly role (issue 14, finding 10) ---------------------------------------

TRUST_POLICY = "iamspec/nightly-live-role-trust.json"
OIDC = "token.actions.githubusercontent.com"


def _trust_conditions():
    """The trust policy as the project fills it, parsed and compiled by iamspec's own engine."""
    from iamspec.engine.compiled import PolicyRole, compile_policy
    from iamspec.harness.policies import PolicyStore
    from iamspec.policy.parser import PolicyKind
    from iamspec.project.settings import load_settings

    settings = load_settings(ROOT)
    policy = PolicyStore(settings).load(TRUST_POLICY, PolicyKind.RESOURCE)
    compiled = compile_policy(policy.policy, TRUST_POLICY, "Trust", PolicyRole.RESOURCE)
    repository = settings.placeholder_values()["github_repository"]
    return compiled, repository


def _admits(compiled, sub: str, aud: str = "sts.amazonaws.com") -> bool:
    """Whether an Allow statement for AssumeRoleWithWebIdentity has its conditions met by a
    token with these claims (AWS's web-identity keys ``<provider>:sub`` and ``:aud``)."""
    from iamspec.simulate.inputs import context_entries

    context = context_entries(
        [
            {
                "ContextKeyName": f"{OIDC}:sub",
                "ContextKeyValues": [sub],
                "ContextKeyType": "string",
            },
            {
                "ContextKeyName": f"{OIDC}:aud",
                "ContextKeyValues": [aud],
                "ContextKeyType": "string",
            },
        ]
    )
    return any(
        st.effect.value == "Allow"
        and st.conditions
        and all(condition.evaluate(context).matched for condition in st.conditions)
        for st in compiled.statements
        if not st.actions_negated
        and any(p.matches("sts:AssumeRoleWithWebIdentity") for p in st.actions)
    )


def test_finding10_the_nightly_role_trusts_only_the_nightly_workflow_on_main():
    """The trust policy pinned only ``repo:ORG/REPO:ref:refs/heads/main``: any workflow on main
    with ``id-token: write`` could assume the role. AWS cannot read GitHub's custom claims
    (``job_workflow_ref``) as condition keys (GitHub, "Configuring OpenID Connect in Amazon Web
    Services"; AWS, "Available keys for AWS web identity federation": aud, sub, amr, ...), so
    the repository customises ``sub`` to include the workflow (GitHub, "OpenID Connect
    reference": include_claim_keys repo, context, job_workflow_ref) and the trust policy
    requires exactly that ``sub``. The simulator ignores trust policies, so this evaluates the
    trust policy's conditions with iamspec's engine against the claims of real tokens."""
    compiled, repo = _trust_conditions()
    workflow = WORKFLOW.relative_to(ROOT).as_posix()
    nightly = f"repo:{repo}:ref:refs/heads/main:job_workflow_ref:{repo}/{workflow}@refs/heads/main"
    assert _admits(compiled, nightly)  # the schedule and workflow_dispatch on main
    refused = {
        "another workflow on main": nightly.replace("nightly-live.yml", "release.yml"),
        "the nightly workflow on another branch": nightly.replace(
            "ref:refs/heads/main:", "ref:refs/heads/feature:"
        ),
        "the workflow file of another branch": nightly.replace("@refs/heads/main", "@refs/heads/x"),
        "a pull request": (
            f"repo:{repo}:pull_request:job_workflow_ref:{repo}/{workflow}@refs/pull/1/merge"
        ),
        "a job with an environment": nightly.replace(
            "ref:refs/heads/main:", "environment:production:"
        ),
        "another repository": nightly.replace(f"repo:{repo}:", "repo:someone/else:"),
        # without the repository setting GitHub sends its default sub: refused, fail closed
        "GitHub's default subject": f"repo:{repo}:ref:refs/heads/main",
    }
    admitted = [name for name, sub in refused.items() if _admits(compiled, sub)]
    assert not admitted, admitted
    assert not _admits(compiled, nightly, aud=f"https://github.com/{repo.split('/')[0]}")


def test_finding10_the_pinned_workflow_is_the_only_one_that_may_request_the_token():
    """The path the trust policy names is this workflow, and only its live job asks for the
    OIDC token (the other tests of this module hold the job layout)."""
    text = (ROOT / "policies" / TRUST_POLICY).read_text(encoding="utf-8")
    path = WORKFLOW.relative_to(ROOT).as_posix()
    assert f"job_workflow_ref:{{{{github_repository}}}}/{path}@refs/heads/main" in text
    workflows = sorted((ROOT / ".github" / "workflows").glob("*.y*ml"))
    assert workflows == [WORKFLOW]
