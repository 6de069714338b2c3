"""Earthdawn 4th edition: a step's action dice, every die exploding (`ed(step)`,
`ed(step, diff=N)`, `ed(step, karma)`).

Exact odds: a total below a bound comes from finitely many explosions, so P(total < D) is
worked out exactly from each die's exploded values below D; every outcome is a difference of
such probabilities, so the odds are exact (no truncation). The roller stops a die after
`MAX_CHAIN` (100) explosions, a chance below 4 ** -100 that the odds do not model.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from nazh.dice.limits import MAX_CHAIN
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

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from nazh.dice.systems.core import Source

__all__ = (
    "EXTRA_SUCCESS",
    "KARMA_SIDES",
    "MAX_DIFFICULTY",
    "MAX_STEP",
    "Earthdawn",
    "EarthdawnBound",
    "below",
    "step_dice",
)

MAX_STEP = 100
"""Highest step; the 4th edition table repeats every 11 steps from step 19 on, adding a d20."""

MAX_DIFFICULTY = 1000
"""Highest difficulty number."""

EXTRA_SUCCESS = 5
"""Points above the difficulty number that earn each extra success."""

KARMA_SIDES = 6
"""A karma die is a d6 (step 4) in the 4th edition."""

_LOW_STEPS: tuple[tuple[tuple[int, ...], int], ...] = (
    ((4,), -2),
    ((4,), -1),
    ((4,), 0),
    ((6,), 0),
    ((8,), 0),
    ((10,), 0),
    ((12,), 0),
)
_CYCLE: tuple[tuple[int, ...], ...] = (
    (6, 6),
    (8, 6),
    (8, 8),
    (10, 8),
    (10, 10),
    (12, 10),
    (12, 12),
    (12, 6, 6),
    (12, 8, 6),
    (12, 8, 8),
    (12, 10, 8),
)
_MAX_WORK = 3_000_000
"""Most convolution steps (dice times values squared) an exact odds may take."""


def step_dice(step: int) -> tuple[tuple[int, ...], int]:
    """The sides of a step's action dice (largest first) and its modifier: step 15 is
    `((12, 6, 6), 0)`, step 1 `((4,), -2)`."""
    if step < 1:
        raise ValueError(f"no step {step}")
    if step <= len(_LOW_STEPS):
        return _LOW_STEPS[step - 1]
    twenties, index = divmod(step - len(_LOW_STEPS) - 1, len(_CYCLE))
    return (20,) * twenties + _CYCLE[index], 0


@dataclass(frozen=True, slots=True)
class EarthdawnBound(Bound):
    """A step's test: its dice (karma die last), modifier, and difficulty number if any."""

    step: int
    sides: tuple[int, ...]
    modifier: int
    karma: bool
    difficulty: int | None


class Earthdawn(System[EarthdawnBound]):
    """Roll a step's action dice, each exploding (a die showing its maximum adds another); with
    a difficulty number, a total that meets it succeeds, with an extra success per 5 points
    over. All dice showing 1 is the Rule of One: the test fails whatever the total."""

    __slots__ = ()

    name = "ed"
    title = "Earthdawn (4th edition step table)"
    usage = "ed(step[, karma][, diff=N])"
    card = (
        "Roll the step's action dice (4th edition table: step 8 is 2d6, 15 d12+2d6, 19"
        " d20+2d6); each die showing its maximum rolls again and adds.\n"
        "`karma` adds a d6 karma die. With `diff=`, meeting the difficulty number is a"
        " **success**, each 5 over it an **extra success**; all dice showing 1 is the"
        " **rule of one** (the test fails).\n"
        "Examples: `ed(15)`, `ed(12, karma, diff=14)`"
    )
    outcomes = ("rule of one", "failure", PLAIN, "success", "extra success")
    typical = "ed(15, diff=12)"

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> EarthdawnBound:
        expect_arguments(self, positional, named, least=1, most=2, names=("diff",))
        step = integer_argument(self, positional[0], "the step", 1, MAX_STEP)
        karma = False
        for text in positional[1:]:
            if text.lower() != "karma":
                raise self.usage_error(f"`{text}` is not an option (`karma` is)")
            karma = True
        difficulty = (
            integer_argument(self, named["diff"], "the difficulty", 0, MAX_DIFFICULTY)
            if "diff" in named
            else None
        )
        sides, modifier = step_dice(step)
        if karma:
            sides = (*sides, KARMA_SIDES)
        parts: list[object] = [step, "karma"] if karma else [step]
        extra = {} if difficulty is None else {"diff": difficulty}
        return EarthdawnBound(
            call_text(self.name, *parts, **extra), step, sides, modifier, karma, difficulty
        )

    def roll(self, bound: EarthdawnBound, source: Source) -> SystemRoll:
        groups: list[DiceGroup] = []
        total = bound.modifier
        ones = 0
        for index, sides in enumerate(bound.sides):
            chain = [source.one(sides)]
            while chain[-1] == sides and len(chain) <= MAX_CHAIN:
                chain.append(source.one(sides))
            ones += chain[0] == 1
            total += sum(chain)
            kind = _kind(bound, index)
            dice = tuple(
                SystemDie(sides, face, kind, Mark.EXPLODED if face == sides else Mark.NONE)
                for face in chain
            )
            label = f"{kind} d{sides}" if kind else f"d{sides}"
            groups.append(DiceGroup(dice, label, sum(chain) if len(chain) > 1 else None))
        rule_of_one = ones == len(bound.sides)
        name, reason = _outcome(total, rule_of_one, bound.difficulty)
        details = {"step": bound.step}
        if bound.difficulty is not None:
            details["extra successes"] = _extra(total, bound.difficulty) if not rule_of_one else 0
        return SystemRoll(
            system=self.name,
            call=bound.call,
            groups=tuple(groups),
            total=total,
            outcome=self.outcome(name, reason),
            details=details,
            modifier=bound.modifier,
        )

    def odds_refusal(self, bound: EarthdawnBound) -> str | None:
        reach = (bound.difficulty or 0) + EXTRA_SUCCESS - bound.modifier
        if len(bound.sides) * reach * reach > _MAX_WORK:
            return f"`{bound.call}` (a difficulty this far above the step)"
        return None

    def exact_odds(self, bound: EarthdawnBound) -> Mapping[str, Fraction]:
        ones = Fraction(1)
        for sides in bound.sides:
            ones /= sides
        lowest = len(bound.sides) + bound.modifier
        if bound.difficulty is None:
            return {"rule of one": ones, PLAIN: 1 - ones}
        fail = below(bound.sides, bound.difficulty - bound.modifier)
        plain = below(bound.sides, bound.difficulty + EXTRA_SUCCESS - bound.modifier)
        odds = {
            "rule of one": ones,
            "failure": fail,
            "success": plain - fail,
            "extra success": 1 - plain,
        }
        odds[_outcome(lowest, False, bound.difficulty)[0]] -= ones
        return odds


def below(sides: Sequence[int], bound: int) -> Fraction:
    """The exact chance that exploding dice of these sides sum to less than `bound`.

    A die of `n` sides ends on `q * n + r` (r from 1 to n - 1) with chance `n ** -(q + 1)`;
    only the finitely many values under `bound` matter, counted in whole numbers over
    `n ** (q_max + 1)` per die.
    """
    if bound <= len(sides):
        return Fraction(0)
    sums = [1] + [0] * (bound - 1)
    denominator = 1
    for n in sides:
        top = (bound - 2) // n
        weights = [0] * len(sums)
        for value in range(1, len(sums)):
            explosions, rest = divmod(value, n)
            if rest:
                weights[value] = n ** (top - explosions)
        step = [0] * len(sums)
        for total, ways in enumerate(sums):
            if ways:
                for value in range(1, len(sums) - total):
                    if weights[value]:
                        step[total + value] += ways * weights[value]
        sums = step
        denominator *= n ** (top + 1)
    return Fraction(sum(sums), denominator)


def _kind(bound: EarthdawnBound, index: int) -> str:
    return "karma" if bound.karma and index == len(bound.sides) - 1 else ""


def _extra(total: int, difficulty: int) -> int:
    return max(0, (total - difficulty) // EXTRA_SUCCESS)


def _outcome(total: int, rule_of_one: bool, difficulty: int | None) -> tuple[str, str | None]:
    if rule_of_one:
        return "rule of one", "every die rolled 1"
    if difficulty is None:
        return PLAIN, None
    if total < difficulty:
        return "failure", None
    extra = _extra(total, difficulty)
    if not extra:
        return "success", None
    return "extra success", f"{extra} extra successes" if extra > 1 else None
