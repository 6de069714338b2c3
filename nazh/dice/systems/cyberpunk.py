"""Cyberpunk RED: a skill check, STAT + skill + d10, where a 10 adds another d10 and a 1
takes one away (`cpr(bonus)`, `cpr(bonus, dv=15)`).

The outcome: without a DV, the roll's critical if it has one (**critical success** on a 10,
**critical failure** on a 1), else just the total; with a DV, **success** when the total beats
it (is higher) and **failure** otherwise, a critical then named in the reason.
"""

from __future__ import annotations

from dataclasses import dataclass
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
from nazh.dice.systems.extras import ShownDie

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from fractions import Fraction

    from nazh.dice.systems.core import Source

__all__ = ("MAX_BONUS", "MAX_DV", "Cyberpunk", "CyberpunkBound", "check_total")

MAX_BONUS = 100
"""Largest STAT + skill + modifiers (or penalty) of a check."""

MAX_DV = 1000
"""Largest difficulty value."""

_CRITICAL_SUCCESS = "a critical success: the 10 added a d10"
_CRITICAL_FAILURE = "a critical failure: the 1 took away a d10"


def check_total(first: int, second: int, bonus: int) -> int:
    """A check's total from its d10 and, on a 10 or a 1, the second d10 (ignored otherwise)."""
    if first == 10:
        return bonus + first + second
    if first == 1:
        return bonus + first - second
    return bonus + first


@dataclass(frozen=True, slots=True)
class CyberpunkBound(Bound):
    """A skill check: STAT + skill (+ modifiers), and the DV to beat, if any."""

    bonus: int
    dv: int | None


class Cyberpunk(System[CyberpunkBound]):
    """STAT + skill + d10; a 10 rolls another d10 and adds it, a 1 rolls another and subtracts
    it (the second die never does this again). Against a DV, the total must beat it."""

    __slots__ = ()

    name = "cpr"
    title = "Cyberpunk RED"
    usage = "cpr(bonus[, dv=N])"
    card = (
        "A skill check: d10 + STAT + skill. A 10 is a **critical success**: roll another d10"
        " and add it; a 1 a **critical failure**: roll another d10 and subtract it (once,"
        " never again on the second die).\n"
        "With `dv=`, the total must beat the DV (be higher) for a **success**, else a"
        " **failure**.\n"
        "Examples: `cpr(12)`, `cpr(+9, dv=15)`"
    )
    outcomes = ("critical failure", "failure", PLAIN, "success", "critical success")
    typical = "cpr(12, dv=15)"

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> CyberpunkBound:
        expect_arguments(self, positional, named, least=0, most=1, names=("dv",))
        bonus = (
            integer_argument(self, positional[0], "the bonus", -MAX_BONUS, MAX_BONUS)
            if positional
            else 0
        )
        dv = integer_argument(self, named["dv"], "the DV", 0, MAX_DV) if "dv" in named else None
        extra = {} if dv is None else {"dv": dv}
        return CyberpunkBound(call_text(self.name, bonus, **extra), bonus, dv)

    def roll(self, bound: CyberpunkBound, source: Source) -> SystemRoll:
        first = source.one(10)
        dice: list[SystemDie] = []
        second = 0
        if first == 10:
            second = source.one(10)
            dice = [
                SystemDie(10, first, marks=Mark.EXPLODED | Mark.COUNTED),
                SystemDie(10, second, "critical"),
            ]
        elif first == 1:
            second = source.one(10)
            dice = [
                SystemDie(10, first, marks=Mark.BANE),
                ShownDie(10, second, "critical", shown=f"-{second}"),
            ]
        else:
            dice = [SystemDie(10, first)]
        total = check_total(first, second, bound.bonus)
        name, reason = _outcome(first, total, bound.dv)
        details = {"die": first, "second": second}
        if bound.dv is not None:
            details["dv"] = bound.dv
        return SystemRoll(
            system=self.name,
            call=bound.call,
            groups=(DiceGroup(tuple(dice)),),
            total=total,
            outcome=self.outcome(name, reason),
            details=details,
            modifier=bound.bonus,
        )

    def exact_odds(self, bound: CyberpunkBound) -> Mapping[str, Fraction]:
        ways: dict[str, int] = {}
        for first in range(1, 11):
            seconds = range(1, 11) if first in (1, 10) else (0,)
            weight = 1 if first in (1, 10) else 10
            for second in seconds:
                name, _ = _outcome(first, check_total(first, second, bound.bonus), bound.dv)
                ways[name] = ways.get(name, 0) + weight
        return fractions_of(ways, 100)


def _outcome(first: int, total: int, dv: int | None) -> tuple[str, str | None]:
    reason = _CRITICAL_SUCCESS if first == 10 else _CRITICAL_FAILURE if first == 1 else None
    if dv is not None:
        return ("success" if total > dv else "failure"), reason
    if first == 10:
        return "critical success", None
    return ("critical failure" if first == 1 else PLAIN), None
