"""Whether a run's outputs come from a complete run: ``python -m iamspec.records.state PATH...``.

A results file (``--iam-results``), a drift report (``--drift-report``) and a living-docs folder
(``--living-docs``, through its :data:`SITE_STATE_FILE`) each say how the run that wrote them
ended (:data:`~iamspec.records.results.RUN_STATES`). The nightly workflow runs this after the
scenarios: it prints each path's state and exits 0 only when every one says ``complete``, so an
interrupted run (``interrupted``), a crashed one (``crashed``), one killed outright
(``running``, written when it started), a file from an older iamspec that does not say, or a
missing file marks the run failed, whatever pytest's own exit status was.

Exit status: 0 every path complete, 1 any other state, 2 a path that cannot be read as one of
these files.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path

from iamspec.files import UnsafePathError, read_inside
from iamspec.terminal import printable

__all__ = ["SITE_STATE_FILE", "RunState", "main", "read_state"]

SITE_STATE_FILE = "iamspec-site.json"
"""The file of a living-docs folder that says which run wrote it, how that run ended and which
pages it wrote (so the next run removes exactly those before it starts)."""

_MAX_BYTES = 1 << 30


class RunState:
    """The state one output says its run ended in (``state`` None: it does not say)."""

    def __init__(self, path: str, state: str | None, signal: str | None) -> None:
        self.path = path
        self.state = state
        self.signal = signal

    @property
    def complete(self) -> bool:
        return self.state == "complete"

    def describe(self) -> str:
        if self.state is None:
            return "no run state recorded (an older iamspec, or not an iamspec output)"
        return f"{self.state} ({self.signal})" if self.signal else self.state


def read_state(path: Path) -> RunState:
    """The run state ``path`` records: a results file, a drift report or a site folder.

    Raises UnsafePathError for a path that cannot be read, is not JSON or not an object.
    """
    folder, name = (path, SITE_STATE_FILE) if path.is_dir() else (path.parent, path.name)
    text = read_inside(folder, name, limit=_MAX_BYTES, shown=str(path))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as err:
        raise UnsafePathError(str(path), f"not JSON ({err.lineno}:{err.colno})") from None
    if not isinstance(data, dict):
        raise UnsafePathError(str(path), "not an iamspec results file, drift report or site")
    state, signal = data.get("state"), data.get("signal")
    return RunState(
        str(path),
        state if isinstance(state, str) else None,
        signal if isinstance(signal, str) else None,
    )


def main(argv: Sequence[str] | None = None) -> int:
    paths = list(sys.argv[1:] if argv is None else argv)
    if not paths:
        print("usage: python -m iamspec.records.state PATH...", file=sys.stderr)
        return 2
    code = 0
    for given in paths:
        try:
            found = read_state(Path(given))
        except UnsafePathError as err:
            print(printable(f"{err}: the run's state is unknown"), file=sys.stderr)
            code = 2
            continue
        line = printable(f"{found.path}: {found.describe()}")
        if found.complete:
            print(line)
        else:
            print(f"{line}: not a complete run", file=sys.stderr)
            code = max(code, 1)
    return code


if __name__ == "__main__":  # pragma: no cover - the module's command
    sys.exit(main())
