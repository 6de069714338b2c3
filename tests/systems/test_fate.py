"""Fate Core: four Fate dice plus a skill, named on the ladder.

The rules, from the Fate Core System Reference Document (fate-srd.com, Fate Core):
- "The Basics", Dice: Fate dice "have two sides with a plus symbol (+), two sides with a minus
  symbol (-), and two sides that are blank (0)"; you "roll four of them", reading "+ as +1,
  0 as 0 and - as -1", and add your skill.
- "The Basics", The Ladder: "+8 Legendary, +7 Epic, +6 Fantastic, +5 Superb, +4 Great, +3 Good,
  +2 Fair, +1 Average, +0 Mediocre, -1 Poor, -2 Terrible".
Beyond the ladder the total is named by its signed number (`+9`, `-3`).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from systems_support import bind, chi_square_p, enumerate_outcomes, roll_scripted

from nazh.dice.odds import distribution
from nazh.dice.systems import SYSTEMS, UsageError, roll_system, split_call, system_odds
from nazh.dice.systems.fate import LADDER, MAX_SKILL, ladder_name


@pytest.mark.parametrize(
    ("call", "faces", "total", "name", "text"),
    [
        ("fate(2)", [3, 3, 2, 1], 3, "good", "fate(+2) 4dF (+, +, 0, -) + 2 = `3` · **good**"),
        ("fate(0)", [2, 2, 2, 2], 0, "mediocre", "fate(0) 4dF (0, 0, 0, 0) = `0` · **mediocre**"),
        ("fate(+8)", [3, 3, 3, 3], 12, "+12", "fate(+8) 4dF (+, +, +, +) + 8 = `12` · **+12**"),
        ("fate(-2)", [1, 1, 1, 1], -6, "-6", "fate(-2) 4dF (-, -, -, -) - 2 = `-6` · **-6**"),
        ("fate(+4)", [3, 3, 3, 2], 7, "epic", "fate(+4) 4dF (+, +, +, 0) + 4 = `7` · **epic**"),
        ("fate()", [1, 1, 2, 2], -2, "terrible", "fate(0) 4dF (-, -, 0, 0) = `-2` · **terrible**"),
    ],
)
def test_rolls_by_hand(call: str, faces: list[int], total: int, name: str, text: str) -> None:
    result = roll_scripted(call, faces)
    assert result.total == total
    assert result.outcome.name == name
    assert result.details == {"dice": total - result.modifier}
    assert [die.face for die in result.dice] == faces
    assert result.render() == text


def test_the_ladder_names_every_rung() -> None:
    assert [ladder_name(value) for value in range(-2, 9)] == [
        "terrible",
        "poor",
        "mediocre",
        "average",
        "fair",
        "good",
        "great",
        "superb",
        "fantastic",
        "epic",
        "legendary",
    ]
    assert ladder_name(9) == "+9"
    assert ladder_name(-3) == "-3"
    assert set(LADDER.values()) <= set(SYSTEMS["fate"].outcomes)


def test_outcomes_rank_by_total() -> None:
    system = SYSTEMS["fate"]
    totals = range(-MAX_SKILL - 4, MAX_SKILL + 5)
    assert list(system.outcomes) == [ladder_name(total) for total in totals]
    assert system.outcome("great").rank > system.outcome("good").rank
    assert system.outcome("+9").rank == system.outcome("legendary").rank + 1


@pytest.mark.parametrize("call", ["fate(0)", "fate(3)", "fate(-10)", "fate(10)", "fate(7)"])
def test_odds_match_enumeration(call: str) -> None:
    system, bound = bind(call)
    odds = system.outcome_odds(bound)
    assert {name: chance for name, chance in odds.items() if chance} == enumerate_outcomes(
        call
    ).odds


@pytest.mark.parametrize("skill", [-10, -3, 0, 2, 6, 10])
def test_odds_match_the_dice_engine(skill: int) -> None:
    law = distribution(f"4dF+({skill})")
    odds = system_odds("fate", [str(skill)], {})
    expected = {ladder_name(int(total)): chance for total, chance in law.items()}
    assert {name: chance for name, chance in odds.items() if chance} == expected


def test_odds_in_closed_form() -> None:
    odds = system_odds("fate", ["0"], {})
    counts = [1, 4, 10, 16, 19, 16, 10, 4, 1]
    assert [odds[ladder_name(total)] for total in range(-4, 5)] == [
        Fraction(count, 81) for count in counts
    ]
    assert sum(odds.values()) == 1


@pytest.mark.parametrize("call", ["fate(2)", "fate(-1)"])
def test_roller_agrees_with_the_odds(call: str) -> None:
    assert chi_square_p(call) > 1e-4


def test_typical() -> None:
    system = SYSTEMS["fate"]
    name, positional, named = split_call(system.typical)
    assert system.bind(positional, named).call == "fate(+2)"
    assert roll_system(name, positional, named).render().startswith("fate(+2) 4dF (")


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("fate(x)", "the skill must be a whole number, not `x`"),
        ("fate(-11)", "the skill must be from -10 to 10, not -11"),
        ("fate(11)", "the skill must be from -10 to 10, not 11"),
        ("fate(1, 2)", r"fate takes 0 to 1 argument, not 2"),
        ("fate(1, diff=2)", "fate has no option `diff=`"),
    ],
)
def test_bad_arguments(call: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        bind(call)
