"""Vampire: The Masquerade 5th edition: d10 pools with Hunger dice."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nazh.dice.systems.core import (
    MAX_POOL,
    Bound,
    DiceGroup,
    Mark,
    System,
    SystemDie,
    SystemRoll,
    call_text,
    expect_arguments,
    integer_argument,
)
from nazh.dice.systems.counting import categories, fractions_of

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from fractions import Fraction

    from nazh.dice.systems.core import Source

__all__ = ("MAX_HUNGER", "V5", "V5Bound")

MAX_HUNGER = 5
"""Highest Hunger."""


@dataclass(frozen=True, slots=True)
class V5Bound(Bound):
    """A V5 test: the pool, how many of its dice are Hunger dice, and the difficulty (None: any
    success wins)."""

    pool: int
    hunger: int
    difficulty: int | None


class V5(System[V5Bound]):
    """A V5 test: d10s, 6 or more a success, each pair of 10s four successes (a critical).

    A win is at least `difficulty` successes (at least one without a difficulty). A critical
    win that shows a 10 on a Hunger die is messy; a lost test showing a 1 on a Hunger die is a
    bestial failure; a lost test without any success is a total failure.
    """

    __slots__ = ()

    name = "v5"
    title = "Vampire: The Masquerade 5th edition"
    usage = "v5(pool, hunger[, diff=n])"
    card = (
        "d10s, 6+ a success; each pair of 10s counts four successes (**critical**). `hunger`"
        " of the dice are Hunger dice.\n"
        "A win needs `diff` successes (one without `diff`). A critical win with a 10 on a"
        " Hunger die is a **messy critical**; a loss with a 1 on a Hunger die a **bestial"
        " failure**; no success at all, a **total failure**.\n"
        "Examples: `v5(7, 2)`, `v5(7, 2, diff=4)`"
    )
    outcomes = (
        "bestial failure",
        "total failure",
        "failure",
        "success",
        "messy critical",
        "critical",
    )
    typical = "v5(7, 2, diff=4)"

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> V5Bound:
        expect_arguments(self, positional, named, least=1, most=2, names=("diff",))
        pool = integer_argument(self, positional[0], "the dice pool", 1, MAX_POOL)
        hunger = (
            integer_argument(self, positional[1], "hunger", 0, MAX_HUNGER, limit=False)
            if len(positional) > 1
            else 0
        )
        difficulty = (
            integer_argument(self, named["diff"], "the difficulty", 0, 4 * MAX_POOL)
            if "diff" in named
            else None
        )
        extra = {} if difficulty is None else {"diff": difficulty}
        return V5Bound(
            call_text(self.name, pool, hunger, **extra), pool, min(hunger, pool), difficulty
        )

    def roll(self, bound: V5Bound, source: Source) -> SystemRoll:
        regular = source.roll(bound.pool - bound.hunger, 10)
        hunger = source.roll(bound.hunger, 10)
        plain = sum(6 <= face <= 9 for face in regular + hunger)
        tens = (regular + hunger).count(10)
        name = _result(
            bound.difficulty,
            plain=plain,
            tens=tens,
            hunger_ten=10 in hunger,
            hunger_one=1 in hunger,
        )
        successes = plain + tens + 2 * (tens // 2)
        groups = [DiceGroup(tuple(_die(face, "", name) for face in regular))] if regular else []
        if hunger:
            groups.append(DiceGroup(tuple(_die(face, "hunger", name) for face in hunger), "hunger"))
        return SystemRoll(
            system=self.name,
            call=bound.call,
            groups=tuple(groups),
            total=successes,
            outcome=self.outcome(name, _REASONS.get(name)),
            details={"successes": successes, "criticals": tens // 2},
            noun="success",
        )

    def exact_odds(self, bound: V5Bound) -> Mapping[str, Fraction]:
        # regular faces: 1-5, 6-9, 10; hunger faces: 1, 2-5, 6-9, 10
        regular: dict[tuple[int, int], int] = {}
        for (_, plain, tens), ways in categories(bound.pool - bound.hunger, (5, 4, 1)):
            regular[plain, tens] = regular.get((plain, tens), 0) + ways
        hunger: dict[tuple[int, int, bool], int] = {}
        for (ones, _, plain, tens), ways in categories(bound.hunger, (1, 4, 4, 1)):
            key = (plain, tens, ones > 0)
            hunger[key] = hunger.get(key, 0) + ways
        found: dict[str, int] = {}
        for (plain, tens), ways in regular.items():
            for (hunger_plain, hunger_tens, hunger_one), more in hunger.items():
                name = _result(
                    bound.difficulty,
                    plain=plain + hunger_plain,
                    tens=tens + hunger_tens,
                    hunger_ten=hunger_tens > 0,
                    hunger_one=hunger_one,
                )
                found[name] = found.get(name, 0) + ways * more
        return fractions_of(found, 10**bound.pool)


_REASONS = {
    "critical": "a pair of 10s",
    "messy critical": "a Hunger die rolled 10",
    "bestial failure": "a Hunger die rolled 1",
}


def _result(
    difficulty: int | None, *, plain: int, tens: int, hunger_ten: bool, hunger_one: bool
) -> str:
    successes = plain + tens + 2 * (tens // 2)
    if successes >= (1 if difficulty is None else difficulty):
        if tens >= 2:
            return "messy critical" if hunger_ten else "critical"
        return "success"
    if hunger_one:
        return "bestial failure"
    return "total failure" if successes == 0 else "failure"


def _die(face: int, kind: str, outcome: str) -> SystemDie:
    if face >= 6:
        marks = Mark.COUNTED
    elif face == 1 and kind and outcome == "bestial failure":
        marks = Mark.BANE
    else:
        marks = Mark.NONE
    return SystemDie(10, face, kind, marks)
