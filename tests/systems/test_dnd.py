"""Dungeons & Dragons 5e: the d20 test and rolled ability scores.

The rules, from the System Reference Document 5.1 and the Player's Handbook (2014):
- SRD 5.1, "Using Ability Scores", Advantage and Disadvantage: "you roll a second d20 when you
  make the roll. Use the higher of the two rolls if you have advantage, and use the lower roll
  if you have disadvantage."
- SRD 5.1, "Combat", Rolling 1 or 20: "If the d20 roll for an attack is a 20, the attack hits
  regardless of any modifiers or the target's AC. This is called a critical hit." and "If the
  d20 roll for an attack is a 1, the attack misses regardless of any modifiers or the
  target's AC."
- Player's Handbook, chapter 1, Determine Ability Scores: "roll four 6-sided dice and record the
  total of the highest three dice", six times; or "use the following scores for your
  abilities: 15, 14, 13, 12, 10, 8" (the standard array, total 72).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from systems_support import bind, chi_square_p, enumerate_outcomes, roll_scripted

from nazh.dice.odds import distribution
from nazh.dice.systems.core import PLAIN, Mark


@pytest.mark.parametrize(
    ("call", "faces", "total", "outcome", "text"),
    [
        ("dnd(5)", [17], 22, PLAIN, "dnd(5) d20 (17) + 5 = `22`"),
        ("dnd(+5)", [20], 25, "critical", "dnd(5) d20 (**20**) + 5 = `25` · **critical**"),
        ("dnd(0)", [1], 1, "fumble", "dnd(0) d20 (**1**) = `1` · **fumble**"),
        (
            "dnd(5, adv)",
            [3, 20],
            25,
            "critical",
            "dnd(5, adv) 2d20 (~~3~~, **20**) + 5 = `25` · **critical**",
        ),
        ("dnd(2, ADV)", [12, 4], 14, PLAIN, "dnd(2, adv) 2d20 (12, ~~4~~) + 2 = `14`"),
        (
            "dnd(-1, dis)",
            [1, 15],
            0,
            "fumble",
            "dnd(-1, dis) 2d20 (**1**, ~~15~~) - 1 = `0` · **fumble**",
        ),
        ("dnd(disadvantage, 3)", [20, 19], 22, PLAIN, "dnd(3, dis) 2d20 (~~20~~, 19) + 3 = `22`"),
        (
            "dnd(1, dis)",
            [20, 20],
            21,
            "critical",
            "dnd(1, dis) 2d20 (**20**, ~~20~~) + 1 = `21` · **critical**",
        ),
        ("dnd()", [9], 9, PLAIN, "dnd(0) d20 (9) = `9`"),
    ],
)
def test_d20_tests_by_hand(
    call: str, faces: list[int], total: int, outcome: str, text: str
) -> None:
    result = roll_scripted(call, faces)
    assert result.total == total
    assert result.outcome.name == outcome
    assert result.details["natural"] == total - result.modifier
    assert result.render() == text


@pytest.mark.parametrize("call", ["dnd(0)", "dnd(7, adv)", "dnd(-3, dis)"])
def test_d20_odds_match_enumeration(call: str) -> None:
    system, bound = bind(call)
    assert system.outcome_odds(bound) == enumerate_outcomes(call).odds


def test_d20_odds_in_closed_form() -> None:
    system, bound = bind("dnd(3, adv)")
    assert system.outcome_odds(bound) == {
        "fumble": Fraction(1, 400),
        PLAIN: Fraction(360, 400),
        "critical": Fraction(39, 400),
    }


def test_ability_scores_by_hand() -> None:
    faces = [
        *(6, 5, 1, 4),  # 15
        *(3, 3, 3, 3),  # 9
        *(6, 6, 6, 6),  # 18
        *(2, 1, 1, 5),  # 8
        *(4, 4, 5, 2),  # 13
        *(1, 2, 3, 4),  # 9
    ]
    result = roll_scripted("dndstats", faces)
    assert [group.value for group in result.groups] == [18, 15, 13, 9, 9, 8]
    assert result.total == 72
    assert result.outcome.name == "standard"
    assert result.outcome.reason == "the standard array totals 72"
    assert result.details == {"highest": 18, "lowest": 8}
    eight = result.groups[-1].dice
    assert [die.face for die in eight] == [2, 1, 1, 5]
    assert [bool(die.marks & Mark.DROPPED) for die in eight] == [False, True, False, False]
    assert result.render() == (
        "dndstats (~~6~~, 6, 6, 6) → 18, (6, 5, ~~1~~, 4) → 15, (4, 4, 5, ~~2~~) → 13,"
        " (~~3~~, 3, 3, 3) → 9, (~~1~~, 2, 3, 4) → 9, (2, ~~1~~, 1, 5) → 8"
        " = `72` · **standard** (the standard array totals 72)"
    )


@pytest.mark.parametrize(
    ("faces", "band"),
    [([1, 1, 1, 1] * 6, "below standard"), ([6, 6, 6, 6] * 6, "above standard")],
)
def test_ability_score_bands(faces: list[int], band: str) -> None:
    assert roll_scripted("dndstats", faces).outcome.name == band


def test_ability_score_odds_match_the_dice_engine() -> None:
    system, bound = bind("dndstats")
    law = distribution("+".join(["4d6kh3"] * 6))
    bands = {"below standard": Fraction(0), "standard": Fraction(0), "above standard": Fraction(0)}
    for total, chance in law.items():
        band = "below standard" if total < 72 else "standard" if total == 72 else "above standard"
        bands[band] += chance
    assert system.outcome_odds(bound) == bands


@pytest.mark.parametrize("call", ["dnd(0)", "dnd(2, adv)", "dnd(2, dis)", "dndstats"])
def test_roller_agrees_with_the_odds(call: str) -> None:
    assert chi_square_p(call) > 1e-4
