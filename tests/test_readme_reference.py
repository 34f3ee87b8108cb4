"""The README's reference sections, checked against the code they describe.

"Pytest options" against the options iamspec's pytest plugins register (every plugin of the
``pytest11`` entry points of the iamspec distribution: the harness and the living docs, their
``pytest_addoption`` hooks run against a recording parser): every option is named, with its
metavar or its choices, and every option the section names exists (an iamspec option, or
one of pytest's own such as ``--deselect``).

"Command line" against ``iamspec.cli.build_parser()`` as it is at run time: every command has
a usage line, every usage line names a command, and each line shows exactly the command's
options (with their metavar or choices, in brackets when optional) and its positional
arguments; an option or ``iamspec COMMAND`` the prose names must exist.

Each checker returns the problems it finds; the tests at the end show that a README that has
drifted (an option missing, one invented, stale choices) is caught.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from iamspec.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"

LONG_OPTION = re.compile(r"(?<![\w-])--[a-z][a-z0-9-]*")
CODE_SPAN = re.compile(r"`([^`]+)`")


def readme_section(title: str, text: str | None = None) -> str:
    """The text of the README's ``## title`` section, up to the next ``## `` heading."""
    text = README.read_text(encoding="utf-8") if text is None else text
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.M | re.S)
    assert found is not None, f"README.md has no section '## {title}'"
    return found[1]


# -- the pytest plugins' options -----------------------------------------------------------


@dataclass
class RecordingParser:
    """Stands in for pytest's ``Parser``: records every ``addoption`` of a plugin's
    ``pytest_addoption``. A hook that calls anything else fails here loudly."""

    options: dict[str, dict[str, Any]] = field(default_factory=dict)

    def getgroup(self, name: str, description: str = "", after: str | None = None) -> Any:
        return self

    def addoption(self, *names: str, **attrs: Any) -> None:
        for name in names:
            if name.startswith("--"):
                self.options[name] = attrs


def iamspec_plugin_options() -> dict[str, dict[str, Any]]:
    """Every option the iamspec distribution's pytest plugins register, with its attributes."""
    plugins = [
        entry
        for entry in importlib.metadata.entry_points(group="pytest11")
        if entry.dist is not None and entry.dist.name == "iamspec"
    ]
    assert {entry.name for entry in plugins} >= {"iamspec", "iamspec_livingdoc"}
    parser = RecordingParser()
    for entry in plugins:
        hook = getattr(entry.load(), "pytest_addoption", None)
        if hook is not None:
            hook(parser)
    return parser.options


def _value_forms(attrs: dict[str, Any]) -> str | set[str] | None:
    """What the README must show after the option: its choices (as a set), its metavar, or
    nothing for a flag."""
    if attrs.get("choices"):
        return set(attrs["choices"])
    if attrs.get("action") in ("store_true", "store_false", "count", "version", "help"):
        return None
    return str(attrs.get("metavar") or "")


def _spans_by_option(section: str) -> dict[str, list[str | None]]:
    """``--option VALUE`` / ``--option=VALUE`` / ``--option`` code spans: the values shown."""
    found: dict[str, list[str | None]] = {}
    for span in CODE_SPAN.findall(section):
        words = " ".join(span.split())
        match = re.fullmatch(r"(--[a-z][a-z0-9-]*)(?:[ =](\S+))?", words)
        if match:
            found.setdefault(match[1], []).append(match[2])
    return found


def pytest_option_problems(
    section: str, registered: dict[str, dict[str, Any]], pytest_knows: Any
) -> list[str]:
    problems = []
    shown = _spans_by_option(section)
    for option, attrs in sorted(registered.items()):
        wanted = _value_forms(attrs)
        values = shown.get(option)
        if values is None:
            problems.append(f"{option} is not named in the README's 'Pytest options'")
        elif isinstance(wanted, set):
            if not any(v is not None and set(v.split("|")) == wanted for v in values):
                choices = "|".join(sorted(wanted))
                problems.append(f"{option} is not shown with its choices {choices}")
        elif wanted is None:
            if None not in values:
                problems.append(f"{option} is a flag but is shown with a value")
        elif wanted not in values:
            problems.append(f"{option} is not shown with its metavar {wanted}")
    for option in dict.fromkeys(LONG_OPTION.findall(section)):
        if option not in registered and not pytest_knows(option):
            problems.append(f"{option}: the README names an option that does not exist")
    return problems


def _pytest_knows(config: pytest.Config) -> Any:
    """Whether the running pytest has an option (argparse's default dest of a long option)."""

    def knows(option: str) -> bool:
        try:
            config.getoption(option[2:].replace("-", "_"))
        except ValueError:
            return False
        return True

    return knows


# -- the command line ----------------------------------------------------------------------


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (sub,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return dict(sub.choices)


def _own_actions(parser: argparse.ArgumentParser) -> list[argparse.Action]:
    return [
        a
        for a in parser._actions
        if not isinstance(a, (argparse._HelpAction, argparse._SubParsersAction))
    ]


def _long_name(action: argparse.Action) -> str | None:
    return next((s for s in action.option_strings if s.startswith("--")), None)


def usage_lines(section: str) -> list[str]:
    """The indented usage block of the section, continuation lines (``\\``) joined."""
    block = re.search(r"^(?:    .*\S.*\n)+", section, re.M)
    assert block is not None, "the 'Command line' section shows no indented usage lines"
    joined = re.sub(r"\\\n\s*", " ", block[0])
    return [" ".join(line.split()) for line in joined.splitlines() if line.strip()]


def _depth_at(text: str, position: int) -> int:
    return text.count("[", 0, position) - text.count("]", 0, position)


def _usage_problems(command: str, line: str, parser: argparse.ArgumentParser) -> list[str]:
    problems = []
    where = f"'iamspec {command}'"
    actions = _own_actions(parser)
    named = {_long_name(a) for a in actions} - {None}
    shown = set(LONG_OPTION.findall(line))
    problems += [f"{where}: {o} is missing from its usage line" for o in sorted(named - shown)]
    problems += [f"{where}: {o} is not an option of the command" for o in sorted(shown - named)]
    for action in actions:
        option = _long_name(action)
        if option is None:  # a positional argument: its metavar, bracketed when optional
            metavar = str(action.metavar or action.dest)
            found = re.search(rf"(?<![\w-]){re.escape(metavar)}(?![\w-])", line)
            if found is None:
                problems.append(f"{where}: the argument {metavar} is missing")
            elif (_depth_at(line, found.start()) > 0) != (action.nargs in ("?", "*")):
                problems.append(f"{where}: {metavar} is bracketed wrongly (optional or not)")
            continue
        found = re.search(rf"(?<![\w-]){re.escape(option)}(?![\w-])(?:[ =](\S+))?", line)
        if found is None:
            continue
        optional = not action.required
        if (_depth_at(line, found.start()) > 0) != optional:
            problems.append(f"{where}: {option} is bracketed wrongly (required is {not optional})")
        value = found[1] or ""
        while value.endswith("]") and value.count("]") > value.count("["):
            value = value[:-1]  # the bracket that closes the optional group
        value = value.removesuffix("...")
        value = "" if value.startswith("-") else value
        if action.choices:
            if set(value.split("|")) != set(map(str, action.choices)):
                choices = "|".join(map(str, action.choices))
                problems.append(f"{where}: {option} is not shown with its choices {choices}")
        elif action.nargs == 0:
            if value:
                problems.append(f"{where}: {option} is a flag but is shown with {value}")
        elif value != (action.metavar or action.dest.upper()):
            problems.append(f"{where}: {option} is not shown with its metavar {action.metavar}")
    return problems


def command_line_problems(section: str, parser: argparse.ArgumentParser) -> list[str]:
    problems = []
    commands = _subcommands(parser)
    documented: set[str] = set()
    top = {_long_name(a) for a in _own_actions(parser)} - {None}
    for line in usage_lines(section):
        match = re.fullmatch(r"iamspec (\S+)(.*)", line)
        if match is None:
            problems.append(f"{line!r} is not an 'iamspec ...' usage line")
            continue
        word = match[1]
        if word.startswith("-"):
            if word not in top:
                problems.append(f"'iamspec {word}': not an option of iamspec")
            documented.add(word)
        elif word not in commands:
            problems.append(f"'iamspec {word}': iamspec has no such command")
        else:
            documented.add(word)
            problems += _usage_problems(word, match[2], commands[word])
    problems += [f"'iamspec {c}' has no usage line" for c in sorted(set(commands) - documented)]
    problems += [f"'iamspec {o}' has no usage line" for o in sorted(top - documented)]
    every_option = top | {"--help"}
    for command in commands.values():
        every_option |= {_long_name(a) for a in _own_actions(command)} - {None}
    for option in dict.fromkeys(LONG_OPTION.findall(section)):
        if option not in every_option:
            problems.append(f"{option}: the section names an option no command has")
    for word in dict.fromkeys(re.findall(r"`iamspec ([a-z][a-z-]*)", section)):
        if word not in commands:
            problems.append(f"'iamspec {word}': the section names a command that does not exist")
    return problems


# -- the README as it is ---------------------------------------------------------------------


def test_the_readme_names_every_pytest_option_of_the_plugins_and_no_other(pytestconfig):
    registered = iamspec_plugin_options()
    assert {"--iam-backend", "--living-docs"} <= set(registered)
    problems = pytest_option_problems(
        readme_section("Pytest options"), registered, _pytest_knows(pytestconfig)
    )
    assert not problems, "README.md, 'Pytest options':\n" + "\n".join(problems)


def test_the_readme_shows_every_command_and_its_options_as_the_parser_has_them():
    parser = build_parser()
    assert {"simulate", "lint", "docs", "init"} <= set(_subcommands(parser))
    problems = command_line_problems(readme_section("Command line"), parser)
    assert not problems, "README.md, 'Command line':\n" + "\n".join(problems)


# -- the checkers catch a README that has drifted --------------------------------------------


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("`--compare-local`, ", "", "--compare-local is not named"),
        ("`--iam-max-calls N`", "`--iam-max-calls`", "--iam-max-calls is not shown with its"),
        ("html|markdown`", "html|pdf`", "--living-docs-format is not shown with its choices"),
        ("`--compare-local`", "`--compare-local`, `--iam-colour`", "--iam-colour: the README"),
    ],
)
def test_a_drifted_pytest_option_list_is_caught(pytestconfig, old, new, problem):
    section = readme_section("Pytest options")
    assert old in section
    problems = pytest_option_problems(
        section.replace(old, new, 1), iamspec_plugin_options(), _pytest_knows(pytestconfig)
    )
    assert any(p.startswith(problem) for p in problems), problems


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ("    iamspec init [DIR]\n", "", "'iamspec init' has no usage line"),
        (" [--json]", "", "'iamspec simulate': --json is missing"),
        (" [--json]", " [--json] [--yaml]", "'iamspec simulate': --yaml is not an option"),
        ("[--format html|markdown]", "[--format html]", "'iamspec docs': --format is not shown"),
        ("--results FILE", "[--results FILE]", "'iamspec docs': --results is bracketed wrongly"),
        ("iamspec init [DIR]", "iamspec init DIR", "'iamspec init': DIR is bracketed wrongly"),
        (
            "    iamspec --version\n",
            "    iamspec --version\n    iamspec frobnicate X\n",
            "'iamspec frobnicate': iamspec has no such command",
        ),
        ("`iamspec COMMAND --help`", "`iamspec explain`", "'iamspec explain': the section"),
    ],
)
def test_a_drifted_command_line_section_is_caught(old, new, problem):
    section = readme_section("Command line")
    assert old in section
    problems = command_line_problems(section.replace(old, new, 1), build_parser())
    assert any(p.startswith(problem) for p in problems), problems
