"""Shadowrun 5th edition (`sr`) and Sixth World (`sr6`).

Dice showing 5 or 6 are hits. Shadowrun 4th edition Core Rulebook, "Glitches": "If half or
more of the dice pool rolled come up as 1s, then a glitch results." and "Critical Glitches: If a
character rolls a glitch and scores zero hits, then she has made a critical glitch." Fifth
edition and Sixth World make it more than half the dice (paraphrased); "It's possible to both
succeed in a task and get a glitch at the same time."

Shadowrun Sixth World Core Rulebook, the wild die (p. 48f): "a hit with the wild die (5 or 6)
counts as 3 hits instead of just 1. On the downside, a 1 cancels all the 5s rolled. A 2, 3, or 4
on the wild die means nothing." The Edge boost that rerolls every failed die once is `reroll`;
glitches are read on the dice as they end.
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from systems_support import bind, chi_square_p, enumerate_outcomes, nonzero, roll_scripted

from nazh.dice.systems.core import Mark


@pytest.mark.parametrize(
    ("call", "faces", "hits", "outcome", "text"),
    [
        (
            "sr(8)",
            [5, 6, 3, 3, 1, 4, 1, 2],
            2,
            "success",
            "sr(8) (**5**, **6**, 3, 3, 1, 4, 1, 2) = `2` hits · **success**",
        ),
        (
            "sr(4)",
            [1, 1, 1, 5],
            1,
            "glitch",
            "sr(4) (**1**, **1**, **1**, **5**) = `1` hit · **glitch**"
            " (more than half the dice show 1)",
        ),
        ("sr(4)", [1, 1, 2, 3], 0, "failure", "sr(4) (1, 1, 2, 3) = `0` hits · **failure**"),
        (
            "sr(3)",
            [1, 1, 4],
            0,
            "critical glitch",
            "sr(3) (**1**, **1**, 4) = `0` hits · **critical glitch**"
            " (more than half the dice show 1)",
        ),
        (
            "sr6(4, wild)",
            [5, 6, 2, 1],
            1,
            "success",
            "sr6(4, wild) (~~5~~, **6**, 2), wild (1) = `1` hit · **success**"
            " (the wild die's 1 cancels every 5)",
        ),
        (
            "sr6(3, wild)",
            [2, 3, 5],
            3,
            "success",
            "sr6(3, wild) (2, 3), wild (**5**) = `3` hits · **success**",
        ),
        (
            "sr6(2, wild)",
            [1, 1],
            0,
            "critical glitch",
            "sr6(2, wild) (**1**), wild (**1**) = `0` hits · **critical glitch**"
            " (more than half the dice show 1)",
        ),
        (
            "sr6(3, reroll)",
            [5, 2, 1, 6, 1],
            2,
            "success",
            "sr6(3, reroll) (**5**, ~~2~~, **6**, ~~1~~, 1) = `2` hits · **success**",
        ),
        (
            "sr6(2, reroll, wild)",
            [1, 6, 1],
            3,
            "success",
            "sr6(2, wild, reroll) (~~1~~, 1), wild (**6**) = `3` hits · **success**",
        ),
    ],
)
def test_tests_by_hand(call: str, faces: list[int], hits: int, outcome: str, text: str) -> None:
    result = roll_scripted(call, faces)
    assert result.outcome.name == outcome
    assert result.render() == text
    assert result.total == result.details["hits"] == hits


def test_hits_by_hand() -> None:
    assert roll_scripted("sr(8)", [5, 6, 3, 3, 1, 4, 1, 2]).details == {
        "hits": 2,
        "ones": 2,
        "rerolled": 0,
    }
    rerolled = roll_scripted("sr6(3, reroll)", [5, 2, 1, 6, 1])
    assert rerolled.details == {"hits": 2, "ones": 1, "rerolled": 2}
    assert [die.marks & Mark.DROPPED for die in rerolled.dice].count(Mark.DROPPED) == 2


@pytest.mark.parametrize(
    "call",
    [
        "sr(1)",
        "sr(2)",
        "sr(3)",
        "sr(5)",
        "sr6(4)",
        "sr6(3, wild)",
        "sr6(5, wild)",
        "sr6(2, reroll)",
        "sr6(3, reroll)",
        "sr6(3, wild, reroll)",
    ],
)
def test_odds_match_enumeration(call: str) -> None:
    system, bound = bind(call)
    assert nonzero(system.outcome_odds(bound)) == enumerate_outcomes(call).odds


def test_odds_by_hand() -> None:
    # one die: a 1 is more than half the pool, so a critical glitch
    system, bound = bind("sr(1)")
    assert system.outcome_odds(bound) == {
        "critical glitch": Fraction(1, 6),
        "failure": Fraction(3, 6),
        "glitch": 0,
        "success": Fraction(2, 6),
    }


@pytest.mark.parametrize(
    "call", ["sr(8)", "sr(3)", "sr6(10, wild)", "sr6(6, reroll)", "sr6(3, wild)"]
)
def test_roller_agrees_with_the_odds(call: str) -> None:
    assert chi_square_p(call) > 1e-4
