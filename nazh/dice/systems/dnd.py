"""Dungeons & Dragons 5e: the d20 test (`dnd(bonus, adv)`) and ability scores (`dndstats`)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import product
from typing import TYPE_CHECKING

from nazh.dice.systems.core import (
    PLAIN,
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

__all__ = ("MAX_BONUS", "STANDARD_ARRAY", "Dnd", "DndBound", "DndStats")

MAX_BONUS = 1000
"""Largest bonus or penalty of a d20 test."""

STANDARD_ARRAY = (15, 14, 13, 12, 10, 8)
"""The 5e standard array; `dndstats` compares a rolled set's total with its total, 72."""

_MODES = {
    "adv": "adv",
    "advantage": "adv",
    "dis": "dis",
    "disadvantage": "dis",
}


@dataclass(frozen=True, slots=True)
class DndBound(Bound):
    """A d20 test: the bonus, and `mode` "adv", "dis" or "" (a single d20)."""

    bonus: int
    mode: str


class Dnd(System[DndBound]):
    """The d20 test: d20 + bonus, with advantage or disadvantage; a natural 20 is a critical,
    a natural 1 a fumble, anything else just its total."""

    __slots__ = ()

    name = "dnd"
    title = "Dungeons & Dragons 5e (d20 test)"
    usage = "dnd(bonus[, adv|dis])"
    card = (
        "A d20 test: d20 + bonus. `adv` rolls two d20 and keeps the higher, `dis` the lower.\n"
        "A natural 20 is a **critical**, a natural 1 a **fumble** (5e: on an attack roll a 20"
        " always hits with a critical hit, a 1 always misses); otherwise the total is the"
        " result.\n"
        "Examples: `dnd(5)`, `dnd(+3, adv)`, `dnd(-1, dis)`"
    )
    outcomes = ("fumble", PLAIN, "critical")
    typical = "dnd(5, adv)"

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> DndBound:
        expect_arguments(self, positional, named, least=0, most=2)
        bonus: int | None = None
        mode = ""
        for text in positional:
            word = text.lower()
            if word in _MODES:
                if mode:
                    raise self.usage_error("choose one of `adv` and `dis`")
                mode = _MODES[word]
            elif bonus is None:
                bonus = integer_argument(self, text, "the bonus", -MAX_BONUS, MAX_BONUS)
            else:
                raise self.usage_error(f"`{text}` is neither `adv` nor `dis`")
        bonus = bonus or 0
        parts: list[object] = [bonus, mode] if mode else [bonus]
        return DndBound(call_text(self.name, *parts), bonus, mode)

    def roll(self, bound: DndBound, source: Source) -> SystemRoll:
        faces = source.roll(2 if bound.mode else 1, 20)
        pick = max if bound.mode == "adv" else min
        natural = pick(faces)
        kept = faces.index(natural)
        marks = Mark.COUNTED if natural == 20 else Mark.BANE if natural == 1 else Mark.NONE
        dice = tuple(
            SystemDie(20, face, marks=marks if index == kept else Mark.DROPPED)
            for index, face in enumerate(faces)
        )
        name = "critical" if natural == 20 else "fumble" if natural == 1 else PLAIN
        return SystemRoll(
            system=self.name,
            call=bound.call,
            groups=(DiceGroup(dice, f"{len(faces)}d20" if bound.mode else "d20"),),
            total=natural + bound.bonus,
            outcome=self.outcome(name),
            details={"natural": natural},
            modifier=bound.bonus,
        )

    def exact_odds(self, bound: DndBound) -> Mapping[str, Fraction]:
        if not bound.mode:
            return fractions_of({"fumble": 1, PLAIN: 18, "critical": 1}, 20)
        high = 400 - 19 * 19
        low = 1
        if bound.mode == "dis":
            high, low = low, high
        return fractions_of({"fumble": low, PLAIN: 400 - high - low, "critical": high}, 400)


def _score_ways() -> dict[int, int]:
    """How many of the 6**4 rolls of 4d6 give each sum of the highest three."""
    ways: dict[int, int] = {}
    for faces in product(range(1, 7), repeat=4):
        score = sum(faces) - min(faces)
        ways[score] = ways.get(score, 0) + 1
    return ways


class DndStats(System[Bound]):
    """Six ability scores, each 4d6 keeping the highest three, sorted, with their total. The
    outcome compares the total with the standard array's (72): a player's usual question."""

    __slots__ = ()

    name = "dndstats"
    title = "Dungeons & Dragons 5e (ability scores)"
    usage = "dndstats"
    card = (
        "Six ability scores, each the highest three of 4d6, listed highest first, with their"
        " total.\n"
        "The outcome compares the total with the standard array's (15, 14, 13, 12, 10, 8:"
        " 72): **below standard**, **standard** or **above standard**.\n"
        "Example: `dndstats`"
    )
    outcomes = ("below standard", "standard", "above standard")
    typical = "dndstats"

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> Bound:
        expect_arguments(self, positional, named, least=0, most=0)
        return Bound(self.name)

    def roll(self, bound: Bound, source: Source) -> SystemRoll:
        groups: list[DiceGroup] = []
        for _ in range(6):
            faces = source.roll(4, 6)
            lowest = faces.index(min(faces))
            dice = tuple(
                SystemDie(6, face, marks=Mark.DROPPED if index == lowest else Mark.NONE)
                for index, face in enumerate(faces)
            )
            groups.append(DiceGroup(dice, value=sum(faces) - faces[lowest]))
        groups.sort(key=lambda group: group.value or 0, reverse=True)
        total = sum(group.value or 0 for group in groups)
        return SystemRoll(
            system=self.name,
            call=bound.call,
            groups=tuple(groups),
            total=total,
            outcome=self.outcome(_band(total), f"the standard array totals {sum(STANDARD_ARRAY)}"),
            details={"highest": groups[0].value or 0, "lowest": groups[-1].value or 0},
        )

    def exact_odds(self, bound: Bound) -> Mapping[str, Fraction]:
        score = _score_ways()
        totals = {0: 1}
        for _ in range(6):
            step: dict[int, int] = {}
            for total, ways in totals.items():
                for value, more in score.items():
                    step[total + value] = step.get(total + value, 0) + ways * more
            totals = step
        bands: dict[str, int] = {}
        for total, ways in totals.items():
            bands[_band(total)] = bands.get(_band(total), 0) + ways
        return fractions_of(bands, 6**24)


def _band(total: int) -> str:
    standard = sum(STANDARD_ARRAY)
    if total < standard:
        return "below standard"
    return "standard" if total == standard else "above standard"
