"""Files whose names come from input iamspec does not trust: read inside a folder, write safely.

A feature, a results file or a command-line option names files; a hostile one names
``../../.aws/credentials``, ``/proc/self/environ``, ``/dev/zero`` or a symbolic link to them.

- :func:`read_inside` reads a text file only when its path, after every symbolic link is
  resolved, lies inside the given folder, it is a regular file (never a device, a FIFO or a
  folder) and it is no larger than a bound checked before reading; anything else is an
  :class:`UnsafePathError` whose message names the path and the reason, never the file's
  content (not even the byte that is not UTF-8).
- :func:`write_file` writes a whole file under a temporary name in the same folder and renames
  it over the target, so a reader never sees half a file and a crash leaves the old file or
  none; it refuses a target that is a symbolic link or not a regular file, so nothing is ever
  written through a link to a file elsewhere. Text is written as UTF-8, and what UTF-8 cannot
  hold (a lone surrogate such as ``"\\ud800"``, which JSON can spell) is escaped visibly as
  ``\\ud800``.
- :func:`output_folder` creates (or accepts) an output folder that is not a symbolic link;
  :func:`output_file_problem` and :func:`output_folder_problem` say, before a run starts, why
  a path cannot be written (None when it can).
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from pathlib import Path
from typing import BinaryIO

from iamspec.errors import IamSpecError

__all__ = [
    "UnsafePathError",
    "encode_text",
    "output_file_problem",
    "output_folder",
    "output_folder_problem",
    "read_bounded",
    "read_inside",
    "write_file",
]


_CHUNK = 1 << 20


class UnsafePathError(IamSpecError):
    """A path iamspec will not read or write, with why (``path``, ``reason``)."""

    def __init__(self, path: str, reason: str) -> None:
        self.path = path
        self.reason = reason
        super().__init__(f"{path}: {reason}")


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or path.is_relative_to(folder)


def read_bounded(handle: BinaryIO, limit: int) -> bytes:
    """At most ``limit + 1`` bytes of ``handle``, in chunks (a caller that gets more than
    ``limit`` knows the file is too large; no buffer of ``limit`` bytes is set aside first)."""
    chunks: list[bytes] = []
    left = limit + 1
    while left > 0:
        chunk = handle.read(min(left, _CHUNK))
        if not chunk:
            break
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def read_inside(folder: Path, name: str, *, limit: int, shown: str | None = None) -> str:
    """The UTF-8 text of ``folder / name``, which must stay inside ``folder``.

    ``name`` is relative; ``limit`` the most bytes accepted (checked before reading, and again
    while reading, so a file that grows cannot exhaust memory); ``shown`` how messages name the
    file (default ``name``). Raises UnsafePathError for an absolute or empty name, a path that
    leaves ``folder`` once symbolic links are resolved, a file that does not exist, is not a
    regular file, is larger than ``limit`` or is not UTF-8, and for a read that fails.
    """
    label = shown if shown is not None else name
    if not name or Path(name).is_absolute():
        raise UnsafePathError(label or "''", f"give a path relative to {folder}")
    base = folder.resolve()
    try:
        target = (folder / name).resolve(strict=True)
    except FileNotFoundError:
        raise UnsafePathError(label, "no such file") from None
    except (OSError, RuntimeError) as err:  # a symlink loop, a permission on the way
        raise UnsafePathError(label, f"cannot be resolved ({type(err).__name__})") from None
    if not _inside(target, base):
        raise UnsafePathError(
            label, f"resolves outside {folder} (symbolic links are followed before checking)"
        )
    try:
        info = os.stat(target)
    except OSError as err:
        raise UnsafePathError(label, f"cannot be read ({err.strerror})") from None
    if not stat.S_ISREG(info.st_mode):
        raise UnsafePathError(label, "not a regular file")
    if info.st_size > limit:
        raise UnsafePathError(label, f"larger than {limit:,} bytes ({info.st_size:,})")
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        descriptor = os.open(target, flags)
    except OSError as err:
        raise UnsafePathError(label, f"cannot be read ({err.strerror})") from None
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since the check
            raise UnsafePathError(label, "not a regular file")
        data = read_bounded(handle, limit)
    if len(data) > limit:
        raise UnsafePathError(label, f"larger than {limit:,} bytes")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as err:
        raise UnsafePathError(
            label, f"not UTF-8 text (an invalid byte at offset {err.start})"
        ) from None


def encode_text(text: str) -> bytes:
    """``text`` as UTF-8; what UTF-8 cannot hold (lone surrogates) escaped as ``\\udXXX``."""
    return text.encode("utf-8", "backslashreplace")


def _target_problem(path: Path) -> str | None:
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):  # absent (a parent may be a file)
        return None
    except OSError as err:
        return f"cannot be checked ({err.strerror})"
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link (iamspec never writes through one)"
    if stat.S_ISDIR(info.st_mode):
        return "is a directory"
    if not stat.S_ISREG(info.st_mode):
        return "is not a regular file"
    return None


def write_file(path: Path, content: str | bytes) -> bool:
    """Write ``content`` to ``path`` atomically; return whether a file was replaced.

    The folder must exist. Raises UnsafePathError when ``path`` is a symbolic link, a folder or
    anything but a regular file, or when writing fails (the temporary file is removed).
    """
    problem = _target_problem(path)
    if problem is not None:
        raise UnsafePathError(str(path), problem)
    replaced = path.exists()
    data = encode_text(content) if isinstance(content, str) else content
    try:
        descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    except OSError as err:
        raise UnsafePathError(str(path), f"cannot be written ({err.strerror})") from None
    try:
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except OSError as err:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise UnsafePathError(str(path), f"cannot be written ({err.strerror})") from None
    return replaced


def output_folder_problem(path: Path) -> str | None:
    """Why ``path`` cannot be an output folder (None when it can: a folder or absent)."""
    try:
        info = path.lstat()
    except (FileNotFoundError, NotADirectoryError):
        return _creatable(path)
    except OSError as err:
        return f"cannot be checked ({err.strerror})"
    if stat.S_ISLNK(info.st_mode):
        return "is a symbolic link (iamspec never writes through one)"
    if not stat.S_ISDIR(info.st_mode):
        return "exists and is not a directory"
    if not os.access(path, os.W_OK | os.X_OK):
        return "is not writable"
    return None


def output_file_problem(path: Path) -> str | None:
    """Why ``path`` cannot be an output file (None when it can: a regular file or absent)."""
    problem = _target_problem(path)
    if problem is not None:
        return problem
    if path.is_file():
        return None if os.access(path.parent, os.W_OK | os.X_OK) else "its folder is not writable"
    return _creatable(path)


def _creatable(path: Path) -> str | None:
    """Why ``path`` (absent) cannot be created with its missing parent folders."""
    ancestor = path.parent
    while True:
        try:
            info = ancestor.stat()
        except (FileNotFoundError, NotADirectoryError):
            if ancestor.parent == ancestor:
                return "cannot be created"
            ancestor = ancestor.parent
            continue
        except OSError as err:
            return f"cannot be created ({err.strerror})"
        if not stat.S_ISDIR(info.st_mode):
            return f"cannot be created: {ancestor} is not a directory"
        if not os.access(ancestor, os.W_OK | os.X_OK):
            return f"cannot be created: {ancestor} is not writable"
        return None


def output_folder(path: Path) -> Path:
    """Create ``path`` (and its parents) if needed; refuse a symbolic link or a non-folder.

    Raises UnsafePathError.
    """
    if path.is_symlink():
        raise UnsafePathError(str(path), "is a symbolic link (iamspec never writes through one)")
    if path.exists() and not path.is_dir():
        raise UnsafePathError(str(path), "exists and is not a directory")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise UnsafePathError(str(path), f"cannot be created ({err.strerror})") from None
    if path.is_symlink() or not path.is_dir():
        raise UnsafePathError(str(path), "is not a directory")
    return path
