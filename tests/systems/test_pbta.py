"""Powered by the Apocalypse: 2d6 + modifier.

Dungeon World SRD, "Moves and Dice": you "roll two six-sided dice and add them together plus
the value of the associated stat". "A total of 10 or higher (written 10+) is the best outcome.
A total of 7-9 is still a success but it comes with compromises or cost. A 6 or lower is
trouble" (Apocalypse World calls the three a strong hit, a weak hit and a miss).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from systems_support import bind, chi_square_p, enumerate_outcomes, nonzero, roll_scripted


@pytest.mark.parametrize(
    ("call", "faces", "total", "outcome"),
    [
        ("pbta(1)", [4, 5], 10, "strong hit"),
        ("pbta(1)", [4, 4], 9, "weak hit"),
        ("pbta(+2)", [3, 2], 7, "weak hit"),
        ("pbta(-1)", [3, 4], 6, "miss"),
        ("pbta(0)", [6, 6], 12, "strong hit"),
        ("pbta()", [1, 1], 2, "miss"),
    ],
)
def test_moves_by_hand(call: str, faces: list[int], total: int, outcome: str) -> None:
    result = roll_scripted(call, faces)
    assert result.total == total
    assert result.outcome.name == outcome


def test_render() -> None:
    assert roll_scripted("pbta(1)", [4, 5]).render() == (
        "pbta(1) 2d6 (4, 5) + 1 = `10` · **strong hit**"
    )
    assert roll_scripted("pbta(-2)", [1, 2]).render() == "pbta(-2) 2d6 (1, 2) - 2 = `1` · **miss**"


@pytest.mark.parametrize("call", ["pbta(0)", "pbta(1)", "pbta(-3)", "pbta(6)", "pbta(-11)"])
def test_odds_match_enumeration(call: str) -> None:
    system, bound = bind(call)
    assert nonzero(system.outcome_odds(bound)) == enumerate_outcomes(call).odds


def test_odds_by_hand() -> None:
    system, bound = bind("pbta(0)")
    # 10+ on 2d6: 6 ways of 36; 7-9: 15 ways
    assert system.outcome_odds(bound) == {
        "miss": Fraction(15, 36),
        "weak hit": Fraction(15, 36),
        "strong hit": Fraction(6, 36),
    }


@pytest.mark.parametrize("call", ["pbta(0)", "pbta(2)"])
def test_roller_agrees_with_the_odds(call: str) -> None:
    assert chi_square_p(call) > 1e-4
