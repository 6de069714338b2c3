"""Exact odds of a dice expression: `distribution("4d6kh3")` gives every total's probability.

The distribution follows the roller (`nazh.dice.evaluator`) step for step; integer kernels do
the work (`kernels`) and a pre-flight estimate (`cost`) refuses, with `LimitError`, anything too
large before heavy work starts.
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from nazh.dice.engine import parse
from nazh.dice.errors import DiceError
from nazh.dice.odds.budget import budget_overrun
from nazh.dice.odds.compile import total_weights
from nazh.dice.odds.cost import check_cost
from nazh.dice.odds.distribution import NO_MASS, Distribution

if TYPE_CHECKING:
    from nazh.dice.expression import Expression

__all__ = ("Distribution", "check_odds", "distribution")


def check_odds(source: str | Expression) -> Expression:
    """Parse `source` and run the pre-flight checks only: `DiceError` for notation exact odds
    do not model (`Expression.odds_refusal`), `LimitError` if they are too costly. Cheap enough
    to run on the event loop before handing the work to a worker."""
    expression = parse(source) if isinstance(source, str) else source
    refusal = expression.odds_refusal
    if refusal is not None:
        raise DiceError(refusal)
    check_cost(expression.root)
    return expression


def distribution(source: str | Expression) -> Distribution:
    """The exact distribution of one evaluation of `source` (each result, for a repetition).

    Raise `ParseError`/`LimitError` like `parse`, `LimitError` if exact odds would take too
    long or the roll too often exceeds the dice limit, and `DiceError` for notation they do not
    model or if it never gives a total.
    """
    expression = check_odds(source)
    overrun = budget_overrun(expression)
    weights = total_weights(expression.root)
    if not weights.counts:
        raise DiceError("that roll never gives a total")
    denom, alive = weights.denom, weights.alive
    unworked = alive - weights.mass
    truncated = Fraction(unworked, denom) if unworked else NO_MASS
    if overrun:
        truncated += Fraction(overrun)
    return Distribution(
        weights.counts,
        denom,
        refused=Fraction(denom - alive, denom) if denom != alive else NO_MASS,
        truncated=truncated,
        text=expression.text,
        repeat=expression.repeat,
    )
