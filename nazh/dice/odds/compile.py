"""Syntax tree to `Weights`: the exact distribution of one evaluation, node by node.

Operands of arithmetic and items of a set are independent (each draws its own dice), so sums
are convolutions and products/quotients combine outcome pairs. Pairs the roller refuses
(division by zero, a product beyond `MAX_VALUE`) become refused mass, as do final totals
beyond `MAX_VALUE`.
"""

from __future__ import annotations

import math
from itertools import product
from typing import TYPE_CHECKING

from nazh.dice.ast import (
    Binary,
    CountFailures,
    CountSuccesses,
    Dice,
    Drop,
    Group,
    Keep,
    Labelled,
    Literal,
    Set,
    Unary,
    chain,
)
from nazh.dice.errors import DiceError, LimitError
from nazh.dice.limits import MAX_VALUE
from nazh.dice.odds.explode import exploding_weights, ranked_exploding_weights
from nazh.dice.odds.pool import MULTISET_STATES, PoolModel, pool_weights, select_ranked
from nazh.dice.odds.weights import Weights

if TYPE_CHECKING:
    from collections.abc import Callable

    from nazh.dice.ast import (
        Node,
        Selector,
    )

__all__ = ("node_weights", "total_weights")


def total_weights(root: Node) -> Weights:
    """The distribution of one evaluation's total (out-of-range totals refused)."""
    weights = node_weights(root)
    if weights.counts and (min(weights.counts) < -MAX_VALUE or max(weights.counts) > MAX_VALUE):
        inside = {v: w for v, w in weights.counts.items() if -MAX_VALUE <= v <= MAX_VALUE}
        lost = weights.mass - sum(inside.values())
        return Weights(inside, weights.denom, weights.alive - lost)
    return weights


def node_weights(node: Node) -> Weights:
    """The distribution of a node's value."""
    while isinstance(node, Group | Labelled):
        node = node.inner if isinstance(node, Group) else node.operand
    if isinstance(node, Literal):
        return Weights.point(node.value)
    if isinstance(node, Dice):
        model = PoolModel(node)
        return exploding_weights(model) or ranked_exploding_weights(model) or pool_weights(model)
    if isinstance(node, Unary):
        inner = node_weights(node.operand)
        return inner.negated() if node.op == "-" else inner
    if isinstance(node, Binary):
        first, rest = chain(node)
        result = node_weights(first)
        for op, operand in rest:
            right = node_weights(operand)
            if op == "+":
                result = result.plus(right)
            elif op == "-":
                result = result.plus(right.negated())
            else:
                result = _combine(result, right, multiply=op == "*")
        return result
    if isinstance(node, Set):
        return _set_weights(node)
    raise DiceError(f"exact odds do not model {type(node).__name__} nodes")


def _combine(left: Weights, right: Weights, *, multiply: bool) -> Weights:
    """Product or floor quotient of two independent values, as the roller computes them."""
    counts: dict[int, int] = {}
    refused = 0
    for b, wb in right.counts.items():
        if not multiply and b == 0:
            refused += wb * left.mass
            continue
        for a, wa in left.counts.items():
            value = a * b if multiply else a // b
            if multiply and not -MAX_VALUE <= value <= MAX_VALUE:
                refused += wa * wb
                continue
            counts[value] = counts.get(value, 0) + wa * wb
    return Weights(counts, left.denom * right.denom, left.alive * right.alive - refused)


# -- sets -----------------------------------------------------------------------------------


def _survives(step: Keep | Drop, value: int) -> bool:
    return step.selector.matches(value) == isinstance(step, Keep)


def _scorer(node: Set) -> tuple[Selector | None, Selector | None]:
    success = failure = None
    for modifier in node.modifiers:
        if isinstance(modifier, CountSuccesses):
            success = modifier.selector
        elif isinstance(modifier, CountFailures):
            failure = modifier.selector
    return success, failure


def _set_weights(node: Set) -> Weights:
    items = [node_weights(item) for item in node.items]
    selections = [m for m in node.modifiers if isinstance(m, Keep | Drop)]
    success, failure = _scorer(node)

    def score(value: int) -> int:
        if success is None:
            return value
        net = 1 if success.matches(value) else 0
        if failure is not None and failure.matches(value):
            net -= 1
        return net

    ranked = [i for i, s in enumerate(selections) if s.selector.op in ("h", "l")]
    if not ranked:

        def item_score(value: int) -> int:
            if all(_survives(s, value) for s in selections):
                return score(value)
            return 0

        result = Weights.point(0)
        for item in items:
            result = result.plus(item.mapped(item_score))
        return result
    first = items[0]
    identical = all(
        item.counts == first.counts and item.denom == first.denom and item.alive == first.alive
        for item in items[1:]
    )
    if identical and len(ranked) == 1 and ranked[0] == 0:
        fast = _identical_items(first, len(items), selections, score)
        if fast is not None:
            return fast
    return _enumerated(items, selections, score)


def _identical_items(
    item: Weights, size: int, selections: list[Keep | Drop], score: Callable[[int], int]
) -> Weights | None:
    step, after = selections[0], selections[1:]
    amount = step.selector.value
    highest = step.selector.op == "h"
    if isinstance(step, Drop):
        amount = size - amount
        highest = not highest

    def kept_score(value: int) -> int:
        return score(value) if all(_survives(s, value) for s in after) else 0

    denom, alive = item.denom**size, item.alive**size
    if amount <= 0:
        known = item.mass**size
        return Weights({0: known} if known else {}, denom, alive)
    if amount >= size:
        return item.mapped(kept_score).times(size)
    selected = select_ranked(item.counts, 0, size, amount, highest=highest, score=kept_score)
    return selected.reframed(denom, alive)


def _enumerated(
    items: list[Weights], selections: list[Keep | Drop], score: Callable[[int], int]
) -> Weights:
    """Every combination of item values, for sets of different items."""
    combinations = math.prod(len(item.counts) for item in items)
    if combinations > MULTISET_STATES * 4:
        raise LimitError("that set is too complex for exact odds")
    counts: dict[int, int] = {}
    for combo in product(*(list(item.counts.items()) for item in items)):
        values = [value for value, _ in combo]
        active = list(range(len(values)))
        for step in selections:
            active = _apply(step, values, active)
        total = sum(score(values[i]) for i in active)
        counts[total] = counts.get(total, 0) + math.prod(weight for _, weight in combo)
    return Weights(counts, math.prod(i.denom for i in items), math.prod(i.alive for i in items))


def _apply(step: Keep | Drop, values: list[int], active: list[int]) -> list[int]:
    selector = step.selector
    if selector.op not in ("h", "l"):
        return [i for i in active if _survives(step, values[i])]
    ranked = sorted(active, key=values.__getitem__, reverse=selector.op == "h")
    kept = ranked[: selector.value] if isinstance(step, Keep) else ranked[selector.value :]
    return sorted(kept)
