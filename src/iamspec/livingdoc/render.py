"""Writing the site: Jinja2 templates to static HTML (plus CSS) or Markdown files.

The layout is flat so that every link is relative and works from ``file://`` and on a code
host: ``index``, ``feature-<slug>`` per feature, ``policy-<slug>`` per policy, ``coverage``,
``errata``, who may do what (``principals`` with ``principal-<slug>`` per principal,
``actions`` with ``action-<slug>``, ``resource-kinds`` with ``resource-kind-<slug>``) and,
for a ``--compare-local`` run only, ``drift``, with ``.html`` (and ``style.css``) or ``.md``;
the HTML site also has ``search`` (and ``search.js``, the one script, which only filters
that page's list). Pages load nothing from the network, and every page but the search page
has no script at all; the search page lists everything without one.
``iamspec-site.json`` says which run wrote the pages and how it ended; a pytest run first
replaces the previous site with a page saying it is running (:func:`start_site`), and every
page of a run that did not complete says so at its top (:func:`state_banner`). Files are
written atomically and never through a symbolic link (:mod:`iamspec.files`).

Escaping. Everything that comes from features, policies or the run is text, never markup:

- HTML: Jinja2 autoescaping is on for every template (``<script>`` becomes ``&lt;script&gt;``,
  a policy value holding ``</pre>`` stays inside its ``<pre>``);
- Markdown: every ``{{ value }}`` passes through :func:`md_escape` (backslash-escapes what
  Markdown would format, entity-escapes ``<``, ``>`` and ``&``), except what the
  :func:`md_code` / :func:`md_cell` / :func:`md_cell_code` / :func:`md_anchor` filters
  already made safe.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from iamspec.files import (
    UnsafePathError,
    output_file_problem,
    output_folder,
    output_folder_problem,
    read_inside,
    write_file,
)
from iamspec.livingdoc.coverage import format_percent
from iamspec.livingdoc.labels import decision_label, format_date, status_label
from iamspec.livingdoc.site import Site
from iamspec.records.results import RunRecord
from iamspec.records.state import SITE_STATE_FILE

__all__ = [
    "FORMATS",
    "WrittenFiles",
    "md_cell",
    "md_cell_code",
    "md_code",
    "md_escape",
    "site_folder_problems",
    "start_site",
    "state_banner",
    "write_site",
]

FORMATS = ("html", "markdown")
"""``--living-docs-format`` / ``iamspec docs --format`` choices."""

_EXTENSIONS = {"html": "html", "markdown": "md"}


MdSafe = Markup
"""Markdown that is already escaped (or deliberately raw): :func:`md_escape` keeps it.

The Markdown environment runs with Jinja2's autoescaping switched on and :func:`md_escape`
as ``finalize``: every ``{{ value }}`` is Markdown-escaped into a ``Markup``, which the
HTML escaper then leaves alone; macro output and the filters below are ``Markup`` too, so
nothing is escaped twice. Template text itself is never escaped.
"""


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~])")
# Line starts that Markdown reads as structure: list items and headings (a marker followed by
# a space or the end of the line), ordered items ("1. ", "1) "), setext underlines ("===").
_MD_LINE_MARK = re.compile(r"^(\s*)([-+#])(?=\s|$)|^(\s*)([=-])(?=[=-]*\s*$)", re.MULTILINE)
_MD_LINE_NUMBER = re.compile(r"^(\s*)(\d+)([.)])(?=\s|$)", re.MULTILINE)


def md_escape(value: Any) -> Markup:
    """Text for Markdown prose: nothing in it formats, links or becomes HTML."""
    if isinstance(value, Markup):
        return value
    if value is None:
        return Markup("")
    text = str(value)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LINE_MARK.sub(lambda m: (m[1] or m[3] or "") + "\\" + (m[2] or m[4]), text)
    text = _MD_LINE_NUMBER.sub(r"\1\2\\\3", text)
    return MdSafe(text)


def md_cell(value: Any) -> MdSafe:
    """Text for a Markdown table cell: escaped, line breaks as ``<br>``."""
    text = md_escape(value)
    return MdSafe("<br>".join(part.strip() for part in str(text).splitlines()) or " ")


def md_code(value: Any, lang: str = "") -> MdSafe:
    """A fenced code block holding ``value`` verbatim (the fence outlasts any backtick run)."""
    text = "" if value is None else str(value)
    longest = max((len(m.group(0)) for m in re.finditer(r"`+", text)), default=0)
    fence = "`" * max(3, longest + 1)
    return MdSafe(f"{fence}{lang}\n{text}\n{fence}")


def md_inline_code(value: Any) -> MdSafe:
    """Inline code (``value`` verbatim); falls back to escaped text if it spans lines."""
    text = "" if value is None else str(value)
    if "\n" in text or not text:
        return MdSafe(md_escape(text))
    longest = max((len(m.group(0)) for m in re.finditer(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    text = text.replace("|", "\\|")
    return MdSafe(f"{ticks}{pad}{text}{pad}{ticks}")


def md_cell_code(value: Any) -> MdSafe:
    """Inline code for a table cell: a value spanning lines becomes escaped text with ``<br>``
    (a line break would end the table row)."""
    text = "" if value is None else str(value)
    return md_cell(text) if "\n" in text or not text else md_inline_code(text)


_ANCHOR = re.compile(r"[A-Za-z0-9_-]+")


def md_anchor(anchor: str) -> MdSafe:
    """An HTML anchor code hosts keep in Markdown (``<a id="..."></a>``)."""
    if not _ANCHOR.fullmatch(anchor):
        raise ValueError(f"not an anchor: {anchor!r}")
    return MdSafe(f'<a id="{anchor}"></a>')


def md_url(value: Any) -> Markup:
    """A link target for Markdown: percent-encoded, never Markdown-escaped."""
    return Markup(quote(str(value), safe="/#:.-_~"))


def _common(env: Environment, ext: str) -> Environment:
    env.globals.update(
        decision_label=decision_label,
        status_label=status_label,
        percent=format_percent,
        ext=ext,
    )
    env.filters["date"] = format_date
    return env


def html_environment() -> Environment:
    """The HTML templates, autoescaped."""
    env = Environment(
        loader=PackageLoader("iamspec.livingdoc", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates ship with the package: no mtime check per page
    )
    return _common(env, "html")


def markdown_environment() -> Environment:
    """The Markdown templates: every output escaped by :func:`md_escape` unless marked safe."""
    env = Environment(
        loader=PackageLoader("iamspec.livingdoc", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        auto_reload=False,  # templates ship with the package: no mtime check per page
        finalize=md_escape,
    )
    env.filters.update(
        cell=md_cell,
        code=md_code,
        icode=md_inline_code,
        ccode=md_cell_code,
        anchor=md_anchor,
        url=md_url,
        raw=MdSafe,
    )
    return _common(env, "md")


def _pages(site: Site, fmt: str) -> list[tuple[str, str, dict[str, Any]]]:
    """(template stem, output stem, extra context) of every page of the format ``fmt`` (the
    search page is HTML's only: Markdown has no script to filter it, and a code host
    searches a repository itself)."""
    pages: list[tuple[str, str, dict[str, Any]]] = [
        ("index", "index", {}),
        ("coverage", "coverage", {}),
        ("errata", "errata", {}),
    ]
    if fmt == "html":
        pages.append(("search", "search", {}))
    if site.drift_view is not None:
        pages.append(("drift", site.drift_view.page, {"drift": site.drift_view}))
    pages += [
        ("principals", "principals", {}),
        ("actions", "actions", {}),
        ("resource-kinds", "resource-kinds", {}),
    ]
    pages += [("principal", p.page, {"principal": p}) for p in site.access.principals]
    pages += [("action", a.page, {"action": a}) for a in site.access.actions]
    pages += [("resource-kind", k.page, {"kind": k}) for k in site.access.kinds]
    pages += [("feature", feature.page, {"feature": feature}) for feature in site.features]
    pages += [
        ("policy", policy.page, {"policy": policy, "pc": pc})
        for policy, pc in zip(site.policies, site.coverage.policies, strict=True)
    ]
    return pages


def state_banner(run: RunRecord) -> str | None:
    """What every page's header says about a run that did not complete (None: it did).

    An interrupted run's pages show only the scenarios that ran: the banner says how many,
    and that the others did not run and are counted nowhere, passed least of all.
    """
    if run.complete:
        return None
    ran = len(run.scenarios)
    if run.state == "running":
        return (
            f"Run state: running. This run started {format_date(run.started_at)} and had not "
            f"finished when these pages were written (or it was killed): {ran} of the "
            "scenarios ran; the others did not run. Nothing here is the whole specification."
        )
    return (
        f"Run state: {run.describe_state()}. This run did not complete: {ran} of the "
        "scenarios ran; the others did not run and are not counted, as passed or otherwise. "
        "Nothing here is the whole specification."
    )


def _banner_markdown(text: str) -> str:
    return f"> ⚠ **{md_escape(text)}**\n\n"


_PAGE_SUFFIXES = (".html", ".md", ".css", ".js")


def site_folder_problems(out: Path) -> list[str]:
    """Why the site cannot be written into ``out``, checked before a run starts ([] if it can).

    ``out`` must be a folder (or absent) and not a symbolic link, and no page-like file in it
    (``*.html``, ``*.md``, ``*.css``) may be a link or anything but a regular file: a page
    would replace it, and iamspec never writes through a link.
    """
    problem = output_folder_problem(out)
    if problem is not None:
        return [f"{out}: {problem}"]
    if not out.is_dir():
        return []
    problems = []
    for entry in sorted(out.iterdir()):
        if entry.name.endswith(_PAGE_SUFFIXES):
            found = output_file_problem(entry)
            if found is not None:
                problems.append(f"{entry}: {found}")
    return problems


class WrittenFiles(list[Path]):
    """The files :func:`write_site` wrote, in order; ``replaced`` those that existed before."""

    def __init__(self, written: list[Path], replaced: list[Path]) -> None:
        super().__init__(written)
        self.replaced = list(replaced)


def write_site(site: Site, out: Path, fmt: str = "html") -> WrittenFiles:
    """Write every page of ``site`` into ``out`` (created); return the files written.

    ``fmt`` is ``html`` (pages and ``style.css``) or ``markdown``; a run that did not complete
    says so at the top of every page (:func:`state_banner`), and the folder's
    :data:`~iamspec.records.state.SITE_STATE_FILE` records the run's state and the pages
    written. Every page is rendered before any is written, then each is written under a
    temporary name in ``out`` and renamed over its target (:func:`iamspec.files.write_file`),
    as valid UTF-8 (a lone surrogate a results file spelt ``\\ud800`` is written as that
    escape). ``out`` must not be a symbolic link, nor any
    page it replaces: the site is never written through a link to a file elsewhere. Existing
    files of the same names are replaced (the result's ``replaced`` names them); others are
    left alone (a ``drift`` page from an earlier ``--compare-local`` run too: nothing links to
    it any more, and a file of that name may be the reader's own).

    Raises UnsafePathError (:mod:`iamspec.files`) for a folder or page that cannot be written
    safely; nothing is written when the folder is refused.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    ext = _EXTENSIONS[fmt]
    env = html_environment() if fmt == "html" else markdown_environment()
    render: Callable[..., str]
    banner = state_banner(site.meta.record)
    pages: list[tuple[str, str | bytes]] = []
    for template, stem, extra in _pages(site, fmt):
        render = env.get_template(f"{template}.{ext}.j2").render
        page = render(site=site, run_state=banner, **extra)
        if banner is not None and fmt == "markdown":  # every page says so, first
            page = _banner_markdown(banner) + page
        pages.append((f"{stem}.{ext}", page))
    if fmt == "html":
        for name in ("style.css", "search.js"):
            data = files("iamspec.livingdoc").joinpath("templates", name).read_bytes()
            pages.append((name, data))
    folder = output_folder(out)
    for name, _content in pages:  # refuse before writing anything, not halfway through
        problem = output_file_problem(folder / name)
        if problem is not None:
            raise UnsafePathError(str(folder / name), problem)
    written: list[Path] = []
    replaced: list[Path] = []
    for name, content in pages:
        path = folder / name
        if write_file(path, content):
            replaced.append(path)
        written.append(path)
    _write_state(folder, site.meta.record, [p.name for p in written])
    return WrittenFiles(written, replaced)


def _write_state(folder: Path, run: RunRecord, names: list[str], running: bool = False) -> None:
    """The folder's :data:`~iamspec.records.state.SITE_STATE_FILE`: which run wrote which
    pages, and how it ended (what the nightly workflow checks)."""
    state = {
        "state": "running" if running else run.state,
        "signal": None if running else run.signal,
        "state_reason": None if running else run.state_reason,
        "started_at": run.started_at,
        "finished_at": None if running else run.finished_at,
        "files": names,
    }
    write_file(folder / SITE_STATE_FILE, json.dumps(state, indent=2) + "\n")


def _earlier_pages(folder: Path) -> list[str]:
    """The pages the previous run's state file lists (plain names of page-like files)."""
    try:
        text = read_inside(folder, SITE_STATE_FILE, limit=1 << 20)
        names = json.loads(text).get("files", [])
    except (UnsafePathError, ValueError, AttributeError):
        return []
    if not isinstance(names, list):
        return []
    return [
        n
        for n in names
        if isinstance(n, str) and "/" not in n and "\\" not in n and n.endswith(_PAGE_SUFFIXES)
    ]


def start_site(out: Path, fmt: str, run: RunRecord) -> list[Path]:
    """Mark ``out`` as being written by ``run`` before its first scenario; return the files of
    an earlier site this removed.

    The pages the previous run listed in its state file are removed, and a lone index page
    says the run is running (or, if it is still there later, did not finish), with the state
    file saying ``running``: a run killed outright leaves that, never the pages of an earlier
    run passing for this one's. Raises UnsafePathError.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of {', '.join(FORMATS)}")
    folder = output_folder(out)
    removed: list[Path] = []
    for name in _earlier_pages(folder):
        path = folder / name
        if path.is_symlink() or path.is_file():
            path.unlink()
            removed.append(path)
    index = folder / f"index.{_EXTENSIONS[fmt]}"
    if index.exists() and index not in removed:
        removed.append(index)
    started = format_date(run.started_at)
    message = (
        f"A run started {started} is writing this site. It is running, or it did not finish "
        "(the process was killed): nothing here is a result of it."
    )
    if fmt == "html":
        page = (
            '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
            "<title>Run state: running · iamspec access rules</title>\n</head>\n<body>\n"
            f'<header class="site"><p class="run-state" role="alert">Run state: running. '
            f"{html.escape(message)}</p></header>\n</body>\n</html>\n"
        )
    else:
        page = _banner_markdown(f"Run state: running. {message}")
    write_file(index, page)
    _write_state(folder, run, [index.name], running=True)
    return removed
