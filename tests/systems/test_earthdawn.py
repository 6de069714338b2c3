"""Earthdawn 4th edition: the step table's action dice, every die exploding.

The rules, from the Earthdawn Player's Guide (4th ed., FASA Games 2014), "Game Concepts", as
the FASA wiki's 4E page reproduces them (earthdawn.fasa.wiki/en/4E):
- "The Step determines what dice a player rolls to perform actions in the game"; its Step and
  Action Dice Table is `STEP_TABLE` below (steps 1-40). Past step 40 the table keeps its
  pattern: every 11 steps from step 19 on add a D20 (41 is 3D20+2D6), as Foundry's Earthdawn
  4E system (`getDice`) and Dice Maiden's `ed4e` aliases extend it.
- Bonus dice: "If you roll the maximum number possible on any die ... you count that number
  towards your total and roll that die over", again and again.
- A test succeeds when the result meets the Difficulty Number ("meeting or exceeding this
  number denotes success"); each full 5 points over it is an extra success.
- The Rule of One: "If all the Action Dice rolled for an Action Test come up as ones, then the
  character automatically fails".
- Karma: spending a Karma Point adds the karma die, a D6 (step 4), to the action dice.
"""

from __future__ import annotations

import re
from fractions import Fraction
from itertools import product

import pytest
from systems_support import bind, chi_square_p, enumerate_outcomes, roll_scripted

from nazh.dice import LimitError
from nazh.dice.odds import distribution
from nazh.dice.systems import UsageError, system_odds
from nazh.dice.systems.core import PLAIN
from nazh.dice.systems.earthdawn import below, step_dice

STEP_TABLE = """
1 D4-2 | 2 D4-1 | 3 D4 | 4 D6 | 5 D8 | 6 D10 | 7 D12 | 8 2D6 | 9 D8+D6 | 10 2D8
11 D10+D8 | 12 2D10 | 13 D12+D10 | 14 2D12 | 15 D12+2D6 | 16 D12+D8+D6 | 17 D12+2D8
18 D12+D10+D8 | 19 D20+2D6 | 20 D20+D8+D6 | 21 D20+2D8 | 22 D20+D10+D8 | 23 D20+2D10
24 D20+D12+D10 | 25 D20+2D12 | 26 D20+D12+2D6 | 27 D20+D12+D8+D6 | 28 D20+D12+2D8
29 D20+D12+D10+D8 | 30 2D20+2D6 | 31 2D20+D8+D6 | 32 2D20+2D8 | 33 2D20+D10+D8
34 2D20+2D10 | 35 2D20+D12+D10 | 36 2D20+2D12 | 37 2D20+D12+2D6 | 38 2D20+D12+D8+D6
39 2D20+D12+2D8 | 40 2D20+D12+D10+D8
"""
"""The Player's Guide's Step and Action Dice Table, as printed."""

EXTENDED = {41: "3D20+2D6", 45: "3D20+2D10", 50: "3D20+D12+2D8", 51: "3D20+D12+D10+D8"}
"""Dice Maiden's `ed4e` steps past 40 (dicemaiden-rs, `EARTHDAWN_4E_EXTENDED_STEPS`)."""


def _dice(text: str) -> tuple[tuple[int, ...], int]:
    sides: list[int] = []
    modifier = 0
    for term in text.split("+"):
        dice, _, rest = term.partition("-")
        count, _, size = dice.partition("D")
        sides.extend([int(size)] * int(count or 1))
        modifier -= int(rest or 0)
    return tuple(sides), modifier


def _table() -> dict[int, str]:
    return {
        int(step): dice for step, dice in re.findall(r"(\d+) ([0-9D+-]+)", STEP_TABLE)
    } | EXTENDED


def test_the_step_table() -> None:
    table = _table()
    assert set(range(1, 41)) <= set(table)
    for step, text in table.items():
        assert step_dice(step) == _dice(text), step


def test_the_table_repeats_every_eleven_steps() -> None:
    for step in range(19, 90):
        sides, _ = step_dice(step + 11)
        assert sides == (20, *step_dice(step)[0])


@pytest.mark.parametrize(
    ("call", "faces", "total", "name", "text"),
    [
        (
            "ed(15)",
            [12, 3, 4, 6, 2],
            27,
            PLAIN,
            "ed(15) d12 (12!, 3) → 15, d6 (4), d6 (6!, 2) → 8 = `27`",
        ),
        ("ed(1)", [3], 1, PLAIN, "ed(1) d4 (3) - 2 = `1`"),
        ("ed(2)", [4, 4, 2], 9, PLAIN, "ed(2) d4 (4!, 4!, 2) → 10 - 1 = `9`"),
        (
            "ed(9, diff=10)",
            [8, 2, 1],
            11,
            "success",
            "ed(9, diff=10) d8 (8!, 2) → 10, d6 (1) = `11` · **success**",
        ),
        ("ed(9, diff=12)", [7, 4], 11, "failure", None),
        (
            "ed(15, diff=3)",
            [1, 1, 1],
            3,
            "rule of one",
            "ed(15, diff=3) d12 (1), d6 (1), d6 (1) = `3` · **rule of one** (every die rolled 1)",
        ),
        (
            "ed(12, diff=10)",
            [10, 5, 10, 5],
            30,
            "extra success",
            "ed(12, diff=10) d10 (10!, 5) → 15, d10 (10!, 5) → 15"
            " = `30` · **extra success** (4 extra successes)",
        ),
        ("ed(12, diff=10)", [9, 6], 15, "extra success", None),
        ("ed(12, diff=10)", [9, 5], 14, "success", None),
        (
            "ed(5, karma)",
            [8, 8, 1, 6, 3],
            26,
            PLAIN,
            "ed(5, karma) d8 (8!, 8!, 1) → 17, karma d6 (6!, 3) → 9 = `26`",
        ),
        ("ed(5, KARMA, diff=2)", [1, 1], 2, "rule of one", None),
        ("ed(3)", [1], 1, "rule of one", None),
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


def test_extra_successes_are_counted() -> None:
    assert roll_scripted("ed(12, diff=10)", [10, 5, 10, 5]).details == {
        "step": 12,
        "extra successes": 4,
    }
    assert roll_scripted("ed(12)", [3, 4]).details == {"step": 12}


def _brute_below(sides: tuple[int, ...], bound: int) -> Fraction:
    """P(sum < bound) by listing every die's exploded values below the bound."""
    values: list[list[tuple[int, Fraction]]] = []
    for n in sides:
        ways: list[tuple[int, Fraction]] = []
        explosions = 0
        while explosions * n + 1 < bound:
            chance = Fraction(1, n ** (explosions + 1))
            ways.extend(
                (explosions * n + rest, chance)
                for rest in range(1, n)
                if explosions * n + rest < bound
            )
            explosions += 1
        values.append(ways)
    total = Fraction(0)
    for combination in product(*values):
        if sum(value for value, _ in combination) < bound:
            chance = Fraction(1)
            for _, part in combination:
                chance *= part
            total += chance
    return total


@pytest.mark.parametrize("sides", [(4,), (8, 6), (12, 6, 6), (6, 6, 4), (20, 8)])
def test_below_matches_brute_force(sides: tuple[int, ...]) -> None:
    for bound in range(-1, 32):
        assert below(sides, bound) == _brute_below(sides, bound), bound


@pytest.mark.parametrize(("text", "sides"), [("1d12!+2d6!", (12, 6, 6)), ("1d20!+1d8!", (20, 8))])
def test_below_matches_the_dice_engine(text: str, sides: tuple[int, ...]) -> None:
    law = distribution(text)
    for bound in (3, 10, 21, 40):
        engine = sum((chance for total, chance in law.items() if total < bound), Fraction(0))
        assert below(sides, bound) == engine


@pytest.mark.parametrize(
    "call", ["ed(9, diff=10)", "ed(5, diff=6)", "ed(1, diff=1)", "ed(15, diff=15)", "ed(8)"]
)
def test_odds_match_enumeration(call: str) -> None:
    system, bound = bind(call)
    odds = system.outcome_odds(bound)
    found = enumerate_outcomes(call, cutoff=Fraction(1, 10**9))
    assert found.pruned < Fraction(1, 10**5)
    assert sum(odds.values()) == 1
    for name, chance in odds.items():
        assert 0 <= chance - found.odds.get(name, Fraction(0)) <= found.pruned, name


def test_odds_in_closed_form() -> None:
    # step 3, a d4: 1 is the Rule of One; 2 or 3 meet 2; 4 then 1-3 is 5-7: an extra success
    # from 7 on; 4 then 4 explodes on and is always one
    odds = system_odds("ed", ["3"], {"diff": "2"})
    assert odds["rule of one"] == Fraction(1, 4)
    assert odds["extra success"] == Fraction(1, 16) + Fraction(1, 16)
    assert odds["success"] == Fraction(1, 2) + Fraction(2, 16)
    assert odds["failure"] == 0
    assert system_odds("ed", ["15"], {}) == {
        "rule of one": Fraction(1, 432),
        "failure": 0,
        PLAIN: Fraction(431, 432),
        "success": 0,
        "extra success": 0,
    }


@pytest.mark.parametrize("call", ["ed(15, diff=12)", "ed(12, karma, diff=14)", "ed(3, diff=4)"])
def test_roller_agrees_with_the_odds(call: str) -> None:
    assert chi_square_p(call) > 1e-4


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("ed()", "ed takes 1 to 2 arguments, not 0"),
        ("ed(0)", "the step must be from 1 to 100, not 0"),
        ("ed(5, luck)", "`luck` is not an option \\(`karma` is\\)"),
        ("ed(5, diff=-1)", "the difficulty must be from 0 to 1,000, not -1"),
        ("ed(5, tn=3)", "ed has no option `tn=`"),
    ],
)
def test_bad_arguments(call: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        bind(call)


@pytest.mark.parametrize("call", ["ed(101)", "ed(5, diff=1001)"])
def test_limits(call: str) -> None:
    with pytest.raises(LimitError, match="may be at most"):
        bind(call)


def test_costly_odds_are_refused() -> None:
    system, bound = bind("ed(50, diff=1000)")
    with pytest.raises(LimitError, match="would take too long"):
        system.outcome_odds(bound)
    system, bound = bind("ed(50, diff=300)")
    assert sum(system.outcome_odds(bound).values()) == 1
