"""Distributions combined by an operator, as the roller computes it.

The operators are the roller's own (`nazh.dice.operators`); a pair the roller refuses raises
`DiceError` here too, and `combine` counts it as refused mass.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nazh.dice.errors import DiceError
from nazh.dice.odds.weights import Weights

if TYPE_CHECKING:
    from nazh.dice.functions import Value
    from nazh.dice.operators import Operation

__all__ = ("combine",)


def combine(left: Weights, right: Weights, apply: Operation) -> Weights:
    """The measure of `apply(a, b)` for independent `a` and `b`; refused pairs lose mass."""
    counts: dict[Value, int] = {}
    refused = 0
    pairs = list(left.values())
    for b, wb in right.values():
        for a, wa in pairs:
            try:
                value = apply(a, b)
            except DiceError:
                refused += wa * wb
                continue
            counts[value] = counts.get(value, 0) + wa * wb
    alive = left.alive * right.alive - refused
    return Weights.of_values(counts, left.denom * right.denom, alive)
