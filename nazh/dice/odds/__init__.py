"""Exact odds of a dice expression: `distribution("4d6kh3")` gives every total's probability.

The distribution follows the roller (`nazh.dice.evaluator`) step for step, in the dialect the
text is read in; integer kernels do the work (`kernels`) and a pre-flight estimate (`cost`)
refuses, with `LimitError`, anything too large before heavy work starts.
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
from nazh.dice.odds.outcomes import check_outcome_odds, has_symbols, outcome_odds, symbol_odds
from nazh.dice.odds.refusal import odds_refusal

if TYPE_CHECKING:
    from nazh.dice.dialects import Dialect
    from nazh.dice.expression import Expression

__all__ = (
    "Distribution",
    "check_odds",
    "check_outcome_odds",
    "distribution",
    "has_symbols",
    "outcome_odds",
    "symbol_odds",
)


def check_odds(source: str | Expression, dialect: Dialect | str = "nazh") -> Expression:
    """Parse `source` in `dialect` (see `nazh.dice.parse`; an `Expression` keeps its own) and
    run the pre-flight checks only: `DiceError` naming notation exact odds do not model,
    `LimitError` if they are too costly. Cheap enough to run on the event loop before handing
    the work to a worker."""
    expression = parse(source, dialect) if isinstance(source, str) else source
    refusal = odds_refusal(expression)
    if refusal is not None:
        raise DiceError(refusal)
    check_cost(expression.root, expression.readings)
    return expression


def distribution(source: str | Expression, dialect: Dialect | str = "nazh") -> Distribution:
    """The exact distribution of one evaluation of `source` (each result, for a repetition),
    read in `dialect` (a `Dialect` or its name; a leading tag in the text overrides it).

    Raise `ParseError`/`LimitError` like `parse`, `LimitError` if exact odds would take too
    long or the roll too often exceeds the dice limit, and `DiceError` for notation they do not
    model, a total that can be a fraction, or a roll that never gives a total.
    """
    expression = check_odds(source, dialect)
    overrun = budget_overrun(expression)
    weights = total_weights(expression.root, expression.readings)
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
