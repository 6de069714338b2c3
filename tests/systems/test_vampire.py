"""Vampire: The Masquerade 5th edition tests with Hunger dice.

Vampire: The Masquerade 5th edition Corebook, "Tests": "Every die that shows 6 or higher is a
success. A 0 on the die means a result of 10: a success." and "If the number of successes you
get equals or exceeds the Difficulty, you win the test". Critical wins: a pair of 10s counts
four successes. Hunger dice replace that many dice of the pool ("If the given pool for an
attempted roll is lower than the character's total Hunger, the whole pool is instead
substituted with an equal number of Hunger dice"), and read, per the Corebook's Hunger dice
table: "1: Failure; Bestial Failure for a failed test", "10: Success; Messy Critical if part of
a critical win". A test without any success is a total failure.

Our reading, stated in the card: a critical win showing any 10 on a Hunger die is messy (the
10s pair up as the player likes); without a difficulty any success wins.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from systems_support import bind, chi_square_p, enumerate_outcomes, nonzero, roll_scripted

from nazh.dice.systems.core import Mark


@pytest.mark.parametrize(
    ("call", "faces", "successes", "outcome"),
    [
        ("v5(5, 2)", [10, 10, 3, 7, 2], 5, "critical"),
        ("v5(5, 2)", [10, 4, 4, 10, 1], 4, "messy critical"),
        ("v5(4, 2, diff=3)", [6, 2, 1, 9], 2, "bestial failure"),
        ("v5(3, 1)", [2, 3, 4], 0, "total failure"),
        ("v5(4, 1, diff=3)", [6, 7, 2, 3], 2, "failure"),
        ("v5(3, 0, diff=5)", [10, 10, 2], 4, "failure"),
        ("v5(3, 0, diff=4)", [10, 10, 2], 4, "critical"),
        ("v5(3)", [10, 10, 10], 5, "critical"),
        ("v5(4, 1, diff=2)", [6, 8, 2, 1], 2, "success"),
        ("v5(2, 0, diff=0)", [1, 2], 0, "success"),
        ("v5(2, 4)", [1, 3], 0, "bestial failure"),
    ],
)
def test_tests_by_hand(call: str, faces: list[int], successes: int, outcome: str) -> None:
    result = roll_scripted(call, faces)
    assert result.total == successes
    assert result.details["successes"] == successes
    assert result.outcome.name == outcome


def test_render() -> None:
    critical = roll_scripted("v5(5, 2)", [10, 10, 3, 7, 2])
    assert critical.render() == (
        "v5(5, 2) (**10**, **10**, 3), hunger (**7**, 2) = `5` successes · **critical**"
        " (a pair of 10s)"
    )
    messy = roll_scripted("v5(5, 2)", [10, 4, 4, 10, 1])
    assert messy.render() == (
        "v5(5, 2) (**10**, 4, 4), hunger (**10**, 1) = `4` successes · **messy critical**"
        " (a Hunger die rolled 10)"
    )
    bestial = roll_scripted("v5(4, 2, diff=3)", [6, 2, 1, 9])
    assert bestial.render() == (
        "v5(4, 2, diff=3) (**6**, 2), hunger (**1**, **9**) = `2` successes"
        " · **bestial failure** (a Hunger die rolled 1)"
    )
    assert [die.kind for die in bestial.dice] == ["", "", "hunger", "hunger"]
    assert bestial.dice[2].marks == Mark.BANE


def test_hunger_beyond_the_pool_makes_every_die_a_hunger_die() -> None:
    _, bound = bind("v5(2, 4)")
    assert bound.call == "v5(2, 4)"
    assert bound.hunger == 2
    result = roll_scripted("v5(2, 4)", [6, 6])
    assert [group.label for group in result.groups] == ["hunger"]


@pytest.mark.parametrize(
    "call", ["v5(3, 1)", "v5(4, 2, diff=3)", "v5(2, 5)", "v5(3, 0, diff=4)", "v5(4, 4, diff=2)"]
)
def test_odds_match_enumeration(call: str) -> None:
    system, bound = bind(call)
    assert nonzero(system.outcome_odds(bound)) == enumerate_outcomes(call).odds


def test_odds_by_hand() -> None:
    system, bound = bind("v5(1, 1)")
    assert system.outcome_odds(bound) == {
        "bestial failure": Fraction(1, 10),
        "total failure": Fraction(4, 10),
        "failure": 0,
        "success": Fraction(5, 10),
        "messy critical": 0,
        "critical": 0,
    }


def test_the_largest_pool_has_exact_odds() -> None:
    system, bound = bind("v5(100, 5, diff=30)")
    assert sum(system.outcome_odds(bound).values()) == 1


@pytest.mark.parametrize("call", ["v5(7, 2, diff=4)", "v5(5, 3)", "v5(12, 5, diff=7)"])
def test_roller_agrees_with_the_odds(call: str) -> None:
    assert chi_square_p(call) > 1e-4
