"""Savage Worlds (Adventure Edition): a Wild Card's trait die and Wild Die, both acing."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from nazh.dice.errors import LimitError
from nazh.dice.limits import MAX_CHAIN
from nazh.dice.systems.core import (
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

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from nazh.dice.systems.core import Source

__all__ = ("MAX_MODIFIER", "RAISE", "TRAIT_DICE", "WILD", "Sw", "SwBound", "at_least")

TRAIT_DICE = (4, 6, 8, 10, 12)
"""The trait dice."""

MAX_MODIFIER = 100
"""Largest modifier, and (positive) largest target number."""

WILD = 6
"""Sides of the Wild Die."""

RAISE = 4
"""Points over the target number for each raise."""


@dataclass(frozen=True, slots=True)
class SwBound(Bound):
    """A trait roll: the trait die's sides, the modifier, and the target number."""

    sides: int
    modifier: int
    target: int


class Sw(System[SwBound]):
    """A Wild Card's trait roll: the trait die and a d6 Wild Die, each acing (a top face adds a
    roll of the same die, again and again), the higher plus the modifier. At the target number
    (4) a success, each 4 more a raise; a 1 on both dice is a critical failure."""

    __slots__ = ()

    name = "sw"
    title = "Savage Worlds (Adventure Edition)"
    usage = "sw(d[, mod][, tn=n])"
    card = (
        "The trait die (d4 to d12) and a d6 Wild Die, both acing (a top face rolls again and"
        " adds); the higher counts, plus the modifier.\n"
        "4 (or `tn=`) is a **success**, every 4 more a **raise**; a 1 on both dice (snake eyes)"
        " is a **critical failure**.\n"
        "Examples: `sw(8)`, `sw(d6, +1)`, `sw(10, -2, tn=6)`"
    )
    outcomes = ("critical failure", "failure", "success", "raise")
    typical = "sw(d8)"

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> SwBound:
        expect_arguments(self, positional, named, least=1, most=2, names=("tn",))
        text = positional[0].lower().removeprefix("d")
        sides = integer_argument(self, text, "the trait die", 0, 1000, limit=False)
        if sides not in TRAIT_DICE:
            raise self.usage_error(f"the trait die is a d4, d6, d8, d10 or d12, not d{sides}")
        modifier = (
            integer_argument(self, positional[1], "the modifier", -MAX_MODIFIER, MAX_MODIFIER)
            if len(positional) > 1
            else 0
        )
        target = (
            integer_argument(self, named["tn"], "the target number", 1, MAX_MODIFIER)
            if "tn" in named
            else RAISE
        )
        parts: list[object] = [f"d{sides}"]
        if modifier:
            parts.append(modifier)
        extra = {"tn": target} if target != RAISE else {}
        return SwBound(call_text(self.name, *parts, **extra), sides, modifier, target)

    def roll(self, bound: SwBound, source: Source) -> SystemRoll:
        trait = _ace(source, bound.sides)
        wild = _ace(source, WILD)
        snake_eyes = trait[0] == 1 and wild[0] == 1
        best = max(sum(trait), sum(wild))
        total = best + bound.modifier
        raises = (total - bound.target) // RAISE if total >= bound.target else 0
        if snake_eyes:
            name = "critical failure"
        elif total < bound.target:
            name = "failure"
        else:
            name = "raise" if raises else "success"
        wild_counts = sum(wild) > sum(trait)
        groups = (
            DiceGroup(
                _dice(trait, bound.sides, "", counted=not wild_counts, snake_eyes=snake_eyes),
                f"d{bound.sides}",
                sum(trait),
            ),
            DiceGroup(
                _dice(wild, WILD, "wild", counted=wild_counts, snake_eyes=snake_eyes),
                f"wild d{WILD}",
                sum(wild),
            ),
        )
        reason = "snake eyes" if snake_eyes else f"{raises} raises" if raises > 1 else None
        return SystemRoll(
            system=self.name,
            call=bound.call,
            groups=groups,
            total=total,
            outcome=self.outcome(name, reason),
            details={"trait": sum(trait), "wild": sum(wild), "raises": raises},
            modifier=bound.modifier,
        )

    def exact_odds(self, bound: SwBound) -> Mapping[str, Fraction]:
        snake_eyes = Fraction(1, bound.sides * WILD)

        def reaches(goal: int) -> Fraction:
            """P(total >= goal and not snake eyes): snake eyes totals 1 + modifier."""
            needed = goal - bound.modifier
            best = 1 - (1 - at_least(bound.sides, needed)) * (1 - at_least(WILD, needed))
            return best - (snake_eyes if needed <= 1 else 0)

        success = reaches(bound.target)
        raised = reaches(bound.target + RAISE)
        return {
            "critical failure": snake_eyes,
            "failure": 1 - snake_eyes - success,
            "success": success - raised,
            "raise": raised,
        }


def at_least(sides: int, goal: int) -> Fraction:
    """P(an acing die with `sides` sides totals at least `goal`), exactly.

    The total is `sides * k + r` (k aces, then a face r from 1 to sides - 1) with chance
    `sides ** -(k + 1)`; more than k aces has chance `sides ** -(k + 1)` too."""
    if goal <= 1:
        return Fraction(1)
    aces = (goal - 1) // sides
    rest = goal - sides * aces
    return Fraction(sides - rest + 1, sides ** (aces + 1))


def _ace(source: Source, sides: int) -> list[int]:
    faces: list[int] = []
    for _ in range(MAX_CHAIN + 1):
        faces.append(source.one(sides))
        if faces[-1] != sides:
            return faces
    raise LimitError(f"a die may ace at most {MAX_CHAIN} times")


def _dice(
    faces: list[int], sides: int, kind: str, *, counted: bool, snake_eyes: bool
) -> tuple[SystemDie, ...]:
    dice: list[SystemDie] = []
    for face in faces:
        marks = Mark.EXPLODED if face == sides else Mark.NONE
        if snake_eyes:
            marks |= Mark.BANE
        elif not counted:
            marks |= Mark.DROPPED
        dice.append(SystemDie(sides, face, kind, marks))
    return tuple(dice)
