"""Glob benchmark: the worst wildcard cases at AWS's lengths, linear matcher vs the old regex.

Run from the repository root::

    PYTHONPATH=src python benchmarks/glob.py                 # the matcher only
    PYTHONPATH=src python benchmarks/glob.py --before        # also the old regex, bounded
    PYTHONPATH=src python benchmarks/glob.py --search 300    # plus random worst-case search

Lengths are AWS's: a pattern of at most 2,048 characters against an ARN of at most 2,048
(ResourceArns, the model's ``ResourceNameType``) and a context value of at most 10,000.
Cases: the three of issue 14 (``arn:aws:s3:::*a*a*a*a*a*a*b`` against a 2,000-character
object ARN, ``*-*-*-*-*/*.json``, a four-star StringLike against 5,000 characters), then
adversarial ones built to defeat each path of :mod:`iamspec.wildcards` (many stars, ``?``
segments found by the shift-and scan, segment-bound wildcards in the automaton, ArnLike's
six parts) at the full lengths. Each case reports the best of ``--repeat`` runs of the
matcher (compilation included) and, with ``--before``, the regex translation iamspec used
until then, stopped after ``--timeout`` seconds in a child process. ``--search N`` also tries
N random patterns/texts over ``a``, ``b``, ``*``, ``?`` at the limits and prints the slowest
three. The target is below 5 ms for every case; exit 1 when one misses it.
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import re
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass

from iamspec.engine.conditions import arn as arn_family
from iamspec.engine.context import RequestContext
from iamspec.engine.matching import compile_resource_pattern
from iamspec.engine.variables import Piece
from iamspec.wildcards import compile_glob

TARGET_MS = 5.0
ARN_MAX = 2048
PATTERN_MAX = 2048
CONTEXT_MAX = 10_000


@dataclass(frozen=True)
class Case:
    name: str
    kind: str  # "glob" (StringLike/Action), "resource" (Resource element), "arn" (ArnLike)
    pattern: str
    text: str


def _fit(head: str, unit: str, tail: str, limit: int) -> str:
    """``head`` + as many ``unit`` as fit + ``tail`` within ``limit`` characters."""
    return head + unit * ((limit - len(head) - len(tail)) // len(unit)) + tail


CASES = [
    Case(
        "issue 14: Resource *a*a*a*a*a*a*b vs 2,000-char object ARN",
        "resource",
        "arn:aws:s3:::*a*a*a*a*a*a*b",
        "arn:aws:s3:::" + "a" * 2000,
    ),
    Case(
        "issue 14: Resource *-*-*-*-*/*.json vs 2,048-char ARN",
        "resource",
        "arn:aws:s3:::bucket/*-*-*-*-*/*.json",
        _fit("arn:aws:s3:::bucket/", "-", "", ARN_MAX),
    ),
    Case(
        "issue 14: StringLike *a*a*a*b (four stars) vs 5,000 chars", "glob", "*a*a*a*b", "a" * 5000
    ),
    Case(
        "1,024 stars (*a*a...*b) vs 2,048 chars",
        "glob",
        _fit("*", "a*", "b", PATTERN_MAX),
        "a" * ARN_MAX,
    ),
    Case(
        "1,024 stars (*a*a...*b) vs 10,000-char context value",
        "glob",
        _fit("*", "a*", "b", PATTERN_MAX),
        "a" * CONTEXT_MAX,
    ),
    Case(
        "one 2,046-char segment of a? (shift-and) vs 10,000 chars",
        "glob",
        _fit("*", "a?", "*b", PATTERN_MAX),
        "a" * CONTEXT_MAX,
    ),
    Case(
        "1,023 ?-segments (*?*?...) vs 10,000 chars",
        "glob",
        _fit("*", "?a*", "b", PATTERN_MAX),
        "a" * CONTEXT_MAX,
    ),
    Case(
        "long literal segment near-miss (*aaa...ab*) vs 10,000 chars",
        "glob",
        _fit("*", "a", "b*", PATTERN_MAX),
        "a" * CONTEXT_MAX,
    ),
    Case(
        "Resource: 1,000 mid-segment stars (automaton) vs 2,048-char ARN",
        "resource",
        _fit("arn:aws:s3:", "a*", "b:*:*:x", PATTERN_MAX),
        _fit("arn:aws:s3:", "a", ":r:1:x", ARN_MAX),
    ),
    Case(
        "Resource: ? in a segment and crossing stars (automaton) vs 2,048-char ARN",
        "resource",
        _fit("arn:aws:*:?:*:", "*a", "b", PATTERN_MAX),
        _fit("arn:aws:s3:", "a:", "a", ARN_MAX),
    ),
    Case(
        "ArnLike: 1,000 stars in the resource part vs 10,000-char value",
        "arn",
        _fit("arn:aws:s3:*:*:", "*a", "b", PATTERN_MAX),
        _fit("arn:aws:s3:r:1:", "a", "", CONTEXT_MAX),
    ),
]


# -- the matcher under test ------------------------------------------------------------------


def _matcher(case: Case) -> Callable[[], bool]:
    if case.kind == "glob":
        return lambda: compile_glob.__wrapped__(case.pattern).matches(case.text)
    if case.kind == "resource":
        context = RequestContext()
        return lambda: compile_resource_pattern(case.pattern, variables_enabled=False).match(
            case.text, context
        )[0]
    pieces = (Piece(case.pattern, True),)
    return lambda: arn_family.matches(arn_family.parse_value.__wrapped__(pieces), case.text)


def _time(run: Callable[[], bool], repeat: int) -> tuple[float, bool]:
    best, result = float("inf"), False
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best * 1000, result


# -- the old regex translation, for --before -------------------------------------------------


def _old_glob(text: str) -> str:
    return "".join(".*" if c == "*" else "." if c == "?" else re.escape(c) for c in text)


def _old_segment(segment: str) -> str:
    out = []
    for i, c in enumerate(segment):
        if c == "*":
            out.append(".*" if i == len(segment) - 1 else "[^:]*")
        elif c == "?":
            out.append("[^:]")
        else:
            out.append(re.escape(c))
    return "".join(out)


def _old_regex(case: Case) -> str:
    if case.kind == "glob":
        return _old_glob(case.pattern)
    segments = case.pattern.split(":", 5)
    if case.kind == "resource":
        return ":".join(_old_segment(s) for s in segments[:5]) + ":" + _old_glob(segments[5])
    parts = [_old_segment(s).replace(".*", "[^:]*") for s in segments[:5]]
    return ":".join([*parts, _old_glob(segments[5])])


def _old_match(regex: str, text: str, out: multiprocessing.queues.Queue[float]) -> None:
    start = time.perf_counter()
    re.fullmatch(regex, text, re.DOTALL)
    out.put((time.perf_counter() - start) * 1000)


def _time_old(case: Case, timeout: float) -> str:
    queue: multiprocessing.queues.Queue[float] = multiprocessing.Queue()
    child = multiprocessing.Process(target=_old_match, args=(_old_regex(case), case.text, queue))
    child.start()
    child.join(timeout)
    if child.is_alive():
        child.kill()
        child.join()
        return f"> {timeout:.0f} s (stopped)"
    return f"{queue.get():,.1f} ms"


# -- random search ---------------------------------------------------------------------------


def _search(n: int, repeat: int, seed: int) -> list[tuple[float, Case]]:
    rng = random.Random(seed)
    found = []
    for i in range(n):
        plen = rng.choice((64, 512, PATTERN_MAX))
        density = rng.random()
        pattern = "".join(
            rng.choice("*?") if rng.random() < density else rng.choice("ab") for _ in range(plen)
        )
        tlen = rng.choice((ARN_MAX, CONTEXT_MAX))
        text = "".join(rng.choice("aaab") for _ in range(tlen))
        case = Case(f"random #{i}: {plen}-char pattern vs {tlen} chars", "glob", pattern, text)
        found.append((_time(_matcher(case), repeat)[0], case))
    found.sort(key=lambda item: -item[0])
    return found[:3]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", action="store_true", help="also time the old regex")
    parser.add_argument("--timeout", type=float, default=10.0, help="bound on each old regex")
    parser.add_argument("--repeat", type=int, default=5, help="best of N runs per case")
    parser.add_argument("--search", type=int, default=0, metavar="N", help="N random cases")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args(argv)
    print(f"target: < {TARGET_MS} ms per case (pattern <= {PATTERN_MAX} chars)")
    worst = 0.0
    for case in CASES:
        ms, matched = _time(_matcher(case), args.repeat)
        worst = max(worst, ms)
        line = f"{case.name:<72} p={len(case.pattern):>5} t={len(case.text):>6}  {ms:7.3f} ms"
        line += f"  {'match' if matched else 'no match'}"
        if args.before:
            line += f"   regex: {_time_old(case, args.timeout)}"
        print(line)
    if args.search:
        print(f"slowest of {args.search} random cases (seed {args.seed}):")
        for ms, case in _search(args.search, args.repeat, args.seed):
            worst = max(worst, ms)
            print(f"  {case.name:<70} {ms:7.3f} ms  pattern starts {case.pattern[:24]!r}")
    print(f"worst: {worst:.3f} ms")
    return 0 if worst < TARGET_MS else 1


if __name__ == "__main__":
    sys.exit(main())
