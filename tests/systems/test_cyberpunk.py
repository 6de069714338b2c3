"""Cyberpunk RED: STAT + skill + d10, where a 10 adds a d10 and a 1 takes one away.

The rules, from the Cyberpunk RED core rulebook (R. Talsorian Games, 2020), "Skill Checks"
(pp. 128-129):
- A check is "STAT + Skill + 1d10" against a Difficulty Value, and succeeds when the total
  beats the DV: it must be higher ("ties go to the defender" in opposed checks).
- Critical Success: on a natural 10, "roll another d10 and add it"; Critical Failure: on a
  natural 1, "roll another d10 and subtract it"; the second roll cannot be a critical again.
Without a DV the outcome is the critical (success on 10, failure on 1) or just the total.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from systems_support import bind, chi_square_p, enumerate_outcomes, roll_scripted

from nazh.dice import LimitError
from nazh.dice.systems import UsageError, system_odds
from nazh.dice.systems.core import PLAIN
from nazh.dice.systems.cyberpunk import check_total


@pytest.mark.parametrize(
    ("call", "faces", "total", "name", "text"),
    [
        ("cpr(12, dv=15)", [4], 16, "success", "cpr(12, dv=15) (4) + 12 = `16` · **success**"),
        ("cpr(12, dv=15)", [3], 15, "failure", "cpr(12, dv=15) (3) + 12 = `15` · **failure**"),
        (
            "cpr(12, dv=15)",
            [10, 9],
            31,
            "success",
            "cpr(12, dv=15) (**10!**, 9) + 12 = `31` · **success**"
            " (a critical success: the 10 added a d10)",
        ),
        (
            "cpr(12, dv=15)",
            [1, 6],
            7,
            "failure",
            "cpr(12, dv=15) (**1**, -6) + 12 = `7` · **failure**"
            " (a critical failure: the 1 took away a d10)",
        ),
        ("cpr(12, dv=15)", [10, 10], 32, "success", None),
        ("cpr(12, dv=15)", [1, 1], 12, "failure", None),
        (
            "cpr(5)",
            [10, 9],
            24,
            "critical success",
            "cpr(5) (**10!**, 9) + 5 = `24` · **critical success**",
        ),
        ("cpr(5)", [5], 10, PLAIN, "cpr(5) (5) + 5 = `10`"),
        (
            "cpr(5)",
            [1, 3],
            3,
            "critical failure",
            "cpr(5) (**1**, -3) + 5 = `3` · **critical failure**",
        ),
        ("cpr(-2)", [5], 3, PLAIN, "cpr(-2) (5) - 2 = `3`"),
        ("cpr()", [9], 9, PLAIN, "cpr(0) (9) = `9`"),
    ],
)
def test_rolls_by_hand(
    call: str, faces: list[int], total: int, name: str, text: str | None
) -> None:
    result = roll_scripted(call, faces)
    assert result.total == total
    assert result.outcome.name == name
    assert result.details["die"] == faces[0]
    if text is not None:
        assert result.render() == text


def test_check_total() -> None:
    assert check_total(10, 7, 3) == 20
    assert check_total(1, 7, 3) == -3
    assert check_total(6, 7, 3) == 9


@pytest.mark.parametrize(
    "call", ["cpr(12, dv=15)", "cpr(5)", "cpr(0, dv=0)", "cpr(14, dv=24)", "cpr(-3, dv=2)"]
)
def test_odds_match_enumeration(call: str) -> None:
    system, bound = bind(call)
    odds = system.outcome_odds(bound)
    assert {name: chance for name, chance in odds.items() if chance} == enumerate_outcomes(
        call
    ).odds


def test_odds_in_closed_form() -> None:
    # a 4 to 9 beats DV 15 with +12 (60 of 100), and every 10 does; a 1 never does
    assert system_odds("cpr", ["12"], {"dv": "15"})["success"] == Fraction(70, 100)
    # beating DV 24 from +14 needs a 10 and then a second die above 0: every 10
    assert system_odds("cpr", ["14"], {"dv": "24"})["success"] == Fraction(10, 100)
    assert system_odds("cpr", ["14"], {"dv": "25"})["success"] == Fraction(9, 100)
    assert system_odds("cpr", ["3"], {}) == {
        "critical failure": Fraction(1, 10),
        "failure": 0,
        PLAIN: Fraction(8, 10),
        "success": 0,
        "critical success": Fraction(1, 10),
    }


@pytest.mark.parametrize("call", ["cpr(12, dv=15)", "cpr(5)"])
def test_roller_agrees_with_the_odds(call: str) -> None:
    assert chi_square_p(call) > 1e-4


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("cpr(x)", "the bonus must be a whole number, not `x`"),
        ("cpr(1, 2)", "cpr takes 0 to 1 argument, not 2"),
        ("cpr(1, diff=3)", "cpr has no option `diff=` \\(known: `dv=`\\)"),
        ("cpr(1, dv=-1)", "the DV must be from 0 to 1,000, not -1"),
        ("cpr(-101)", "the bonus must be from -100 to 100, not -101"),
    ],
)
def test_bad_arguments(call: str, message: str) -> None:
    with pytest.raises(UsageError, match=message):
        bind(call)


def test_a_dv_beyond_the_limit_is_a_limit_error() -> None:
    with pytest.raises(LimitError, match="the DV may be at most 1,000"):
        bind("cpr(3, dv=1001)")
