"""What the builder shows about a build besides its notation: range, average, chance of a target.

Averages and chances are exact, from `nazh.dice.odds`, when the odds are cheap enough to work
out on a click (`ODDS_WORK`); otherwise they are left out and the range alone is shown.
"""

from __future__ import annotations

import dataclasses
import functools
from typing import TYPE_CHECKING

from nazh import dice
from nazh.dice.odds import distribution
from nazh.dice.odds.cost import estimate

if TYPE_CHECKING:
    from nazh.builder.model import Build
    from nazh.dice.odds import Distribution

__all__ = ("ODDS_WORK", "Summary", "summarize")

ODDS_WORK = 2e6
"""Most estimated work (`nazh.dice.odds.cost` units, roughly 5 ms per million) per click."""


@dataclasses.dataclass(frozen=True, slots=True)
class Summary:
    """The range of a build's total, its average and P(total >= target), where worked out."""

    minimum: int
    maximum: int
    mean: float | None
    chance: float | None


@functools.lru_cache(maxsize=32)
def _odds(expression: dice.Expression) -> Distribution | None:
    try:
        if estimate(expression.root, expression.readings).work > ODDS_WORK:
            return None
        return distribution(expression)
    except dice.DiceError:
        return None


def summarize(build: Build) -> Summary | None:
    """The build's range (from the engine's bounds), average and chance; None when empty."""
    expression = build.expression()
    if expression is None:
        return None
    odds = _odds(expression)
    if odds is None:
        return Summary(expression.minimum, expression.maximum, None, None)
    chance = None if build.target is None else float(odds.at_least(build.target))
    return Summary(expression.minimum, expression.maximum, float(odds.mean()), chance)
