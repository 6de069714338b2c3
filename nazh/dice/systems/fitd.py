"""Forged in the Dark (Blades in the Dark): the highest of a pool of d6s."""

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
from nazh.dice.systems.counting import fractions_of

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from fractions import Fraction

    from nazh.dice.systems.core import Source

__all__ = ("Fitd", "FitdBound")

_ZERO_REASON = "zero dice: the lower of two"


@dataclass(frozen=True, slots=True)
class FitdBound(Bound):
    """An action roll: the dice in the pool (0 rolls two and takes the lower)."""

    dice: int


class Fitd(System[FitdBound]):
    """An action roll: the highest die of the pool; 1-3 a failure, 4-5 a partial success, 6 a
    success, two or more 6s a critical. With zero dice, the lower of two dice and no critical."""

    __slots__ = ()

    name = "fitd"
    title = "Blades in the Dark / Forged in the Dark"
    usage = "fitd(n)"
    card = (
        "An action roll: n d6, the highest counts. 1-3 **failure**, 4-5 **partial success**,"
        " 6 **success**, two or more 6s **critical**.\n"
        "With 0 dice, roll two and take the lower (no critical).\n"
        "Examples: `fitd(3)`, `fitd(0)`"
    )
    outcomes = ("failure", "partial success", "success", "critical")
    typical = "fitd(3)"

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> FitdBound:
        expect_arguments(self, positional, named, least=1, most=1)
        dice = integer_argument(self, positional[0], "the dice pool", 0, MAX_POOL)
        return FitdBound(call_text(self.name, dice), dice)

    def roll(self, bound: FitdBound, source: Source) -> SystemRoll:
        if bound.dice == 0:
            faces = source.roll(2, 6)
            result = min(faces)
            chosen = faces.index(result)
            dice = tuple(
                SystemDie(6, face, marks=Mark.COUNTED if index == chosen else Mark.DROPPED)
                for index, face in enumerate(faces)
            )
            outcome = self.outcome(_result(result, 1), _ZERO_REASON)
            sixes = faces.count(6)
        else:
            faces = source.roll(bound.dice, 6)
            result = max(faces)
            sixes = faces.count(6)
            chosen = faces.index(result)
            dice = tuple(
                SystemDie(
                    6,
                    face,
                    marks=Mark.COUNTED
                    if index == chosen or (sixes > 1 and face == 6)
                    else Mark.NONE,
                )
                for index, face in enumerate(faces)
            )
            outcome = self.outcome(_result(result, sixes))
        return SystemRoll(
            system=self.name,
            call=bound.call,
            groups=(DiceGroup(dice),),
            total=None,
            outcome=outcome,
            details={"result": result, "sixes": sixes},
        )

    def exact_odds(self, bound: FitdBound) -> Mapping[str, Fraction]:
        n = bound.dice
        if n == 0:
            # the lower of two dice is at least k in (7 - k) ** 2 of the 36 rolls
            return fractions_of(
                {"failure": 36 - 3**2, "partial success": 3**2 - 1, "success": 1}, 36
            )
        one_six = n * 5 ** (n - 1)
        return fractions_of(
            {
                "failure": 3**n,
                "partial success": 5**n - 3**n,
                "success": one_six,
                "critical": 6**n - 5**n - one_six,
            },
            6**n,
        )


def _result(highest: int, sixes: int) -> str:
    if highest <= 3:
        return "failure"
    if highest <= 5:
        return "partial success"
    return "critical" if sixes > 1 else "success"
