"""The building blocks against Python, exhaustively where the space is small.

z3 string literals round-trip every character; the lower-casing preimage equals
``str.lower`` over all of z3's alphabet; the base64 languages equal the engine's decoder on
every short string; predicates' formulas equal their concrete readings; a counterexample's
numbers keep their order relations to the policies' constants.
"""

import itertools
import unicodedata
from decimal import Decimal
from fractions import Fraction

import pytest
import z3

from iamspec.engine.conditions import binary
from iamspec.symbolic import charsets, smt
from iamspec.symbolic.concrete import ConcreteEntry, ConcreteRequest, instant_text, representative
from iamspec.symbolic.families import _base64_valid, _decodes_to
from iamspec.symbolic.keys import KeySpec, Representation, ValueDomain
from iamspec.symbolic.predicates import (
    action_matches,
    context_key,
    literal,
    owned_by_instance,
    principal_tag,
    request_tag,
    resource_arn,
    resource_tag,
)
from iamspec.symbolic.request import SymbolicRequest
from iamspec.symbolic.universe import build_universe
from iamspec.symbolic.unsupported import CANNOT_PROVE


def _member(text: str, language) -> bool:
    solver = z3.Solver()
    solver.add(z3.InRe(smt.text(text), language))
    return solver.check() == z3.sat


@pytest.mark.parametrize(
    "text",
    ["", "plain", "\\", "a\\u{41}b", "\\u{5c}", "\x00\x7f\n\t", "é ÿ Ā K \U0002ffff", '"quoted"'],
)
def test_string_literals_round_trip(text):
    term = z3.String("t")
    solver = z3.Solver()
    solver.add(term == smt.text(text))
    assert solver.check() == z3.sat
    assert smt.model_text(solver.model(), term) == text
    assert z3.simplify(z3.Length(smt.text(text))).as_long() == len(text)


def test_characters_beyond_the_alphabet_are_refused():
    with pytest.raises(ValueError, match="beyond"):
        smt.text("\U00030000")


def test_chars_except_and_in_ranges():
    assert _member("a", smt.chars_except(":/"))
    assert not _member(":", smt.chars_except(":/"))
    x = z3.Int("x")
    solver = z3.Solver()
    solver.add(smt.in_ranges(x, [1, 2, 3, 7]), x > 3)
    assert solver.check() == z3.sat
    assert solver.model()[x].as_long() == 7


def test_lower_case_preimage_equals_python_for_every_character():
    """For each Latin-1 target character, the characters whose lower() is it: z3's class and
    Python agree on all of z3's alphabet (the tables are built from str.lower itself)."""
    for target in "aksi\u00e5\u00ff\u00df":
        language = charsets.ignore_case_regex(target)
        expected = {c for c in map(chr, range(smt.MAX_CODE_POINT + 1)) if c.lower() == target}
        assert expected
        for char in expected:
            assert _member(char, language), (target, char)
        for char in (
            "X",
            "\u0130",
            "\u03a3",
            target.upper() if target.upper() not in expected else "Q",
        ):
            assert _member(char, language) is (char.lower() == target)


def test_ignore_case_handles_the_two_character_lowering():
    assert _member("\u0130", charsets.ignore_case_regex("i\u0307"))
    assert _member("I\u0307", charsets.ignore_case_regex("i\u0307"))
    with pytest.raises(ValueError, match="sigma"):
        charsets.ignore_case_regex("\u03c3")


def test_no_character_beyond_z3s_alphabet_lowers_into_policy_text():
    """The argument of charsets' docstring: characters above U+2FFFF have no case mapping,
    and every character above U+00FF that lowers into Latin-1 is a letter or number."""
    for code in range(smt.MAX_CODE_POINT + 1, 0x110000):
        assert chr(code).lower() == chr(code)
    for code in range(0x100, smt.MAX_CODE_POINT + 1):
        char = chr(code)
        if any(ord(c) <= 0xFF for c in char.lower()):
            assert unicodedata.category(char)[0] in "LN", hex(code)


def test_tag_characters_follow_the_tag_rules_in_latin1():
    """IAM API Reference, Tag: [\\p{L}\\p{Z}\\p{N}_.:/=+\\-@]."""
    for code in range(0x100):
        char = chr(code)
        assert _member(char, charsets.tag_char()) is charsets.is_tag_char(char), hex(code)
    assert _member("\u4e2d", charsets.tag_char())


def test_tag_safe_renames_consistently():
    renamed = charsets.tag_safe({"a": ("x\u20acy",), "b": ("\u20ac", "\u4e00")})
    euro = renamed["b"][0]
    assert euro != "\u20ac"
    assert charsets.is_tag_char(euro)
    assert renamed["a"] == (f"x{euro}y",)
    assert renamed["b"][1] == "\u4e00"
    assert euro != "\u4e00"


BASE64_ALPHABET = "AQ="


def _in(text: str, language) -> bool:
    return z3.is_true(z3.simplify(z3.InRe(smt.text(text), language)))


def test_base64_languages_equal_the_engines_decoder_on_short_strings():
    """Every string of up to 7 characters over a probing alphabet (A and Q differ in one
    bit, so trailing-bit variants occur, and '=' pads): accepted exactly when the engine's
    decoder accepts it, and in decodes_to(b) exactly when it decodes to b."""
    payloads = [b"", b"\x00", b"\x01", b"\x00\x10", b"\x00\x00\x00"]
    languages = {p: _decodes_to(p) for p in payloads}
    valid = _base64_valid()
    for length in range(8):
        for chars in itertools.product(BASE64_ALPHABET, repeat=length):
            text = "".join(chars)
            try:
                decoded = binary.parse_request(text)
            except ValueError:
                decoded = None
            assert _in(text, valid) is (decoded is not None), text
            for payload, language in languages.items():
                assert _in(text, language) is (decoded == payload), (text, payload)


def test_representative_numbers_keep_their_order():
    constants = [Decimal("10"), Decimal("11")]
    assert representative(Fraction(31, 3), constants) == Decimal("10.3")
    assert representative(Fraction(10), constants) == Decimal("10")
    assert representative(Fraction(-1, 3), constants) == Decimal("0")
    between = representative(Fraction(1, 3), [Decimal("0.3333"), Decimal("0.3334")])
    assert Decimal("0.3333") < between < Decimal("0.3334")
    assert instant_text(Decimal("1704067200")) == "2024-01-01T00:00:00Z"
    assert instant_text(Decimal("1704067200.25")) == "2024-01-01T00:00:00.25Z"


def _request(context):
    return ConcreteRequest(
        "connect:DescribeUser",
        "arn:aws:connect:us-east-1:111122223333:instance/i1/agent/u1",
        tuple(ConcreteEntry(k, v, "string") for k, v in context.items()),
    )


def _spec(name, multivalued=False):
    return KeySpec(
        name=name,
        lowered=name.lower(),
        multivalued=multivalued,
        representation=Representation.TEXT,
        capacity=3 if multivalued else 1,
        catalog_type=None,
        domain=ValueDomain.ANY,
        typed=False,
    )


PREDICATES = [
    resource_tag("Team").equals("A"),
    resource_tag("Team").equals(principal_tag("Team")),
    request_tag("Owner").equals("TeamA"),
    owned_by_instance("arn:aws:connect:us-east-1:111122223333:instance/i1"),
    resource_arn().ends_with(literal("/agent/") + context_key("aws:username")),
    resource_arn().starts_with("arn:aws:connect:"),
    resource_tag("Team").like("A*"),
    resource_tag("Team").is_present(),
    resource_tag("Team").is_absent(),
    context_key("aws:TagKeys").has_value("Owner"),
    action_matches("connect:Describe*") & ~resource_tag("Team").equals("B"),
    action_matches("s3:*") | principal_tag("Team").equals("A"),
]
CONTEXTS = [
    {},
    {"aws:ResourceTag/Team": ("A",), "aws:PrincipalTag/Team": ("A",)},
    {"aws:ResourceTag/Team": ("AB",), "aws:PrincipalTag/Team": ("B",)},
    {"aws:RequestTag/Owner": ("TeamA",), "aws:TagKeys": ("Owner", "x")},
    {"aws:ResourceTag/owner": ("arn:aws:connect:us-east-1:111122223333:instance/i1",)},
    {"aws:username": ("u1",), "aws:ResourceTag/Team": ("B",)},
]


@pytest.mark.parametrize("predicate", PREDICATES, ids=lambda p: p.describe())
def test_predicate_formula_equals_its_concrete_reading(predicate):
    universe = build_universe(__import__("iamspec").default_catalog(), ["connect:DescribeUser"])
    names = [
        "aws:ResourceTag/Team",
        "aws:PrincipalTag/Team",
        "aws:RequestTag/Owner",
        "aws:ResourceTag/owner",
        "aws:username",
    ]
    specs = {n.lower(): _spec(n) for n in names}
    specs["aws:tagkeys"] = _spec("aws:TagKeys", multivalued=True)
    request = SymbolicRequest(universe, specs)
    for context in CONTEXTS:
        concrete = _request(context)
        solver = z3.Solver()
        solver.add(*request.well_formed())
        solver.add(*request.fix(concrete.action, concrete.resource, context))
        assert solver.check() == z3.sat
        symbolic = z3.is_true(solver.model().eval(predicate.encode(request), True))
        assert symbolic is predicate.holds(concrete), context


def test_cannot_prove_list_names_each_construct_and_why():
    assert len(CANNOT_PROVE) >= 3
    for construct, reason in CANNOT_PROVE:
        assert construct
        assert len(reason) > 40
