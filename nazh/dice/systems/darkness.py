"""The Storytelling systems on d10 pools: Chronicles of Darkness (`cod`) and the classic World of
Darkness (`wod`)."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from nazh.dice.errors import LimitError
from nazh.dice.limits import MAX_CHAIN
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
from nazh.dice.systems.counting import categories, fractions_of, tally

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from nazh.dice.systems.core import Source

__all__ = ("EXCEPTIONAL", "Cod", "CodBound", "Wod", "WodBound")

EXCEPTIONAL = 5
"""Successes of an exceptional success in Chronicles of Darkness."""

_AGAIN = {"8again": 8, "9again": 9, "10again": 10}


@dataclass(frozen=True, slots=True)
class CodBound(Bound):
    """A Chronicles of Darkness roll: the pool (0: a chance die), the lowest face that rolls
    again (10, 9 or 8), and whether it is a rote action."""

    pool: int
    again: int
    rote: bool


class Cod(System[CodBound]):
    """Chronicles of Darkness (2nd edition): d10s, 8 or more a success, 10s roll again and
    count again; 5 successes make an exceptional success. `9again`/`8again` roll again on 9 or
    8 too; `rote` rerolls each die that failed, once. A pool of 0 rolls a chance die: only a 10
    succeeds and a 1 is a dramatic failure (the chance die does not roll again)."""

    __slots__ = ()

    name = "cod"
    title = "Chronicles of Darkness (2nd edition)"
    usage = "cod(n[, 9again|8again][, rote])"
    card = (
        "d10s, 8+ a success; each 10 rolls again (`9again`: 9s too; `8again`: 8s too); `rote`"
        " rerolls every die that failed, once. 5+ successes: **exceptional success**.\n"
        "A pool of 0 rolls a chance die: only a 10 succeeds (it does not roll again), a 1 is a"
        " **dramatic failure**.\n"
        "Examples: `cod(5)`, `cod(7, 9again)`, `cod(4, rote)`, `cod(0)`"
    )
    outcomes = ("dramatic failure", "failure", "success", "exceptional success")
    typical = "cod(5)"

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> CodBound:
        expect_arguments(self, positional, named, least=1, most=3)
        pool = integer_argument(self, positional[0], "the dice pool", 0, MAX_POOL)
        again: int | None = None
        rote = False
        for text in positional[1:]:
            word = text.lower().replace("-", "")
            if word == "rote" and not rote:
                rote = True
            elif word in _AGAIN and again is None:
                again = _AGAIN[word]
            else:
                raise self.usage_error(f"`{text}` is not `8again`, `9again` or `rote` (once)")
        again = again or 10
        words = ([f"{again}again"] if again != 10 else []) + (["rote"] if rote else [])
        return CodBound(call_text(self.name, pool, *words), pool, again, rote)

    def roll(self, bound: CodBound, source: Source) -> SystemRoll:
        if bound.pool == 0:
            face = source.one(10)
            name = "success" if face == 10 else "dramatic failure" if face == 1 else "failure"
            marks = Mark.COUNTED if face == 10 else Mark.BANE if face == 1 else Mark.NONE
            reason = "a chance die rolled 1" if face == 1 else "a chance die: only a 10 succeeds"
            return SystemRoll(
                system=self.name,
                call=bound.call,
                groups=(DiceGroup((SystemDie(10, face, "chance", marks),), "chance die"),),
                total=int(face == 10),
                outcome=self.outcome(name, reason),
                details={"successes": int(face == 10)},
                noun="success",
            )
        dice: list[SystemDie] = []
        for _ in range(bound.pool):
            if not _chain(source, bound.again, dice) and bound.rote:
                dice[-1] = SystemDie(10, dice[-1].face, marks=Mark.DROPPED)
                _chain(source, bound.again, dice)
        successes = sum(1 for die in dice if die.marks & Mark.COUNTED)
        if successes >= EXCEPTIONAL:
            name = "exceptional success"
        else:
            name = "success" if successes else "failure"
        return SystemRoll(
            system=self.name,
            call=bound.call,
            groups=(DiceGroup(tuple(dice)),),
            total=successes,
            outcome=self.outcome(name),
            details={"successes": successes},
            noun="success",
        )

    def exact_odds(self, bound: CodBound) -> Mapping[str, Fraction]:
        if bound.pool == 0:
            return fractions_of({"dramatic failure": 1, "failure": 8, "success": 1}, 10)
        one = _die_successes(bound.again, bound.rote)
        # the law of min(successes, EXCEPTIONAL): exact, as nothing beyond it is told apart
        pool = [Fraction(1)] + [Fraction(0)] * EXCEPTIONAL
        for _ in range(bound.pool):
            step = [Fraction(0)] * (EXCEPTIONAL + 1)
            for have, chance in enumerate(pool):
                if chance:
                    for more, weight in enumerate(one):
                        step[min(have + more, EXCEPTIONAL)] += chance * weight
            pool = step
        return {
            "failure": pool[0],
            "success": sum(pool[1:EXCEPTIONAL], Fraction(0)),
            "exceptional success": pool[EXCEPTIONAL],
        }


def _chain(source: Source, again: int, dice: list[SystemDie]) -> bool:
    """Roll one die and whatever it rolls again onto `dice`; whether its first face succeeded.
    A failed first face is the last die added."""
    for depth in range(MAX_CHAIN + 1):
        face = source.one(10)
        explodes = face >= again
        marks = (Mark.COUNTED if face >= 8 else Mark.NONE) | (
            Mark.EXPLODED if explodes else Mark.NONE
        )
        dice.append(SystemDie(10, face, marks=marks))
        if depth == 0 and face < 8:
            return False
        if not explodes:
            return True
    raise LimitError(f"a die may roll again at most {MAX_CHAIN} times")


def _die_successes(again: int, rote: bool) -> list[Fraction]:
    """P(one die of the pool scores k successes) for k < EXCEPTIONAL, then P(at least that).

    A chain of j faces that roll again ends with a face that does not: it scores j, plus one
    if that last face is a success that does not roll again."""
    rolls_again = Fraction(11 - again, 10)
    fails = Fraction(7, 10)
    stops_on_success = Fraction(3, 10) - rolls_again
    chain = [fails] + [
        rolls_again**k * fails + rolls_again ** (k - 1) * stops_on_success
        for k in range(1, EXCEPTIONAL)
    ]
    if rote:
        chain = [fails * fails] + [chance * (1 + fails) for chance in chain[1:]]
    return [*chain, 1 - sum(chain, Fraction(0))]


@dataclass(frozen=True, slots=True)
class WodBound(Bound):
    """A classic World of Darkness roll: the pool and the difficulty."""

    pool: int
    difficulty: int


class Wod(System[WodBound]):
    """Classic World of Darkness (Revised, 20th Anniversary): d10s against a difficulty (6 by
    default); each 1 cancels a success. No success rolled and at least one 1 is a botch; 1s
    that cancel every success make a plain failure."""

    __slots__ = ()

    name = "wod"
    title = "World of Darkness (Revised / 20th Anniversary)"
    usage = "wod(n[, diff])"
    card = (
        "d10s; each die at or above the difficulty (6 by default, 2 to 10) is a success, each"
        " 1 cancels one.\n"
        "No success rolled and a 1 showing: a **botch**; 1s cancelling every success: a"
        " **failure**.\n"
        "Examples: `wod(5)`, `wod(6, 7)`"
    )
    outcomes = ("botch", "failure", "success")
    typical = "wod(6, 7)"

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> WodBound:
        expect_arguments(self, positional, named, least=1, most=2)
        pool = integer_argument(self, positional[0], "the dice pool", 1, MAX_POOL)
        difficulty = (
            integer_argument(self, positional[1], "the difficulty", 2, 10, limit=False)
            if len(positional) > 1
            else 6
        )
        return WodBound(call_text(self.name, pool, difficulty), pool, difficulty)

    def roll(self, bound: WodBound, source: Source) -> SystemRoll:
        faces = source.roll(bound.pool, 10)
        successes = sum(face >= bound.difficulty for face in faces)
        ones = faces.count(1)
        name = _wod_result(successes, ones)
        marks = [Mark.COUNTED if face >= bound.difficulty else Mark.NONE for face in faces]
        by_face = sorted(
            (index for index, face in enumerate(faces) if face >= bound.difficulty),
            key=faces.__getitem__,
        )
        cancelling = [index for index, face in enumerate(faces) if face == 1]
        for one, success in zip(cancelling, by_face, strict=False):
            marks[one] = marks[success] = Mark.CANCELLED
        if name == "botch":
            marks = [
                Mark.BANE if face == 1 else mark for face, mark in zip(faces, marks, strict=True)
            ]
        net = max(0, successes - ones)
        return SystemRoll(
            system=self.name,
            call=bound.call,
            groups=(
                DiceGroup(
                    tuple(SystemDie(10, f, marks=m) for f, m in zip(faces, marks, strict=True))
                ),
            ),
            total=net,
            outcome=self.outcome(
                name, "1s cancelled every success" if name == "failure" and successes else None
            ),
            details={"successes": successes, "ones": ones, "net": net},
            noun="success",
        )

    def exact_odds(self, bound: WodBound) -> Mapping[str, Fraction]:
        found = tally(
            categories(bound.pool, (1, 11 - bound.difficulty, bound.difficulty - 2)),
            lambda counts: _wod_result(counts[1], counts[0]),
        )
        return fractions_of(found, 10**bound.pool)


def _wod_result(successes: int, ones: int) -> str:
    if successes == 0:
        return "botch" if ones else "failure"
    return "success" if successes > ones else "failure"
