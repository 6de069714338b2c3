"""Shadowrun 5th (`sr`) and 6th World (`sr6`) editions: hits on a pool of d6s, and glitches."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, ClassVar

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

__all__ = ("Sr", "Sr6", "SrBound")

_GLITCH = "more than half the dice show 1"


@dataclass(frozen=True, slots=True)
class SrBound(Bound):
    """A Shadowrun test: the pool, whether one of its dice is a wild die, and whether every
    failed die is rerolled once (an Edge boost)."""

    pool: int
    wild: bool = False
    reroll: bool = False


class Sr(System[SrBound]):
    """Shadowrun 5th edition: d6s, 5 or 6 a hit. More than half the dice showing 1 is a
    glitch; a glitch without a hit a critical glitch. A glitch with hits still succeeds."""

    __slots__ = ()

    name = "sr"
    title = "Shadowrun 5th edition"
    usage = "sr(n)"
    card = (
        "d6s, 5 or 6 a hit. More than half the dice showing 1: a **glitch** (the test can still"
        " succeed); a glitch with no hit: a **critical glitch**.\n"
        "For 6th World, with its options, use `sr6`.\n"
        "Examples: `sr(8)`, `sr(12)`"
    )
    outcomes = ("critical glitch", "failure", "glitch", "success")
    typical = "sr(8)"
    options: ClassVar[tuple[str, ...]] = ()

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> SrBound:
        expect_arguments(self, positional, named, least=1, most=1 + len(self.options))
        pool = integer_argument(self, positional[0], "the dice pool", 1, MAX_POOL)
        chosen: set[str] = set()
        for text in positional[1:]:
            word = text.lower()
            if word not in self.options or word in chosen:
                known = " or ".join(f"`{option}`" for option in self.options)
                raise self.usage_error(f"`{text}` is not {known} (once)")
            chosen.add(word)
        if "wild" in chosen and pool < 2:
            raise self.usage_error("a wild die needs a pool of at least 2")
        words = [option for option in self.options if option in chosen]
        return SrBound(
            call_text(self.name, pool, *words),
            pool,
            wild="wild" in chosen,
            reroll="reroll" in chosen,
        )

    def roll(self, bound: SrBound, source: Source) -> SystemRoll:
        first = source.roll(bound.pool, 6)
        faces = list(first)
        rerolled: list[int] = []
        if bound.reroll:
            rerolled = [index for index, face in enumerate(first) if face < 5]
            for index, face in zip(rerolled, source.roll(len(rerolled), 6), strict=True):
                faces[index] = face
        wild = faces[-1] if bound.wild else None
        regular = faces[:-1] if bound.wild else faces
        hits, ones = _count(regular, wild)
        name = _result(bound.pool, hits, ones)
        cancelled = wild == 1
        shown: list[list[SystemDie]] = [[], []]
        for index, face in enumerate(faces):
            is_wild = bound.wild and index == bound.pool - 1
            kind = "wild" if is_wild else ""
            if index in rerolled:
                shown[is_wild].append(SystemDie(6, first[index], kind, Mark.DROPPED))
            shown[is_wild].append(_die(face, kind, name, cancelled and not is_wild))
        groups = [DiceGroup(tuple(shown[0]))]
        if bound.wild:
            groups.append(DiceGroup(tuple(shown[1]), "wild"))
        reason = _GLITCH if "glitch" in name else None
        if cancelled and 5 in regular:
            reason = "the wild die's 1 cancels every 5" + (f"; {reason}" if reason else "")
        return SystemRoll(
            system=self.name,
            call=bound.call,
            groups=tuple(groups),
            total=hits,
            outcome=self.outcome(name, reason),
            details={"hits": hits, "ones": ones, "rerolled": len(rerolled)},
            noun="hit",
        )

    def exact_odds(self, bound: SrBound) -> Mapping[str, Fraction]:
        # one die's final face, counted in `sides` equally likely cases: once, or with its
        # failures (1 to 4) rolled again
        if bound.reroll:
            sides, one, five, six, other = 36, 4, 10, 10, 12
        else:
            sides, one, five, six, other = 6, 1, 1, 1, 3
        regular = bound.pool - 1 if bound.wild else bound.pool
        found: dict[str, int] = {}
        wild_faces = {None: 1} if not bound.wild else {1: one, 2: other, 5: five, 6: six}
        for wild, wild_ways in wild_faces.items():
            # faces 2 to 4 behave alike, so 2 stands for them; a wild 1 turns every 5 into a
            # miss
            weights = (one, six, five + other) if wild == 1 else (one, five + six, other)
            for counts, ways in categories(regular, weights):
                hits = counts[1] + (3 if wild is not None and wild >= 5 else 0)
                ones = counts[0] + (wild == 1)
                name = _result(bound.pool, hits, ones)
                found[name] = found.get(name, 0) + ways * wild_ways
        return fractions_of(found, sides**bound.pool)


class Sr6(Sr):
    """Shadowrun 6th World: hits and glitches as in 5th edition; `wild` makes one die of the
    pool a wild die (a 5 or 6 on it is three hits, a 1 on it cancels every 5 rolled), and
    `reroll` rerolls every failed die once (the Edge boost)."""

    __slots__ = ()

    name = "sr6"
    title = "Shadowrun 6th World"
    usage = "sr6(n[, wild][, reroll])"
    card = (
        "d6s, 5 or 6 a hit. More than half the dice showing 1: a **glitch**; with no hit, a"
        " **critical glitch**.\n"
        "`wild`: one die of the pool is the wild die (5 or 6: three hits; 1: every 5 rolled"
        " is cancelled). `reroll`: every failed die is rolled again once (Edge).\n"
        "Examples: `sr6(8)`, `sr6(10, wild)`, `sr6(6, reroll)`"
    )
    typical = "sr6(10, wild)"
    options = ("wild", "reroll")


def _count(regular: list[int], wild: int | None) -> tuple[int, int]:
    """Hits and 1s: a wild 5 or 6 is three hits, a wild 1 cancels every 5."""
    sixes = regular.count(6)
    fives = regular.count(5)
    hits = sixes + (0 if wild == 1 else fives) + (3 if wild is not None and wild >= 5 else 0)
    return hits, regular.count(1) + (wild == 1)


def _result(pool: int, hits: int, ones: int) -> str:
    if 2 * ones > pool:
        return "critical glitch" if hits == 0 else "glitch"
    return "success" if hits else "failure"


def _die(face: int, kind: str, outcome: str, cancelled: bool) -> SystemDie:
    if face == 5 and cancelled:
        marks = Mark.CANCELLED
    elif face >= 5:
        marks = Mark.COUNTED
    elif face == 1 and "glitch" in outcome:
        marks = Mark.BANE
    else:
        marks = Mark.NONE
    return SystemDie(6, face, kind, marks)
