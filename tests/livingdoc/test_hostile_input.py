"""Issue 14, the living docs' side: a results file from someone else publishes nothing of the
machine it is rendered on, and every page the docs write is valid UTF-8.

Finding 1: ``iamspec docs`` read every policy path a results file named — an absolute path
(``/proc/self/environ``, ``~/.aws/credentials``) was published in ``policy-*.html`` when the
``policies`` array was removed, printed as a "changed since the run" diff when it was there,
and ``/dev/zero`` exhausted memory. Finding 6: a lone surrogate crashed the living docs.
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest

from iamspec.cli import main
from tests.livingdoc.kit import DEPT, DEPT_TEXT, Ask, project, run, scenario, with_texts

SECRET = "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
SECRET_MARK = "wJalrXUtnFEMI"


def _credentials(tmp_path: Path) -> Path:
    """A stand-in for ~/.aws/credentials, outside the project."""
    home = tmp_path / "home" / ".aws"
    home.mkdir(parents=True)
    path = home / "credentials"
    path.write_text(f"[default]\n{SECRET}\n", encoding="utf-8")
    return path


def _results(tmp_path: Path, policy: str, *, recorded: bool) -> Path:
    """A results file whose principal's policy is ``policy``; with or without its text."""
    record = run(
        scenario("reads", [Ask("connect:DescribeUser", "allowed", [])], policies=(policy,))
    )
    if recorded:
        with_texts(record, {policy: DEPT_TEXT})
    data = record.to_dict()
    if not recorded:
        data.pop("policies", None)
    path = tmp_path / "results.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _published(site: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in site.iterdir())


def _hostile_names(tmp_path: Path, root: Path) -> dict[str, str]:
    credentials = _credentials(tmp_path)
    link = root / "policies" / "link.json"
    link.symlink_to(credentials)
    return {
        "absolute": str(credentials),
        "relative escape": "policies/../../home/.aws/credentials",
        "symbolic link out": "policies/link.json",
        "project file outside the policy folder": "pyproject.toml",
    }


@pytest.mark.parametrize(
    "case",
    ["absolute", "relative escape", "symbolic link out", "project file outside the policy folder"],
)
@pytest.mark.parametrize("recorded", [False, True], ids=["policies removed", "policies present"])
def test_finding1_iamspec_docs_publishes_no_file_outside_the_policy_folder(
    tmp_path, capsys, case, recorded
):
    root = project(tmp_path / "project")
    (root / "pyproject.toml").write_text(
        (root / "pyproject.toml").read_text() + f"\n# {SECRET}\n", encoding="utf-8"
    )
    policy = _hostile_names(tmp_path, root)[case]
    results = _results(tmp_path, policy, recorded=recorded)
    site = tmp_path / "site"
    code = main(["docs", "--results", str(results), "--out", str(site), "--root", str(root)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert SECRET_MARK not in _published(site)
    assert SECRET_MARK not in captured.out + captured.err
    if not recorded:
        assert "outside the policy folder" in _published(site)


def _run_docs_in_a_subprocess(
    tmp_path: Path, results: Path, **env: str
) -> subprocess.CompletedProcess[str]:
    def limit_memory() -> None:  # a read of /dev/zero must end, not take the machine
        resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    root = project(tmp_path / "project")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "iamspec.cli",
            "docs",
            "--results",
            str(results),
            "--out",
            str(tmp_path / "site"),
            "--root",
            str(root),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, **env},
        preexec_fn=limit_memory,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize("recorded", [False, True], ids=["policies removed", "policies present"])
def test_finding1_proc_self_environ_is_not_published(tmp_path, recorded):
    results = _results(tmp_path, "/proc/self/environ", recorded=recorded)
    done = _run_docs_in_a_subprocess(tmp_path, results, IAMSPEC_TEST_SECRET=SECRET)
    assert done.returncode == 0, done.stderr
    assert SECRET_MARK not in _published(tmp_path / "site")
    assert SECRET_MARK not in done.stdout + done.stderr


@pytest.mark.slow
@pytest.mark.parametrize("recorded", [False, True], ids=["policies removed", "policies present"])
def test_finding1_dev_zero_does_not_exhaust_memory(tmp_path, recorded):
    results = _results(tmp_path, "/dev/zero", recorded=recorded)
    done = _run_docs_in_a_subprocess(tmp_path, results)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "MemoryError" not in done.stderr


def test_finding1_the_policy_folder_is_still_read(tmp_path, capsys):
    """Containment keeps the legitimate case: an older results file without texts is rendered
    from the project's own policy folder."""
    root = project(tmp_path / "project")
    results = _results(tmp_path, DEPT, recorded=False)
    site = tmp_path / "site"
    assert main(["docs", "--results", str(results), "--out", str(site), "--root", str(root)]) == 0
    page = next(site.glob("policy-*.html")).read_text(encoding="utf-8")
    assert "DescribeUpdateTest" in page


def test_finding1_a_link_among_the_published_examples_is_not_published(tmp_path, capsys):
    """The errata page lints every file in ``policies/published/``: a symbolic link there to a
    file elsewhere is reported as unreadable, never shown."""
    root = project(tmp_path / "project")
    published = root / "policies" / "published"
    published.mkdir()
    (published / "example.json").symlink_to(_credentials(tmp_path))
    results = _results(tmp_path, DEPT, recorded=True)
    site = tmp_path / "site"
    assert main(["docs", "--results", str(results), "--out", str(site), "--root", str(root)]) == 0
    errata = (site / "errata.html").read_text(encoding="utf-8")
    assert "policies/published/example.json" in errata
    assert "outside" in errata
    assert SECRET_MARK not in _published(site)


def test_finding1_a_results_file_that_is_a_device_is_refused_before_reading(tmp_path):
    """In a subprocess with 1 GiB of address space: a regression must not take the machine."""
    done = _run_docs_in_a_subprocess(tmp_path, Path("/dev/zero"))
    assert done.returncode == 2, done.stderr[-2000:]
    assert "not a regular file" in done.stderr


def test_finding1_a_results_file_that_is_not_utf8_is_refused_unquoted(tmp_path, capsys):
    results = tmp_path / "results.json"
    results.write_bytes(b'{"x": "' + SECRET.encode() + b'\xff"}')
    code = main(["docs", "--results", str(results), "--out", str(tmp_path / "site")])
    err = capsys.readouterr().err
    assert code == 2
    assert "not UTF-8" in err
    assert SECRET_MARK not in err
    assert "\\xff" not in err


# -- finding 6: every page the docs write is valid UTF-8 -----------------------------------------


@pytest.mark.parametrize("fmt", ["html", "markdown"])
def test_finding6_a_lone_surrogate_in_a_results_file_is_escaped_visibly(tmp_path, capsys, fmt):
    """JSON can spell a lone surrogate (``"\\ud800"``), which UTF-8 cannot hold: writing the
    page failed with UnicodeEncodeError and left it empty. Now it is written as ``\\ud800``."""
    root = project(tmp_path / "project")
    record = with_texts(
        run(
            scenario(
                "agents \ud800 of team \udfff",
                [Ask("connect:DescribeUser", "allowed", [])],
                feature="the \ud800 feature",
            )
        ),
        {DEPT: DEPT_TEXT},
    )
    results = tmp_path / "results.json"
    results.write_text(json.dumps(record.to_dict()), encoding="ascii")  # \ud800 as an escape
    site = tmp_path / "site"
    code = main(
        [
            "docs",
            "--results",
            str(results),
            "--out",
            str(site),
            "--root",
            str(root),
            "--format",
            fmt,
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    pages = {p.name: p.read_bytes() for p in site.iterdir()}
    assert all(pages.values()), [name for name, data in pages.items() if not data]
    text = "\n".join(data.decode("utf-8") for data in pages.values())  # strict: valid UTF-8
    assert "\\ud800" in text
    assert "\\udfff" in text


# -- finding 3: a site of an interrupted run says so on every page -------------------------------


@pytest.mark.parametrize("fmt", ["html", "markdown"])
@pytest.mark.parametrize(
    ("state", "signal", "said"),
    [
        ("interrupted", "SIGINT", "Run state: interrupted (SIGINT)"),
        ("running", None, "Run state: running"),
        ("crashed", None, "Run state: crashed"),
    ],
)
def test_finding3_iamspec_docs_of_an_incomplete_run_says_so_first_on_every_page(
    tmp_path, capsys, fmt, state, signal, said
):
    root = project(tmp_path / "project")
    record = with_texts(
        run(scenario("reads", [Ask("connect:DescribeUser", "allowed", [])])), {DEPT: DEPT_TEXT}
    )
    record.state, record.signal, record.finished_at = state, signal, None
    results = tmp_path / "results.json"
    results.write_text(json.dumps(record.to_dict()), encoding="utf-8")
    site = tmp_path / "site"
    argv = ["docs", "--results", str(results), "--out", str(site), "--root", str(root)]
    assert main([*argv, "--format", fmt]) == 0, capsys.readouterr().err
    pages = {
        p.name: p.read_text(encoding="utf-8")
        for p in site.iterdir()
        if p.suffix in (".html", ".md")
    }
    assert len(pages) >= 5
    for name, page in pages.items():
        top = page.split("</header>", 1)[0] if fmt == "html" else page.split("\n", 1)[0]
        assert said in top, name
        assert "1 of the scenarios ran" in top, name
    saved = json.loads((site / "iamspec-site.json").read_text())
    assert saved["state"] == state
    assert sorted(saved["files"]) == sorted(
        p.name for p in site.iterdir() if p.name != "iamspec-site.json"
    )


def test_finding3_a_complete_run_has_no_banner(tmp_path, capsys):
    root = project(tmp_path / "project")
    record = with_texts(
        run(scenario("reads", [Ask("connect:DescribeUser", "allowed", [])])), {DEPT: DEPT_TEXT}
    )
    record.state = "complete"
    results = tmp_path / "results.json"
    results.write_text(json.dumps(record.to_dict()), encoding="utf-8")
    site = tmp_path / "site"
    assert main(["docs", "--results", str(results), "--out", str(site), "--root", str(root)]) == 0
    assert "Run state" not in (site / "index.html").read_text(encoding="utf-8")


# -- finding 10: nothing from a results file reaches the terminal as a control sequence ---------

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\u202e"


def test_finding10_iamspec_docs_prints_no_terminal_escape_from_a_results_file(tmp_path, capsys):
    """A policy path holding ``ESC]0;...BEL`` (retitles the terminal) and ``ESC[2J`` (clears
    it) was printed verbatim in the coverage summary; now every such character is shown as an
    escape (``\\x1b``)."""
    root = project(tmp_path / "project")
    policy = f"policies/{ESCAPES}.json"
    results = _results(tmp_path, policy, recorded=True)
    site = tmp_path / f"site{ESCAPES}"
    code = main(["docs", "--results", str(results), "--out", str(site), "--root", str(root)])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    printed = captured.out + captured.err
    assert "\x1b" not in printed
    assert "\x07" not in printed
    assert "\u202e" not in printed
    assert "\\x1b]0;pwned\\x07\\x1b[2J\\u202e.json" in printed


# -- finding 9: iamspec docs never writes through a symbolic link -------------------------------


@pytest.mark.parametrize("link", ["the folder", "a page"])
def test_finding9_iamspec_docs_refuses_a_linked_output(tmp_path, capsys, link):
    root = project(tmp_path / "project")
    results = _results(tmp_path, DEPT, recorded=True)
    victim = tmp_path / "victim"
    site = tmp_path / "site"
    if link == "the folder":
        victim.mkdir()
        site.symlink_to(victim, target_is_directory=True)
    else:
        victim.write_text("keep me")
        site.mkdir()
        (site / "coverage.html").symlink_to(victim)
    code = main(["docs", "--results", str(results), "--out", str(site), "--root", str(root)])
    assert code == 2
    assert "symbolic link" in capsys.readouterr().err
    if link == "the folder":
        assert list(victim.iterdir()) == []
    else:
        assert victim.read_text() == "keep me"
        assert sorted(p.name for p in site.iterdir()) == ["coverage.html"]  # nothing written
