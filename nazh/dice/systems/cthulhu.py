"""Call of Cthulhu 7th edition: a percentile roll under a skill, with bonus and penalty dice
(`coc(skill, bonus=0, penalty=0)`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nazh.dice.systems.core import (
    Bound,
    DiceGroup,
    Mark,
    System,
    SystemRoll,
    call_text,
    expect_arguments,
)
from nazh.dice.systems.counting import fractions_of
from nazh.dice.systems.extras import ShownDie, integer_parameters

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from fractions import Fraction

    from nazh.dice.systems.core import Source

__all__ = ("MAX_EXTRA", "MAX_SKILL", "Cthulhu", "CthulhuBound", "percentile", "success_level")

MAX_SKILL = 999
"""Largest skill value (skills past 100 are rare, but characteristics of monsters are not)."""

MAX_EXTRA = 10
"""Most bonus (or penalty) dice in one call; the rules rarely give more than two."""

_PARAMS = {"skill": (0, MAX_SKILL), "bonus": (0, MAX_EXTRA), "penalty": (0, MAX_EXTRA)}


def percentile(tens: int, units: int) -> int:
    """The roll read from a tens die and a units die, each 0 to 9: `00` and `0` read 100."""
    value = 10 * tens + units
    return value or 100


def success_level(roll: int, skill: int) -> str:
    """The outcome of percentile `roll` against `skill`."""
    if roll == 1:
        return "critical success"
    if roll == 100 or (skill < 50 and roll >= 96):
        return "fumble"
    if roll <= skill // 5:
        return "extreme success"
    if roll <= skill // 2:
        return "hard success"
    return "regular success" if roll <= skill else "failure"


@dataclass(frozen=True, slots=True)
class CthulhuBound(Bound):
    """A skill roll: the skill and the net bonus dice (negative: penalty dice)."""

    skill: int
    net: int


class Cthulhu(System[CthulhuBound]):
    """A d100 roll under a skill: 01 a critical, at most a fifth of the skill an extreme
    success, at most half a hard success, at most the skill a regular success; 100 a fumble,
    and 96 to 100 when the skill is under 50. Bonus (penalty) dice roll extra tens dice and
    keep the best (worst) roll; a bonus die and a penalty die cancel."""

    __slots__ = ()

    name = "coc"
    title = "Call of Cthulhu 7th edition"
    usage = "coc(skill, bonus=0, penalty=0)"
    card = (
        "Roll d100 under your skill: **critical success** on 01, **extreme success** at most a"
        " fifth of it, **hard success** at most half, **regular success** at most the skill,"
        " else **failure**; **fumble** on 100, or 96-100 when the skill is below 50.\n"
        "Each bonus (penalty) die rolls another tens die and keeps the better (worse) roll;"
        " bonus and penalty dice cancel one for one.\n"
        "Examples: `coc(60)`, `coc(45, bonus=1)`, `coc(70, penalty=2)`"
    )
    outcomes = (
        "fumble",
        "failure",
        "regular success",
        "hard success",
        "extreme success",
        "critical success",
    )
    typical = "coc(60, bonus=1)"

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> CthulhuBound:
        expect_arguments(self, positional, named, least=0, most=3, names=tuple(_PARAMS))
        values = integer_parameters(self, positional, named, _PARAMS)
        if "skill" not in values:
            raise self.usage_error("give the skill")
        skill = values["skill"]
        bonus, penalty = values.get("bonus", 0), values.get("penalty", 0)
        net = bonus - penalty
        extra: dict[str, object] = {}
        if net > 0:
            extra["bonus"] = net
        elif net < 0:
            extra["penalty"] = -net
        return CthulhuBound(call_text(self.name, skill, **extra), skill, net)

    def roll(self, bound: CthulhuBound, source: Source) -> SystemRoll:
        tens_faces = source.roll(1 + abs(bound.net), 10)
        units_face = source.one(10)
        units = units_face % 10
        rolls = [percentile(face % 10, units) for face in tens_faces]
        pick = min if bound.net >= 0 else max
        result = pick(rolls)
        kept = rolls.index(result)
        tens = tuple(
            ShownDie(
                10,
                face,
                "tens",
                Mark.NONE if index == kept else Mark.DROPPED,
                f"{face % 10}0",
            )
            for index, face in enumerate(tens_faces)
        )
        level = success_level(result, bound.skill)
        return SystemRoll(
            system=self.name,
            call=bound.call,
            groups=(
                DiceGroup(tens, "tens"),
                DiceGroup((ShownDie(10, units_face, "units", shown=str(units)),), "units"),
            ),
            total=result,
            outcome=self.outcome(level, _reason(result, bound.skill)),
            details={"skill": bound.skill, "hard": bound.skill // 2, "extreme": bound.skill // 5},
        )

    def exact_odds(self, bound: CthulhuBound) -> Mapping[str, Fraction]:
        dice = 1 + abs(bound.net)
        ways: dict[str, int] = {}
        for units in range(10):
            rolls = sorted(percentile(tens, units) for tens in range(10))
            if bound.net < 0:
                rolls.reverse()
            # the best (worst) of `dice` tens dice is the i-th best (worst) roll in
            # (10 - i) ** dice - (9 - i) ** dice of the 10 ** dice throws
            for index, value in enumerate(rolls):
                level = success_level(value, bound.skill)
                count = (10 - index) ** dice - (9 - index) ** dice
                ways[level] = ways.get(level, 0) + count
        return fractions_of(ways, 10 ** (dice + 1))


def _reason(result: int, skill: int) -> str | None:
    if 96 <= result < 100 and skill < 50:
        return "96 or more with a skill below 50"
    return None
