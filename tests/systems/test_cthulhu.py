"""Call of Cthulhu 7th edition: percentile skill rolls with bonus and penalty dice.

The rules, from the Call of Cthulhu Keeper Rulebook (7th ed., Chaosium 2014), chapter 5 "Game
System", and its free Quick-Start Rules:
- Levels of success: a regular success is "equal to or below" the skill, a hard success
  "equal to or below one-half" of it, an extreme success "equal to or below one-fifth".
- "A roll of 01 is a critical success"; a fumble is "a roll of 100", and "if the skill
  required is below 50, a roll of 96 or over" is a fumble.
- Bonus dice: "For each bonus die, roll an additional 'tens' percentage die alongside the
  usual pair" and "use the 'tens' die that yields the better (lower) result"; a penalty die
  yields "the worse (higher) result"; "one bonus die and one penalty die cancel each other
  out". A tens die of 00 with a units die of 0 reads 100.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from systems_support import bind, chi_square_p, enumerate_outcomes, roll_scripted

from nazh.dice import LimitError
from nazh.dice.systems import UsageError, system_odds
from nazh.dice.systems.core import Mark
from nazh.dice.systems.cthulhu import percentile, success_level


@pytest.mark.parametrize(
    ("call", "faces", "total", "name", "text"),
    [
        (
            "coc(60)",
            [5, 3],
            53,
            "regular success",
            "coc(60) tens (50), units (3) = `53` · **regular success**",
        ),
        (
            "coc(60)",
            [10, 1],
            1,
            "critical success",
            "coc(60) tens (00), units (1) = `1` · **critical success**",
        ),
        ("coc(60)", [10, 10], 100, "fumble", "coc(60) tens (00), units (0) = `100` · **fumble**"),
        ("coc(60)", [1, 2], 12, "extreme success", None),
        ("coc(60)", [1, 3], 13, "hard success", None),
        ("coc(60)", [3, 10], 30, "hard success", None),
        ("coc(60)", [3, 1], 31, "regular success", None),
        ("coc(60)", [6, 1], 61, "failure", None),
        ("coc(60)", [9, 9], 99, "failure", None),
        (
            "coc(45)",
            [9, 7],
            97,
            "fumble",
            "coc(45) tens (90), units (7) = `97` · **fumble** (96 or more with a skill below 50)",
        ),
        ("coc(45)", [9, 5], 95, "failure", None),
        (
            "coc(45, bonus=1)",
            [7, 2, 5],
            25,
            "regular success",
            "coc(45, bonus=1) tens (~~70~~, 20), units (5) = `25` · **regular success**",
        ),
        (
            "coc(45, bonus=1)",
            [10, 4, 10],
            40,
            "regular success",
            "coc(45, bonus=1) tens (~~00~~, 40), units (0) = `40` · **regular success**",
        ),
        (
            "coc(45, penalty=2)",
            [1, 10, 5, 3],
            53,
            "failure",
            "coc(45, penalty=2) tens (~~10~~, ~~00~~, 50), units (3) = `53` · **failure**",
        ),
        ("coc(50, 2, 1)", [4, 1, 6], 16, "hard success", None),
        ("coc(skill=30, penalty=1)", [10, 1, 10], 100, "fumble", None),
    ],
)
def test_rolls_by_hand(
    call: str, faces: list[int], total: int, name: str, text: str | None
) -> None:
    result = roll_scripted(call, faces)
    assert result.total == total
    assert result.outcome.name == name
    if text is not None:
        assert result.render() == text
    kept = [die for die in result.groups[0].dice if not die.marks & Mark.DROPPED]
    assert len(kept) == 1


def test_cancelled_dice_normalise_the_call() -> None:
    assert bind("coc(50, 2, 1)")[1].call == "coc(50, bonus=1)"
    assert bind("coc(50, bonus=1, penalty=1)")[1].call == "coc(50)"
    assert bind("coc(skill=70, penalty=3)")[1].call == "coc(70, penalty=3)"


def test_reading_the_dice() -> None:
    assert percentile(0, 0) == 100
    assert percentile(0, 1) == 1
    assert percentile(9, 9) == 99
    assert percentile(4, 0) == 40
    assert success_level(10, 50) == "extreme success"
    assert success_level(11, 50) == "hard success"
    assert success_level(26, 50) == "regular success"
    assert success_level(96, 50) == "failure"
    assert success_level(96, 49) == "fumble"
    assert success_level(1, 0) == "critical success"


@pytest.mark.parametrize(
    "call",
    ["coc(60)", "coc(45, bonus=1)", "coc(45, penalty=2)", "coc(0)", "coc(99, bonus=2)", "coc(7)"],
)
def test_odds_match_enumeration(call: str) -> None:
    system, bound = bind(call)
    odds = system.outcome_odds(bound)
    assert {name: chance for name, chance in odds.items() if chance} == enumerate_outcomes(
        call
    ).odds


def test_odds_in_closed_form() -> None:
    assert system_odds("coc", ["50"], {}) == {
        "fumble": Fraction(1, 100),
        "failure": Fraction(49, 100),
        "regular success": Fraction(25, 100),
        "hard success": Fraction(15, 100),
        "extreme success": Fraction(9, 100),
        "critical success": Fraction(1, 100),
    }


def test_a_bonus_die_helps_and_a_penalty_die_hurts() -> None:
    plain = system_odds("coc", ["50"], {})
    bonus = system_odds("coc", ["50"], {"bonus": "1"})
    penalty = system_odds("coc", ["50"], {"penalty": "1"})
    assert bonus["failure"] < plain["failure"] < penalty["failure"]
    assert bonus["extreme success"] > plain["extreme success"] > penalty["extreme success"]


@pytest.mark.parametrize("call", ["coc(60, bonus=1)", "coc(40, penalty=1)"])
def test_roller_agrees_with_the_odds(call: str) -> None:
    assert chi_square_p(call) > 1e-4


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("coc()", "give the skill"),
        ("coc(bonus=1)", "give the skill"),
        ("coc(x)", "the skill must be a whole number, not `x`"),
        ("coc(-5)", "the skill must be from 0 to 999, not -5"),
        ("coc(50, 1, 1, 1)", "coc takes 0 to 3 arguments, not 4"),
        ("coc(50, skill=40)", "`skill` is given twice"),
        ("coc(50, luck=3)", "coc has no option `luck=`"),
    ],
)
def test_bad_arguments(call: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        bind(call)


@pytest.mark.parametrize("call", ["coc(1000)", "coc(50, bonus=11)"])
def test_limits(call: str) -> None:
    with pytest.raises(LimitError, match="may be at most"):
        bind(call)
