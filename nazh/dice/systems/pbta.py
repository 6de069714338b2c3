"""Powered by the Apocalypse: 2d6 + modifier, a miss, a weak hit or a strong hit."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nazh.dice.systems.core import (
    Bound,
    DiceGroup,
    System,
    SystemDie,
    SystemRoll,
    call_text,
    expect_arguments,
    integer_argument,
)
from nazh.dice.systems.counting import fractions_of

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from fractions import Fraction

    from nazh.dice.systems.core import Source

__all__ = ("MAX_MODIFIER", "Pbta", "PbtaBound")

MAX_MODIFIER = 100
"""Largest modifier of a move."""


@dataclass(frozen=True, slots=True)
class PbtaBound(Bound):
    """A move: its modifier."""

    modifier: int


class Pbta(System[PbtaBound]):
    """A move: 2d6 + modifier; 6 or less a miss, 7 to 9 a weak hit, 10 or more a strong hit."""

    __slots__ = ()

    name = "pbta"
    title = "Powered by the Apocalypse"
    usage = "pbta(mod)"
    card = (
        "A move: 2d6 + your stat. 6 or less is a **miss**, 7 to 9 a **weak hit** (success with"
        " a cost), 10 or more a **strong hit**.\n"
        "Examples: `pbta(1)`, `pbta(+2)`, `pbta(-1)`"
    )
    outcomes = ("miss", "weak hit", "strong hit")
    typical = "pbta(1)"

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> PbtaBound:
        expect_arguments(self, positional, named, least=0, most=1)
        modifier = (
            integer_argument(self, positional[0], "the modifier", -MAX_MODIFIER, MAX_MODIFIER)
            if positional
            else 0
        )
        return PbtaBound(call_text(self.name, modifier), modifier)

    def roll(self, bound: PbtaBound, source: Source) -> SystemRoll:
        faces = source.roll(2, 6)
        total = sum(faces) + bound.modifier
        return SystemRoll(
            system=self.name,
            call=bound.call,
            groups=(DiceGroup(tuple(SystemDie(6, face) for face in faces), "2d6"),),
            total=total,
            outcome=self.outcome(_result(total)),
            modifier=bound.modifier,
        )

    def exact_odds(self, bound: PbtaBound) -> Mapping[str, Fraction]:
        ways: dict[str, int] = {}
        for first in range(1, 7):
            for second in range(1, 7):
                name = _result(first + second + bound.modifier)
                ways[name] = ways.get(name, 0) + 1
        return fractions_of(ways, 36)


def _result(total: int) -> str:
    if total <= 6:
        return "miss"
    return "weak hit" if total <= 9 else "strong hit"
