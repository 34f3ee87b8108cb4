"""Living-documentation benchmark: site size and render time, for the repository's features
and for 1,000 generated scenarios.

Usage (from the project root, with the project installed)::

    python benchmarks/livingdoc.py [--scenarios 1000] [--repeat 3]

For each case it first runs the scenarios once with ``pytest --iam-results`` in a subprocess
(the repository's ``features/`` as they are, ``@live`` ones deselected; or a throw-away
project with N generated scenarios, from ``benchmarks/suite.py``), then, in this process,
times over ``--repeat`` rounds (the best counts):

- building the view model from the results file (:func:`iamspec.livingdoc.build_site`:
  policies, deciding statements, coverage, the who-may-do-what pivots; the search entries
  are built when the HTML site is written, so they count there);
- writing the HTML site and the Markdown site (:func:`iamspec.livingdoc.write_site`);

and reports each site's files and bytes, in all and for the who-may-do-what and search pages
alone (``principal*``, ``action*``, ``resource-kind*``, ``search*``). Prints figures; it is
not a test.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))

from suite import write_project  # noqa: E402  (the generated scenarios of the suite benchmark)

from iamspec.livingdoc import build_site, load_results, write_site  # noqa: E402
from iamspec.livingdoc.errata import collect_errata  # noqa: E402

NEW_PAGES = ("principal", "action", "resource-kind", "search")


def results_of(project: Path, out: Path, *args: str) -> Path:
    """Run the project's scenarios once with --iam-results; the results file."""
    results = out / "results.json"
    command = [
        sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
        "-p", "no:hypothesispytest", *args, "--iam-results", str(results),
    ]  # fmt: skip
    done = subprocess.run(command, cwd=project, capture_output=True, text=True, check=False)
    tail = (done.stdout.strip().splitlines() or [""])[-1]
    if done.returncode != 0:
        print(done.stdout[-4000:], done.stderr[-4000:], file=sys.stderr)
        raise SystemExit(f"pytest failed in {project}: {tail}")
    print(f"  run: {tail}")
    return results


def best(repeat: int, work: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def size(folder: Path) -> tuple[int, int, int, int]:
    """(files, bytes, files of the new pages, their bytes)."""
    files = [p for p in folder.iterdir() if p.is_file()]
    new = [p for p in files if p.name.startswith(NEW_PAGES)]
    return (
        len(files),
        sum(p.stat().st_size for p in files),
        len(new),
        sum(p.stat().st_size for p in new),
    )


def measure(label: str, results: Path, root: Path, out: Path, repeat: int) -> None:
    run = load_results(results)
    # the published examples' errata do not grow with the scenarios: linted once, outside
    errata = collect_errata(ROOT / "policies" / "published", ROOT, None)
    built = {}

    def build() -> None:
        built["site"] = build_site(run, root=root, errata=errata)

    build_time = best(repeat, build)
    site = built["site"]
    html, md = out / "html", out / "md"
    html_time = best(repeat, lambda: write_site(site, html, "html"))
    md_time = best(repeat, lambda: write_site(site, md, "markdown"))
    access = site.access
    print(
        f"  {label}: {len(site.scenarios)} scenarios run, {len(site.not_run)} not run; "
        f"{len(access.principals)} principals, {len(access.actions)} actions, "
        f"{len(access.kinds)} resource kinds, {access.rows} requests listed"
    )
    print(f"    build_site                 {build_time:7.3f} s")
    for name, folder, spent in (("HTML", html, html_time), ("Markdown", md, md_time)):
        files, total, new, new_bytes = size(folder)
        print(
            f"    write {name:<9} {spent:7.3f} s   {files:5} files {total / 1e6:7.2f} MB"
            f"   (new pages: {new} files, {new_bytes / 1e6:.2f} MB)"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--scenarios", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="rounds per figure; best counts")
    options = parser.parse_args()
    print(f"living documentation, Python {sys.version.split()[0]}, best of {options.repeat}")
    with tempfile.TemporaryDirectory(prefix="iamspec-bench-docs-") as tmp:
        base = Path(tmp)
        (base / "repo").mkdir()
        print("the repository's features:")
        results = results_of(ROOT, base / "repo", "features")
        measure("repository", results, ROOT, base / "repo", options.repeat)

        generated = base / "generated"
        write_project(generated, options.scenarios, noop=False)
        print(f"{options.scenarios} generated scenarios (benchmarks/suite.py):")
        results = results_of(generated, generated)
        measure("generated", results, generated, base / "generated-site", options.repeat)


if __name__ == "__main__":
    main()
