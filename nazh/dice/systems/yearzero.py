"""The Year Zero Engine (Mutant: Year Zero, Forbidden Lands, Vaesen...): base, skill and gear
d6s, each 6 a success (`yz(base, skill, gear)`).

A 1 on a base die or a gear die is a bane: it harms only when the roll is pushed (a second
roll, made after this one), so banes are counted and shown but change neither the outcome nor
its odds.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from nazh.dice.errors import LimitError
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
)
from nazh.dice.systems.extras import integer_parameters

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from nazh.dice.systems.core import Source

__all__ = ("KINDS", "YearZero", "YearZeroBound")

KINDS = ("base", "skill", "gear")
"""The three kinds of dice, in the order they are written and rolled."""

_RANGES: dict[str, tuple[int, int]] = dict.fromkeys(KINDS, (0, MAX_POOL))
_BANE_KINDS = ("base", "gear")


@dataclass(frozen=True, slots=True)
class YearZeroBound(Bound):
    """A Year Zero roll: how many base, skill and gear dice."""

    base: int
    skill: int
    gear: int

    @property
    def dice(self) -> int:
        """Every die of the roll."""
        return self.base + self.skill + self.gear


class YearZero(System[YearZeroBound]):
    """Base (attribute), skill and gear d6s rolled together: at least one 6 is a success, each
    6 one success; 1s on base and gear dice are banes, which count when the roll is pushed."""

    __slots__ = ()

    name = "yz"
    title = "Year Zero Engine"
    usage = "yz(base, skill=0, gear=0)"
    card = (
        "Roll base (attribute), skill and gear d6s together: each 6 is a success, and at least"
        " one makes the roll a **success**, else a **failure**.\n"
        "1s on base and gear dice are banes: they hurt only if you push the roll (roll again),"
        " so they are shown but do not change the outcome.\n"
        "Examples: `yz(3, 2, 1)`, `yz(4)`, `yz(3, gear=2)`"
    )
    outcomes = ("failure", "success")
    typical = "yz(3, 2, 1)"

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> YearZeroBound:
        expect_arguments(self, positional, named, least=0, most=3, names=KINDS)
        values = integer_parameters(self, positional, named, _RANGES)
        base, skill, gear = (values.get(kind, 0) for kind in KINDS)
        if base + skill + gear == 0:
            raise self.usage_error("roll at least one die")
        if base + skill + gear > MAX_POOL:
            raise LimitError(f"a Year Zero roll may roll at most {MAX_POOL} dice in all")
        parts = [base, skill, gear][: 3 if gear else 2 if skill else 1]
        return YearZeroBound(call_text(self.name, *parts), base, skill, gear)

    def roll(self, bound: YearZeroBound, source: Source) -> SystemRoll:
        groups: list[DiceGroup] = []
        successes = 0
        banes: dict[str, int] = {}
        for kind, count in zip(KINDS, (bound.base, bound.skill, bound.gear), strict=True):
            if not count:
                continue
            faces = source.roll(count, 6)
            successes += faces.count(6)
            if kind in _BANE_KINDS:
                banes[kind] = faces.count(1)
            dice = tuple(SystemDie(6, face, kind, _mark(kind, face)) for face in faces)
            groups.append(DiceGroup(dice, kind))
        return SystemRoll(
            system=self.name,
            call=bound.call,
            groups=tuple(groups),
            total=successes,
            outcome=self.outcome("success" if successes else "failure"),
            details={
                "successes": successes,
                "base banes": banes.get("base", 0),
                "gear banes": banes.get("gear", 0),
            },
            noun="success",
        )

    def exact_odds(self, bound: YearZeroBound) -> Mapping[str, Fraction]:
        failure = Fraction(5, 6) ** bound.dice
        return {"failure": failure, "success": 1 - failure}


def _mark(kind: str, face: int) -> Mark:
    if face == 6:
        return Mark.COUNTED
    return Mark.BANE if face == 1 and kind in _BANE_KINDS else Mark.NONE
