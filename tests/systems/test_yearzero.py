"""The Year Zero Engine: base, skill and gear d6s; 6s succeed, 1s on base and gear dice are
banes.

The rules, from the Year Zero Engine SRD (Fria Ligan, 2019, OGL), chapter 3 "Skills":
- Rolling dice: "base dice" equal to the attribute, "skill dice" equal to the skill level and
  "gear dice" equal to the gear bonus are rolled together.
- "To succeed, you need to roll at least one 6"; each 6 is one success, and extra successes
  buy extra effects.
- Pushing: a failed roll may be pushed, rerolling the dice that show neither a 6 nor a 1 on a
  base or gear die; then "each 1 on a base die" costs attribute points and "each 1 on a gear
  die" lowers the gear bonus. So banes matter only once pushed: a second roll, not part of
  this one's odds.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from systems_support import bind, chi_square_p, enumerate_outcomes, roll_scripted

from nazh.dice import LimitError
from nazh.dice.odds import distribution
from nazh.dice.systems import UsageError, system_odds
from nazh.dice.systems.core import Mark


def test_a_roll_by_hand() -> None:
    result = roll_scripted("yz(3, 2, 1)", [6, 1, 4, 2, 6, 1])
    assert result.total == 2
    assert result.outcome.name == "success"
    assert result.details == {"successes": 2, "base banes": 1, "gear banes": 1}
    assert [group.label for group in result.groups] == ["base", "skill", "gear"]
    assert [die.kind for die in result.dice] == ["base"] * 3 + ["skill"] * 2 + ["gear"]
    assert result.render() == (
        "yz(3, 2, 1) base (**6**, **1**, 4), skill (2, **6**), gear (**1**)"
        " = `2` successes · **success**"
    )


def test_a_failure_with_a_bane() -> None:
    result = roll_scripted("yz(2)", [1, 5])
    assert result.outcome.name == "failure"
    assert result.details["base banes"] == 1
    assert result.render() == "yz(2) base (**1**, 5) = `0` successes · **failure**"


def test_ones_on_skill_dice_are_no_banes() -> None:
    result = roll_scripted("yz(0, 2)", [1, 1])
    assert result.details == {"successes": 0, "base banes": 0, "gear banes": 0}
    assert all(die.marks == Mark.NONE for die in result.dice)
    assert result.render() == "yz(0, 2) skill (1, 1) = `0` successes · **failure**"


def test_one_success() -> None:
    result = roll_scripted("yz(1, gear=1)", [6, 3])
    assert result.call == "yz(1, 0, 1)"
    assert result.render() == "yz(1, 0, 1) base (**6**), gear (3) = `1` success · **success**"


@pytest.mark.parametrize("call", ["yz(2, 1, 1)", "yz(0, 3)", "yz(1)", "yz(0, 0, 2)"])
def test_odds_match_enumeration(call: str) -> None:
    system, bound = bind(call)
    assert system.outcome_odds(bound) == enumerate_outcomes(call).odds


@pytest.mark.parametrize(("base", "skill", "gear"), [(3, 2, 1), (5, 0, 0), (2, 4, 3)])
def test_odds_match_the_dice_engine(base: int, skill: int, gear: int) -> None:
    dice = base + skill + gear
    failure = distribution(f"{dice}d6>=6")[0]
    odds = system_odds("yz", [str(base), str(skill), str(gear)], {})
    assert odds == {"failure": failure, "success": 1 - failure}
    assert failure == Fraction(5, 6) ** dice


@pytest.mark.parametrize("call", ["yz(3, 2, 1)", "yz(1)"])
def test_roller_agrees_with_the_odds(call: str) -> None:
    assert chi_square_p(call) > 1e-4


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("yz()", "roll at least one die"),
        ("yz(0, 0, 0)", "roll at least one die"),
        ("yz(1, base=2)", "`base` is given twice"),
        ("yz(-1)", "the base must be from 0 to 100, not -1"),
        ("yz(1, 2, 3, 4)", "yz takes 0 to 3 arguments, not 4"),
        ("yz(1, stress=2)", "yz has no option `stress=`"),
        ("yz(two)", "the base must be a whole number"),
    ],
)
def test_bad_arguments(call: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        bind(call)


@pytest.mark.parametrize("call", ["yz(101)", "yz(60, 41)"])
def test_limits(call: str) -> None:
    with pytest.raises(LimitError, match="at most 100"):
        bind(call)
