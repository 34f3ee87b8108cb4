"""One name per concept: the thing that answers Simulate* requests is a *backend*.

The word the user types is ``--iam-backend`` (a contract), the results and drift files say
``backend``, and the code's interface is :class:`iamspec.harness.backends.Backend`; prose that
calls it anything else makes a reader look for two concepts.
"""

import ast
import pathlib
import re

ROOT = pathlib.Path(__file__).resolve().parents[1]
OTHER_WORDS = re.compile(r"\banswerers?\b", re.IGNORECASE)

# Files another change is moving right now; their wording follows once they have landed.


def _texts() -> list[pathlib.Path]:
    paths = [ROOT / "README.md", *(ROOT / "docs").rglob("*.md")]
    for folder in ("src", "steps", "features"):
        paths.extend(
            p for p in (ROOT / folder).rglob("*") if p.suffix in {".py", ".feature", ".json", ".j2"}
        )
    return [p for p in paths if p.is_file()]


def test_the_backend_is_called_backend_everywhere():
    found = []
    for path in _texts():
        name = path.relative_to(ROOT).as_posix()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if OTHER_WORDS.search(line):
                found.append(f"{name}:{number}: {line.strip()}")
    assert not found, "say 'backend':\n" + "\n".join(found)


# Same class name, unrelated meanings, in modules other changes own right now: the
# engine's resolved variable piece vs the errata page's text run; the linter's lenient
# statement vs the living docs' statement of a policy page.
SHARED_CLASS_NAMES = {"Piece", "StatementView"}


def test_a_class_name_means_one_thing():
    """Two classes with one name (as the two ``KnownDifference`` were: a scenario's
    declaration and the drift report's entry) read as one concept; each gets its own name."""
    homes: dict[str, list[str]] = {}
    for path in sorted((ROOT / "src" / "iamspec").rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.ClassDef):
                homes.setdefault(node.name, []).append(path.relative_to(ROOT).as_posix())
    shared = {name: where for name, where in homes.items() if len(where) > 1}
    assert set(shared) == SHARED_CLASS_NAMES, shared
