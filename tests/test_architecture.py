"""No import cycle in iamspec: between its modules, nor between its subpackages.

The graph is built from the source with :mod:`ast` (the test extra has no grimp), and counts
every import: at module level, inside functions (a lazy import hides a cycle, it does not
remove it) and under ``if TYPE_CHECKING:`` (a type-only import is still a dependency). The
implicit import of a module's parent packages is not an edge: every package whose
``__init__`` re-exports a child would otherwise be a cycle. The layer contracts themselves are
checked by ``lint-imports`` (``[tool.importlinter]`` in pyproject.toml, run by ``.ci/run``).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

import iamspec

SOURCE = Path(iamspec.__file__).parent

Graph = Mapping[str, Mapping[str, int]]
"""importer -> {imported: line of the first such import}."""


def _modules(root: Path, package: str) -> dict[str, tuple[Path, bool]]:
    """Every module under ``root`` by dotted name, with its file and whether it is a package."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, is_package)
    return found


def _imported(node: ast.AST, module: str, is_package: bool) -> Iterator[tuple[str, list[str]]]:
    """(module imported from, names imported) of an import statement, relative ones resolved."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, []
    elif isinstance(node, ast.ImportFrom):
        base = node.module or ""
        if node.level:
            anchor = module.split(".") if is_package else module.split(".")[:-1]
            anchor = anchor[: len(anchor) - (node.level - 1)]
            base = ".".join([*anchor, base] if base else anchor)
        yield base, [alias.name for alias in node.names]


def import_graph(root: Path, package: str) -> dict[str, dict[str, int]]:
    """The import graph of the modules of ``package`` (whose ``__init__.py`` is in ``root``)."""
    modules = _modules(root, package)
    graph: dict[str, dict[str, int]] = {name: {} for name in modules}
    for name, (path, is_package) in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        for node in ast.walk(tree):  # every statement: functions and TYPE_CHECKING blocks too
            for base, names in _imported(node, name, is_package):
                targets = [f"{base}.{n}" for n in names if f"{base}.{n}" in modules]
                if len(targets) < len(names) or not names:
                    targets.append(base)  # names defined in the module (or `import a.b`)
                for target in targets:
                    while target and target not in modules:  # `import pkg.mod.attr`
                        target = target.rpartition(".")[0]
                    if target and target != name:
                        graph[name].setdefault(target, node.lineno)
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """The strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(start: str) -> None:
        work = [(start, iter(sorted(graph.get(start, {}))))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, successors = work[-1]
            for succ in successors:
                if succ not in index:
                    index[succ] = low[succ] = len(index)
                    stack.append(succ)
                    on_stack.add(succ)
                    work.append((succ, iter(sorted(graph.get(succ, {})))))
                    break
                if succ in on_stack:
                    low[node] = min(low[node], index[succ])
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    low[parent] = min(low[parent], low[node])
                if low[node] == index[node]:
                    component = []
                    while True:
                        member = stack.pop()
                        on_stack.discard(member)
                        component.append(member)
                        if member == node:
                            break
                    if len(component) > 1:
                        found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _explain(graph: Graph, component: list[str]) -> str:
    members = set(component)
    return "\n".join(
        f"  {a} -> {b} (line {line})"
        for a in component
        for b, line in sorted(graph[a].items())
        if b in members
    )


def subpackage_graph(graph: Graph, package: str) -> dict[str, dict[str, int]]:
    """The graph between ``package``'s direct children (subpackages and modules) and itself."""

    depth = package.count(".") + 2

    def top(module: str) -> str:
        return ".".join(module.split(".")[:depth])

    collapsed: dict[str, dict[str, int]] = {}
    for importer, imported in graph.items():
        edges = collapsed.setdefault(top(importer), {})
        for target, line in imported.items():
            if top(target) != top(importer):
                edges.setdefault(top(target), line)
    return collapsed


def test_the_graph_is_read():
    """The parser finds the imports the code is known to have (the tests below are not empty)."""
    graph = import_graph(SOURCE, "iamspec")
    assert len(graph) > 100
    assert "iamspec.records.results" in graph["iamspec.harness.recording"]
    assert "iamspec.livingdoc" in graph["iamspec.cli"]  # an import inside a function
    assert (
        "iamspec.lint.checks.actions" in graph["iamspec.lint.checks.conditions"]
    )  # from a.b import c


def test_no_module_cycle():
    graph = import_graph(SOURCE, "iamspec")
    found = cycles(graph)
    assert not found, "import cycles:\n" + "\n\n".join(_explain(graph, c) for c in found)


def test_no_two_subpackages_import_each_other():
    """Nor any longer loop: the subpackages (and top-level modules) form a DAG."""
    graph = subpackage_graph(import_graph(SOURCE, "iamspec"), "iamspec")
    found = cycles(graph)
    assert not found, "cycles between subpackages:\n" + "\n\n".join(
        _explain(graph, c) for c in found
    )


@pytest.mark.parametrize(
    ("a_text", "b_text"),
    [
        ("from pkg import b\n", "from pkg.a import VALUE\n"),
        ("def late():\n    from pkg.b import f\n", "import pkg.a\n"),
        (
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .b import B\n",
            "from . import a\n",
        ),
    ],
    ids=["top-level", "inside-a-function", "type-checking-and-relative"],
)
def test_a_cycle_is_found_wherever_its_imports_are(tmp_path, a_text, b_text):
    root = tmp_path / "pkg"
    root.mkdir()
    (root / "__init__.py").write_text("")
    (root / "a.py").write_text(a_text)
    (root / "b.py").write_text(b_text)
    (root / "c.py").write_text("from pkg import a, b\n")
    graph = import_graph(root, "pkg")
    assert cycles(graph) == [["pkg.a", "pkg.b"]]
    assert cycles(subpackage_graph(graph, "pkg")) == [["pkg.a", "pkg.b"]]


def test_a_package_importing_its_children_is_no_cycle(tmp_path):
    root = tmp_path / "pkg"
    (root / "sub").mkdir(parents=True)
    (root / "__init__.py").write_text("from pkg.sub import thing\n")
    (root / "sub" / "__init__.py").write_text("from pkg.sub.thing import X\n")
    (root / "sub" / "thing.py").write_text("X = 1\n")
    assert cycles(import_graph(root, "pkg")) == []
