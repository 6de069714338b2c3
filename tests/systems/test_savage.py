"""Savage Worlds Adventure Edition trait rolls for a Wild Card.

Savage Worlds Adventure Edition, "Trait Rolls": the trait die against a target number of 4,
"every 4 points over the target number is a raise". "Aces": rolls are "open-ended": on the
highest number of a die "you get to roll that die again and add it to the total". "Wild Die":
Wild Cards roll a d6 with the trait die and use the higher; modifiers apply to both. "Critical
Failures": a 1 on both the trait die and the Wild Die is a critical failure, whatever the
modifiers (quotes abridged).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from systems_support import assert_close_to_enumeration, bind, chi_square_p, roll_scripted

from nazh.dice.systems.core import Mark
from nazh.dice.systems.savage import at_least


@pytest.mark.parametrize(
    ("call", "faces", "total", "outcome", "text"),
    [
        (
            "sw(8)",
            [5, 3],
            5,
            "success",
            "sw(d8) d8 (5) → 5, wild d6 (~~3~~) → 3 = `5` · **success**",
        ),
        (
            "sw(d8)",
            [8, 7, 2],
            15,
            "raise",
            "sw(d8) d8 (8!, 7) → 15, wild d6 (~~2~~) → 2 = `15` · **raise** (2 raises)",
        ),
        (
            "sw(d6, +1)",
            [1, 4],
            5,
            "success",
            "sw(d6, 1) d6 (~~1~~) → 1, wild d6 (4) → 4 + 1 = `5` · **success**",
        ),
        (
            "sw(4, +5)",
            [1, 1],
            6,
            "critical failure",
            "sw(d4, 5) d4 (**1**) → 1, wild d6 (**1**) → 1 + 5 = `6` · **critical failure**"
            " (snake eyes)",
        ),
        (
            "sw(10, -2, tn=6)",
            [3, 1],
            1,
            "failure",
            "sw(d10, -2, tn=6) d10 (3) → 3, wild d6 (~~1~~) → 1 - 2 = `1` · **failure**",
        ),
        (
            "sw(4)",
            [2, 6, 6, 1],
            13,
            "raise",
            "sw(d4) d4 (~~2~~) → 2, wild d6 (6!, 6!, 1) → 13 = `13` · **raise** (2 raises)",
        ),
        (
            "sw(12)",
            [8, 2],
            8,
            "raise",
            "sw(d12) d12 (8) → 8, wild d6 (~~2~~) → 2 = `8` · **raise**",
        ),
        (
            "sw(6)",
            [3, 3],
            3,
            "failure",
            "sw(d6) d6 (3) → 3, wild d6 (~~3~~) → 3 = `3` · **failure**",
        ),
    ],
)
def test_trait_rolls_by_hand(
    call: str, faces: list[int], total: int, outcome: str, text: str
) -> None:
    result = roll_scripted(call, faces)
    assert result.total == total
    assert result.outcome.name == outcome
    assert result.render() == text


def test_details_and_marks() -> None:
    result = roll_scripted("sw(d8)", [8, 7, 2])
    assert result.details == {"trait": 15, "wild": 2, "raises": 2}
    assert result.dice[0].marks == Mark.EXPLODED
    assert [die.kind for die in result.dice] == ["", "", "wild"]


@pytest.mark.parametrize("sides", [4, 6, 8, 12])
def test_acing_tail_in_closed_form(sides: int) -> None:
    # P(total = sides * k + r) = sides ** -(k + 1) for r from 1 to sides - 1
    for goal in range(-2, 4 * sides):
        direct = sum(
            (
                Fraction(1, sides ** (aces + 1))
                for aces in range(8)
                for face in range(1, sides)
                if sides * aces + face >= goal
            ),
            Fraction(0),
        )
        assert at_least(sides, goal) - direct == Fraction(1, sides**8)


@pytest.mark.parametrize(
    ("call", "cutoff"),
    [
        ("sw(4)", Fraction(1, 10**13)),
        ("sw(6, +1)", Fraction(1, 10**13)),
        ("sw(8, -3)", Fraction(1, 10**12)),
        ("sw(12, 2, tn=7)", Fraction(1, 10**11)),
        ("sw(4, 10)", Fraction(1, 10**13)),
    ],
)
def test_odds_match_enumeration(call: str, cutoff: Fraction) -> None:
    assert_close_to_enumeration(call, cutoff)


def test_odds_by_hand() -> None:
    system, bound = bind("sw(4, 10)")
    # with +10 everything but snake eyes (1/24) is at least 11: two raises, so a raise
    assert system.outcome_odds(bound) == {
        "critical failure": Fraction(1, 24),
        "failure": 0,
        "success": 0,
        "raise": Fraction(23, 24),
    }


@pytest.mark.parametrize("call", ["sw(d8)", "sw(d4, +2)", "sw(d12, -1, tn=6)"])
def test_roller_agrees_with_the_odds(call: str) -> None:
    assert chi_square_p(call) > 1e-4
