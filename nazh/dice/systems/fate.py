"""Fate Core: four Fate dice plus a skill, read on the Fate ladder (`fate(skill)`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nazh.dice.systems.core import (
    FATE_KIND,
    Bound,
    DiceGroup,
    System,
    SystemRoll,
    call_text,
    expect_arguments,
    integer_argument,
)
from nazh.dice.systems.counting import fractions_of
from nazh.dice.systems.extras import ShownDie

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from fractions import Fraction

    from nazh.dice.systems.core import Source

__all__ = ("LADDER", "MAX_SKILL", "Fate", "FateBound", "ladder_name")

LADDER: dict[int, str] = {
    8: "legendary",
    7: "epic",
    6: "fantastic",
    5: "superb",
    4: "great",
    3: "good",
    2: "fair",
    1: "average",
    0: "mediocre",
    -1: "poor",
    -2: "terrible",
}
"""The Fate ladder's named rungs (Fate Core SRD, "The Ladder"), by value."""

MAX_SKILL = 10
"""Largest skill (or penalty) of a Fate roll; the outcomes name every total it can give."""

_DICE = 4
_SPAN = MAX_SKILL + _DICE
_FATE_TEXT = {1: "-", 2: "0", 3: "+"}


def ladder_name(value: int) -> str:
    """The ladder's word for `value` (`good` for +3); beyond it, the signed number (`+9`)."""
    return LADDER.get(value, f"{value:+d}")


@dataclass(frozen=True, slots=True)
class FateBound(Bound):
    """A Fate roll: the skill added to the four dice."""

    skill: int


class Fate(System[FateBound]):
    """4dF + skill; the outcome is the total's rung on the Fate ladder, from terrible (-2) to
    legendary (+8), and the signed number beyond it (`-3`, `+9`)."""

    __slots__ = ()

    name = "fate"
    title = "Fate Core"
    usage = "fate(skill)"
    card = (
        "Four Fate dice (each -, 0 or +) plus your skill, read on the ladder: **terrible** (-2),"
        " **poor**, **mediocre** (0), **average**, **fair**, **good**, **great**, **superb**,"
        " **fantastic**, **epic**, **legendary** (+8); beyond it the number itself (+9).\n"
        f"The skill goes from -{MAX_SKILL} to +{MAX_SKILL}.\n"
        "Examples: `fate(2)`, `fate(+4)`, `fate(0)`"
    )
    outcomes = tuple(ladder_name(value) for value in range(-_SPAN, _SPAN + 1))
    typical = "fate(+2)"

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> FateBound:
        expect_arguments(self, positional, named, least=0, most=1)
        skill = (
            integer_argument(self, positional[0], "the skill", -MAX_SKILL, MAX_SKILL)
            if positional
            else 0
        )
        return FateBound(call_text(self.name, f"{skill:+d}" if skill else 0), skill)

    def roll(self, bound: FateBound, source: Source) -> SystemRoll:
        faces = source.roll(_DICE, 3)
        dice = tuple(ShownDie(3, face, kind=FATE_KIND, shown=_FATE_TEXT[face]) for face in faces)
        rolled = sum(faces) - 2 * _DICE
        total = rolled + bound.skill
        return SystemRoll(
            system=self.name,
            call=bound.call,
            groups=(DiceGroup(dice, "4dF"),),
            total=total,
            outcome=self.outcome(ladder_name(total)),
            details={"dice": rolled},
            modifier=bound.skill,
        )

    def exact_odds(self, bound: FateBound) -> Mapping[str, Fraction]:
        ways: dict[str, int] = {}
        sums = {0: 1}
        for _ in range(_DICE):
            step: dict[int, int] = {}
            for value, count in sums.items():
                for face in (-1, 0, 1):
                    step[value + face] = step.get(value + face, 0) + count
            sums = step
        for value, count in sums.items():
            ways[ladder_name(value + bound.skill)] = count
        return fractions_of(ways, 3**_DICE)
