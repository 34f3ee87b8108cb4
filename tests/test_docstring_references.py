"""Documentation that cannot go stale: every cross-reference and cited file must exist.

Every ``:mod:``, ``:class:``, ``:func:``, ``:meth:``, ``:data:`` and ``:attr:`` reference in
a docstring of ``src/iamspec`` is resolved by importing its target and walking the
attributes: ``~`` and ``!`` are stripped; a name starting with ``.`` is relative to the
module's package (``:mod:`.registry``` in a package's ``__init__``); an unqualified name is
looked up in the enclosing class, then the module, then the builtins, then as an absolute
dotted path. Every repository path cited in the library's and the step library's
docstrings and comments, the README, ``docs/``, the benchmarks and the feature files
(``features/...``, ``policies/...``, ``docs/...``) must name a file or folder that exists; a
``*`` in it is a glob that must match something. A path whose file is named ``x``
(``features/x.feature:12``, ``policies/x.json``) is the project's way of showing a format,
not a citation. A failure names the file and line.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import importlib
import inspect
import pathlib
import re
from collections.abc import Iterator
from types import ModuleType

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SRC = ROOT / "src"
PACKAGE = SRC / "iamspec"

ROLE = re.compile(r":(mod|class|func|meth|data|attr):`([^`]+)`")


@dataclasses.dataclass(frozen=True)
class Reference:
    file: str
    line: int
    role: str
    target: str
    module: str
    scope: tuple[str, ...]  # the enclosing classes, outermost first

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: :{self.role}:`{self.target}`"


def _module_name(path: pathlib.Path) -> str:
    parts = list(path.relative_to(SRC).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _strings(tree: ast.AST) -> Iterator[tuple[ast.Constant, tuple[str, ...]]]:
    """Every string statement (docstrings and attribute docstrings) with its class scope."""

    def walk(
        node: ast.AST, scope: tuple[str, ...]
    ) -> Iterator[tuple[ast.Constant, tuple[str, ...]]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ClassDef):
                yield from walk(child, (*scope, child.name))
            elif (
                isinstance(child, ast.Expr)
                and isinstance(child.value, ast.Constant)
                and isinstance(child.value.value, str)
            ):
                yield child.value, scope
            else:
                yield from walk(child, scope)

    yield from walk(tree, ())


def _references() -> list[Reference]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = _module_name(path)
        name = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, scope in _strings(tree):
            text = node.value
            assert isinstance(text, str)
            for match in ROLE.finditer(text):
                line = node.lineno + text.count("\n", 0, match.start())
                found.append(Reference(name, line, match[1], match[2], module, scope))
    return found


def _walk(obj: object, names: list[str]) -> object:
    for attribute in names:
        if isinstance(obj, type) and attribute in getattr(obj, "__dataclass_fields__", {}):
            obj = obj.__dataclass_fields__[attribute]  # a dataclass field without a default
            continue
        if isinstance(obj, type) and attribute in getattr(obj, "__annotations__", {}):
            obj = obj.__annotations__[attribute]  # an annotated attribute set in __init__
            continue
        obj = getattr(obj, attribute)
    return obj


def _instance_attributes(cls: type) -> set[str]:
    """Attributes ``__init__`` assigns (``self.x = ...``): documented as ``:attr:``."""
    names: set[str] = set()
    for klass in cls.__mro__:
        init = klass.__dict__.get("__init__")
        if init is None:
            continue
        try:
            source = inspect.getsource(init)
        except (OSError, TypeError):
            continue
        names.update(re.findall(r"self\.(\w+)\s*(?::[^=]+)?=", source))
    return names


def _absolute(dotted: str) -> object:
    """Import the longest module prefix of ``dotted`` and walk the rest as attributes."""
    parts = dotted.split(".")
    for cut in range(len(parts), 0, -1):
        try:
            module: ModuleType = importlib.import_module(".".join(parts[:cut]))
        except ModuleNotFoundError:
            continue
        rest = parts[cut:]
        try:
            return _walk(module, rest)
        except AttributeError:
            # ``Class.attribute`` set in __init__
            if len(rest) >= 2:
                owner = _walk(module, rest[:-1])
                if isinstance(owner, type) and rest[-1] in _instance_attributes(owner):
                    return owner
            raise
    raise ModuleNotFoundError(dotted)


def resolve(ref: Reference) -> object:
    """The object ``ref`` names; ImportError or AttributeError when it names nothing."""
    # a reference wrapped over two lines reads as one name
    target = "".join(ref.target.split()).lstrip("~!")
    if target.startswith("."):
        package = ref.module if ref.file.endswith("__init__.py") else ref.module.rpartition(".")[0]
        dots = len(target) - len(target.lstrip("."))
        base = package.rsplit(".", dots - 1)[0] if dots > 1 else package
        return _absolute(f"{base}.{target.lstrip('.')}")
    if ref.role == "mod":
        return importlib.import_module(target)
    module = importlib.import_module(ref.module)
    # the enclosing class, innermost first, then the module, then an absolute name
    for depth in range(len(ref.scope), -1, -1):
        try:
            return _absolute(".".join([ref.module, *ref.scope[:depth], target]))
        except (AttributeError, ModuleNotFoundError):
            continue
    if "." not in target and target in vars(module):
        return vars(module)[target]
    head, _, rest = target.partition(".")
    if hasattr(builtins, head):  # str, str.find, ValueError
        found = getattr(builtins, head)
        for attribute in rest.split(".") if rest else ():
            found = getattr(found, attribute)
        return found
    return _absolute(target)


REFERENCES = _references()


def test_there_are_references_to_check():
    # a broken scanner would make the test below pass on nothing
    assert len(REFERENCES) > 200
    roles = {ref.role for ref in REFERENCES}
    assert roles == {"mod", "class", "func", "meth", "data", "attr"}


def test_every_docstring_reference_resolves():
    broken = []
    for ref in REFERENCES:
        try:
            resolve(ref)
        except (ImportError, AttributeError) as error:
            broken.append(f"{ref}: {type(error).__name__}: {error}")
    assert not broken, "docstring references that name nothing:\n" + "\n".join(broken)


@pytest.mark.parametrize(
    ("target", "scope", "resolves"),
    [
        ("iamspec.catalog.Catalog.expand", (), True),
        ("~iamspec.errors.CatalogError", (), True),
        ("iamspec.engine.decision", (), False),  # the module never existed
        (".lookup", (), True),  # a sibling of the package's modules
        ("..arns", (), True),
        (".arns", (), False),
        ("ValueError", (), True),  # a builtin
        ("expand", ("Catalog",), True),
        ("Catalog.expand", (), True),
        ("Catalog.expnad", (), False),
    ],
)
def test_the_resolver_itself(target: str, scope: tuple[str, ...], resolves: bool):
    role = "mod" if target.startswith("iamspec.engine") else "meth"
    ref = Reference("src/iamspec/catalog/__init__.py", 1, role, target, "iamspec.catalog", scope)
    if target == "expand":
        ref = dataclasses.replace(
            ref, file="src/iamspec/catalog/lookup.py", module="iamspec.catalog.lookup"
        )
    if resolves:
        assert resolve(ref) is not None
    else:
        with pytest.raises((ImportError, AttributeError)):
            resolve(ref)


DOTTED_NAME = re.compile(r"(?<![\w.])(iamspec(?:\.\w+)+)")


def test_every_dotted_iamspec_name_resolves():
    """``iamspec.engine.decision`` written out in prose (outside a role) must name something."""
    files = [
        ROOT / "README.md",
        *sorted(PACKAGE.rglob("*.py")),
        *sorted((ROOT / "steps").rglob("*.py")),
        *sorted((ROOT / "docs").rglob("*.md")),
    ]
    broken = []
    for path in files:
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in DOTTED_NAME.finditer(line):
                try:
                    _absolute(match[1])
                except (ImportError, AttributeError) as error:
                    where = path.relative_to(ROOT).as_posix()
                    broken.append(f"{where}:{number}: {match[1]}: {error}")
    assert not broken, "dotted names that name nothing:\n" + "\n".join(broken)


# -- cited repository paths ------------------------------------------------------------------

TOP_FOLDERS = (
    "features",
    "policies",
    "docs",
    "steps",
    "tests",
    "benchmarks",
    "src",
    ".github",
    ".ci",
)
CITED_PATH = re.compile(
    r"(?<![\w./{-])((?:" + "|".join(re.escape(f) for f in TOP_FOLDERS) + r")/[\w.*/-]*[\w*/])"
)


def _cited_paths() -> Iterator[tuple[str, int, str]]:
    files = [
        ROOT / "README.md",
        *sorted(PACKAGE.rglob("*.py")),
        *sorted((ROOT / "steps").rglob("*.py")),
        *sorted((ROOT / "benchmarks").rglob("*.py")),
        *sorted((ROOT / "docs").rglob("*.md")),
        *sorted((ROOT / "features").rglob("*.feature")),
    ]
    for path in files:
        name = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            for match in CITED_PATH.finditer(line):
                yield name, number, match[1]


def _is_format_example(cited: str) -> bool:
    return pathlib.PurePosixPath(cited).stem == "x"


def _exists(cited: str) -> bool:
    if "*" in cited:
        return any(ROOT.glob(cited.rstrip("/")))
    return (ROOT / cited).exists()


CITED = list(_cited_paths())


def test_there_are_cited_paths_to_check():
    assert len(CITED) > 20
    assert any(cited.startswith("features/") for _, _, cited in CITED)


@pytest.mark.parametrize(
    ("cited", "exists"),
    [
        ("features/x.feature", None),  # a format example
        ("policies/connect/view-users.json", True),
        ("policies/connect/admin.json", False),
        ("policies/published/*.json", True),
        ("policies/published/*.yaml", False),
        ("docs/iam-semantics.md", True),
        ("policies/published/", True),
    ],
)
def test_what_counts_as_a_cited_path(cited: str, exists: bool | None):
    assert CITED_PATH.fullmatch(cited)
    if exists is None:
        assert _is_format_example(cited)
    else:
        assert not _is_format_example(cited)
        assert _exists(cited) is exists


def test_every_cited_path_exists():
    missing = [
        f"{name}:{line}: {cited}"
        for name, line, cited in CITED
        if not _is_format_example(cited) and not _exists(cited)
    ]
    assert not missing, "cited paths that do not exist:\n" + "\n".join(missing)


# -- exception trees drawn in module docstrings ------------------------------------------------

TREE_LINE = re.compile(r"^(?P<indent>[ │├└─]*?)(?P<name>[A-Z]\w*)(?:[\s(]|$)")


def _drawn_trees(module: ModuleType) -> list[tuple[int, str, str]]:
    """(line, parent, child) of every edge of the class trees in ``module``'s docstring."""
    doc = module.__doc__ or ""
    edges: list[tuple[int, str, str]] = []
    stack: list[tuple[int, str]] = []  # (column, name) of the open ancestors
    for number, line in enumerate(doc.splitlines(), 1):
        if not line.strip() or not line.startswith("    "):
            stack = []
            continue
        match = TREE_LINE.match(line)
        if match is None:
            continue  # a continuation line of the description
        column = len(match["indent"])
        while stack and stack[-1][0] >= column:
            stack.pop()
        if stack:
            edges.append((number, stack[-1][1], match["name"]))
        stack.append((column, match["name"]))
    return edges


TREE_MODULES = sorted(
    _module_name(path)
    for path in PACKAGE.rglob("*.py")
    if "└── " in (ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or "")
)


def test_the_trees_are_found():
    assert {"iamspec.errors", "iamspec.harness.errors"} <= set(TREE_MODULES)


@pytest.mark.parametrize("name", TREE_MODULES)
def test_the_drawn_exception_tree_is_the_class_tree(name: str):
    module = importlib.import_module(name)
    edges = _drawn_trees(module)
    assert edges, "no tree found"

    def lookup(class_name: str) -> type:
        found = vars(module).get(class_name, getattr(builtins, class_name, None))
        assert isinstance(found, type), f"{name}: the tree names {class_name}, which is no class"
        return found

    wrong = [
        f"{name} docstring line {line}: {child} is drawn under {parent}"
        for line, parent, child in edges
        if lookup(parent) not in lookup(child).__bases__
    ]
    assert not wrong, "\n".join(wrong)
    drawn = {child for _, _, child in edges}
    defined = {
        cls.__name__
        for cls in vars(module).values()
        if isinstance(cls, type) and issubclass(cls, BaseException) and cls.__module__ == name
    }
    roots = {parent for _, parent, _ in edges} - drawn
    assert defined - roots <= drawn, f"not drawn: {sorted(defined - roots - drawn)}"
