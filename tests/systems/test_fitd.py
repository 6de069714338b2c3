"""Blades in the Dark / Forged in the Dark action rolls.

Blades in the Dark SRD, "The Core System": "Roll several six-sided dice and read the single
highest result. If the highest die is a 6, it's a full success ... If you roll more than one 6,
it's a critical success ... If the highest die is a 4 or 5, that's a partial success ... If the
highest die is 1-3, it's a bad outcome." And: "If you ever need to roll but you have zero (or
negative) dice, roll two dice and take the single lowest result. You can't roll a critical when
you have zero dice."
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from systems_support import bind, chi_square_p, enumerate_outcomes, nonzero, roll_scripted


@pytest.mark.parametrize(
    ("call", "faces", "outcome", "text"),
    [
        ("fitd(3)", [2, 5, 6], "success", "fitd(3) (2, 5, **6**) = **success**"),
        ("fitd(3)", [6, 1, 6], "critical", "fitd(3) (**6**, 1, **6**) = **critical**"),
        ("fitd(2)", [5, 4], "partial success", "fitd(2) (**5**, 4) = **partial success**"),
        ("fitd(4)", [3, 1, 2, 3], "failure", "fitd(4) (**3**, 1, 2, 3) = **failure**"),
        ("fitd(1)", [6], "success", "fitd(1) (**6**) = **success**"),
        (
            "fitd(0)",
            [6, 6],
            "success",
            "fitd(0) (**6**, ~~6~~) = **success** (zero dice: the lower of two)",
        ),
        (
            "fitd(0)",
            [5, 2],
            "failure",
            "fitd(0) (~~5~~, **2**) = **failure** (zero dice: the lower of two)",
        ),
    ],
)
def test_action_rolls_by_hand(call: str, faces: list[int], outcome: str, text: str) -> None:
    result = roll_scripted(call, faces)
    assert result.outcome.name == outcome
    assert result.total is None
    assert result.render() == text


@pytest.mark.parametrize("call", ["fitd(0)", "fitd(1)", "fitd(2)", "fitd(3)", "fitd(5)"])
def test_odds_match_enumeration(call: str) -> None:
    system, bound = bind(call)
    assert nonzero(system.outcome_odds(bound)) == enumerate_outcomes(call).odds


def test_zero_dice_never_crit() -> None:
    system, bound = bind("fitd(0)")
    assert system.outcome_odds(bound)["critical"] == 0


def test_large_pool_odds_in_closed_form() -> None:
    system, bound = bind("fitd(100)")
    odds = system.outcome_odds(bound)
    assert odds["failure"] == Fraction(1, 2**100)
    assert odds["success"] == Fraction(100 * 5**99, 6**100)
    assert sum(odds.values()) == 1


@pytest.mark.parametrize("call", ["fitd(0)", "fitd(2)", "fitd(4)"])
def test_roller_agrees_with_the_odds(call: str) -> None:
    assert chi_square_p(call) > 1e-4
