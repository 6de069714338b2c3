"""Exact odds of the forms of issue #10 and of every dialect's readings, against brute force:
the real roller run on every sequence of faces it can draw."""

from __future__ import annotations

from fractions import Fraction

import pytest
from odds_support import enumerate_rolls

from nazh.dice.dialects import AVRAE
from nazh.dice.odds import distribution

CASES: list[tuple[str, str]] = [
    # custom faces, sorting, selectors
    ("2d[1,1,2,3]", "nazh"),
    ("3d[0,0,5]kh2", "nazh"),
    ("3d[-2,1,1,4]mi0", "nazh"),
    ("3d6s", "nazh"),
    ("3d6sd>=4", "nazh"),
    ("4d4even", "nazh"),
    ("4d4odd", "nazh"),
    ("3d4k<>2", "nazh"),
    ("3d4ro<>2", "nazh"),
    ("(1d6, 1d4, 2)k<>2", "nazh"),
    # explode once
    ("3d4xo", "nazh"),
    ("2d4xo>=3", "nazh"),
    ("2d[1,2,2]xo", "nazh"),
    ("3d4xokh2", "nazh"),
    # operators
    ("1d20%7", "nazh"),
    ("2d6%1d4", "nazh"),
    ("(1d6-4)%3", "nazh"),
    ("1d4^2", "nazh"),
    ("2^1d4-1d6", "nazh"),
    ("floor((1d4-2)^(1d3-2))", "nazh"),
    ("1d10//3", "nazh"),
    ("1d6*1d6%5", "nazh"),
    # functions and decimals
    ("floor(1d20/3)", "nazh"),
    ("ceil(1d10*0.3)", "nazh"),
    ("round(1d10*0.5)", "nazh"),
    ("round(1d10*-0.5)", "nazh"),
    ("abs(1d6-1d6)", "nazh"),
    ("max(1d6, 1d6)", "nazh"),
    ("min(1d8, 1d6, 4)", "nazh"),
    ("max(1d4, 1d4) + min(1d4, 1d4)", "nazh"),
    ("floor(1d6*1.5+0.25)", "nazh"),
    # computed counts and sides
    ("(1d4)d6", "nazh"),
    ("3d(1d4)", "nazh"),
    ("(1d3)d(1d4)", "nazh"),
    ("(1d3)d4kh1", "nazh"),
    ("(1d3-1)d6+1", "nazh"),
    ("(1d4)d(1d3-1)", "nazh"),
    ("(1d3)d4xo", "nazh"),
    # Roll20: inclusive comparisons, real division, dividend-signed remainder, round half up
    ("3d6>3", "roll20"),
    ("4d6<2", "roll20"),
    ("3d6ro<2", "roll20"),
    ("floor(2d6/4)", "roll20"),
    ("round(1d10/4)", "roll20"),
    ("round(-1d10/4)", "roll20"),
    ("(1d6-4)%3", "roll20"),
    # Avrae: tens d%, truncated totals, keep by face, comparisons
    ("1d%", "avrae"),
    ("2d%+1d10", "avrae"),
    ("1d20/3", "avrae"),
    ("-1d7/2", "avrae"),
    ("1d20/3*2", "avrae"),
    ("1d6//4-1d4", "avrae"),
    ("4d4k3", "avrae"),
    ("1d20+5>=15", "avrae"),
    ("1d6==1d6", "avrae"),
    ("round(1d10/4)", "avrae"),
    # Foundry: counting crits, real division, remainder sign
    ("3d6cs>4", "foundry"),
    ("4d6cs>=5cf1", "foundry"),
    ("floor(1d10/3)", "foundry"),
    ("(1d6-4)%3", "foundry"),
    # Dice Maiden: thresholds, spaced modifiers, remainder sign
    ("4d6 k3", "dicemaiden"),
    ("5d6 t5", "dicemaiden"),
    ("(1d6-4)%3", "dicemaiden"),
    # rpg-dice-roller
    ("3d6kh1", "rpg-dice-roller"),
    ("-1d6%4", "rpg-dice-roller"),
    ("round(1d10/4)", "rpg-dice-roller"),
    ("4d4dl1", "rpg-dice-roller"),
]


@pytest.mark.parametrize(("text", "dialect"), CASES, ids=[f"{d}:{t}" for t, d in CASES])
def test_matches_the_roller_on_every_sequence_of_faces(text: str, dialect: str) -> None:
    exact = distribution(text, dialect)
    brute = enumerate_rolls(text, dialect)
    assert dict(exact) == brute.totals
    assert exact.refused == brute.refused
    assert exact.truncated == 0


def test_a_leading_tag_overrides_the_dialect() -> None:
    assert dict(distribution("roll20: 3d6>3")) == dict(distribution("3d6>3", "roll20"))
    assert dict(distribution("3d6>3", "roll20")) != dict(distribution("3d6>3"))


def test_a_dialect_object_reads_like_its_name() -> None:
    assert dict(distribution("1d%", AVRAE)) == dict(distribution("1d%", "avrae"))


def test_repeated_nodes_are_independent_rolls() -> None:
    same = distribution("max(1d20, 1d20)")
    assert same[20] == 1 - (1 - Fraction(1, 20)) ** 2
