"""Adoption benchmark: a new user's first minutes, from the README's two commands.

Usage (from the project root)::

    python benchmarks/adoption.py [--no-pip-cache] [--repeat 1]

Builds iamspec's wheel from this checkout (not timed), then, in a fresh virtual environment and
an empty folder, times each step a new user takes, as the README's section "Use iamspec in
your own repository" writes it:

- creating the virtual environment (``python3 -m venv``);
- ``pip install iamspec`` (the wheel through ``--find-links``, its dependencies from the
  package index; ``--no-pip-cache`` downloads them again, as on a fresh machine);
- ``iamspec init iam-specs``;
- the first ``pytest`` in the new project (a cold interpreter: byte-code compiled on first
  import, the IAM service reference loaded).

Prints wall times in seconds; "init + first pytest" is the figure the README quotes. It is
not a test (``tests/test_adoption.py`` is).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTION = "## Use iamspec in your own repository"


def readme_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split(SECTION, 1)[1].split("\n## ", 1)[0]
    block = re.search(r"\n\n((?:    \S.*\n)+)", section)
    if block is None:
        raise SystemExit("README.md: the section shows no commands")
    return [line[4:] for line in block[1].splitlines()]


def build_wheel(work: Path) -> Path:
    source = work / "source"
    ignore = shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc")
    shutil.copytree(ROOT / "src", source / "src", ignore=ignore)
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, source / name)
    dist = work / "dist"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(dist), str(source)],
        check=True,
    )
    return dist


def timed(command: str, cwd: Path, env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(
        ["bash", "-ec", command], cwd=cwd, env=env, capture_output=True, text=True, check=False
    )
    wall = time.perf_counter() - start
    if done.returncode != 0:
        print(done.stdout[-3000:], done.stderr[-3000:], file=sys.stderr)
        raise SystemExit(f"{command!r} failed")
    return wall


def one_run(dist: Path, work: Path, *, pip_cache: bool) -> dict[str, float]:
    figures: dict[str, float] = {}
    start = time.perf_counter()
    environment = work / "venv"
    venv.EnvBuilder(with_pip=True).create(environment)
    figures["python3 -m venv"] = time.perf_counter() - start
    drop = ("PYTEST_", "PYTHON", "VIRTUAL_ENV")
    env = {k: v for k, v in os.environ.items() if not k.startswith(drop)}
    env["PATH"] = f"{environment / 'bin'}{os.pathsep}{env.get('PATH', '')}"
    env["VIRTUAL_ENV"] = str(environment)
    links = [os.environ.get("PIP_FIND_LINKS", ""), str(dist)]
    env["PIP_FIND_LINKS"] = " ".join(link for link in links if link)
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    if not pip_cache:
        env["PIP_NO_CACHE_DIR"] = "1"
    team = work / "team"
    team.mkdir()
    install, rest = readme_commands()
    figures[install] = timed(install, team, env)
    init, _, then = rest.partition(" && ")
    figures[init] = timed(init, team, env)
    cd, _, first = then.partition(" && ")
    project = team / cd.removeprefix("cd ").strip()
    figures[f"first {first}"] = timed(first, project, env)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--no-pip-cache", action="store_true", help="download every dependency")
    parser.add_argument("--repeat", type=int, default=1, help="runs; each figure's best counts")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="iamspec-adoption-") as tmp:
        dist = build_wheel(Path(tmp))
        runs = []
        for index in range(options.repeat):
            work = Path(tmp) / f"run-{index}"
            work.mkdir()
            runs.append(one_run(dist, work, pip_cache=not options.no_pip_cache))
    best = {label: min(r[label] for r in runs) for label in runs[0]}
    cache = "without" if options.no_pip_cache else "with"
    print(f"adoption, Python {sys.version.split()[0]}, pip {cache} its cache, best of {len(runs)}")
    for label, wall in best.items():
        print(f"  {label:<40} {wall:6.2f} s")
    init = next(v for k, v in best.items() if k.startswith("iamspec init"))
    first = next(v for k, v in best.items() if k.startswith("first "))
    print(f"  {'iamspec init + first pytest':<40} {init + first:6.2f} s")


if __name__ == "__main__":
    main()
