"""Syntax tree to `Weights`: the exact distribution of one evaluation, node by node.

Operands of arithmetic, arguments of a function and items of a set are independent (each node
draws its own dice, even when written twice), so sums are convolutions and other operators and
functions combine outcome pairs. Pairs the roller refuses (division by zero, a product beyond
`MAX_VALUE`) become refused mass, as do final totals beyond `MAX_VALUE`. Everything follows the
readings of the dialect the expression was parsed in.
"""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction
from itertools import product
from typing import TYPE_CHECKING

from nazh.dice.ast import (
    Binary,
    Call,
    ComputedDice,
    CountFailures,
    CountSuccesses,
    Decimal,
    Dice,
    Drop,
    Group,
    Keep,
    Labelled,
    Literal,
    Unary,
    chain,
)
from nazh.dice.errors import DiceError, LimitError
from nazh.dice.functions import BUILTINS
from nazh.dice.limits import MAX_DICE, MAX_SIDES, MAX_VALUE
from nazh.dice.odds.arithmetic import combine
from nazh.dice.odds.explode import exploding_weights, ranked_exploding_weights
from nazh.dice.odds.pool import MULTISET_STATES, PoolModel, pool_weights, select_ranked
from nazh.dice.odds.weights import Weights
from nazh.dice.operators import operation
from nazh.dice.parser import check_pool

if TYPE_CHECKING:
    from nazh.dice.ast import Node, Selector, Set
    from nazh.dice.functions import Value
    from nazh.dice.readings import Readings

__all__ = ("NOT_WHOLE", "dice_weights", "node_weights", "total_weights")

NOT_WHOLE = (
    "exact odds are for whole totals, and this roll can total a fraction: round it with "
    "`floor()`, `ceil()` or `round()`"
)


def total_weights(root: Node, readings: Readings) -> Weights:
    """The distribution of one evaluation's total: truncated if the dialect says so, refused
    (`DiceError`) if it can be a fraction, out-of-range totals refused mass."""
    weights = node_weights(root, readings)
    if weights.grain != 1:
        weights = _whole(weights, truncate=readings.total == "truncate")
    if weights.counts and (min(weights.counts) < -MAX_VALUE or max(weights.counts) > MAX_VALUE):
        inside = {v: w for v, w in weights.counts.items() if -MAX_VALUE <= v <= MAX_VALUE}
        lost = weights.mass - sum(inside.values())
        return Weights(inside, weights.denom, weights.alive - lost)
    return weights


def _whole(weights: Weights, *, truncate: bool) -> Weights:
    grain = weights.grain
    counts: dict[int, int] = {}
    for key, weight in weights.counts.items():
        if key % grain and not truncate:
            raise DiceError(NOT_WHOLE)
        value = math.trunc(Fraction(key, grain))
        counts[value] = counts.get(value, 0) + weight
    return Weights(counts, weights.denom, weights.alive)


def node_weights(node: Node, readings: Readings) -> Weights:
    """The distribution of a node's value."""
    while isinstance(node, Group | Labelled):
        node = node.inner if isinstance(node, Group) else node.operand
    if isinstance(node, Literal | Decimal):
        return Weights.point(node.value)
    if isinstance(node, Dice):
        return dice_weights(node)
    if isinstance(node, Unary):
        inner = node_weights(node.operand, readings)
        return inner.negated() if node.op == "-" else inner
    if isinstance(node, Binary):
        first, rest = chain(node)
        result = node_weights(first, readings)
        for op, operand in rest:
            right = node_weights(operand, readings)
            if op == "+":
                result = result.plus(right)
            elif op == "-":
                result = result.plus(right.negated())
            else:
                result = combine(result, right, operation(op, readings))
        return result
    if isinstance(node, Call):
        return _call_weights(node, readings)
    if isinstance(node, ComputedDice):
        return _computed_weights(node, readings)
    return _set_weights(node, readings)


def dice_weights(node: Dice) -> Weights:
    """The distribution of a pool's total."""
    model = PoolModel(node)
    return exploding_weights(model) or ranked_exploding_weights(model) or pool_weights(model)


def _call_weights(node: Call, readings: Readings) -> Weights:
    """A built-in function of independent arguments; `min`/`max` fold pairwise."""
    function = BUILTINS.get(node.name)
    if function is None or node.function is not function or node.keywords:
        raise DiceError(f"exact odds do not model `{node.name}()`")
    apply, reading = function.apply, readings.round_half
    args = [node_weights(arg, readings) for arg in node.args]
    result = args[0].mapped_values(lambda value: apply([value], reading))
    for arg in args[1:]:
        result = combine(result, arg, lambda a, b: apply([a, b], reading))
    return result


# -- computed dice --------------------------------------------------------------------------


def _computed_weights(node: ComputedDice, readings: Readings) -> Weights:
    """A mixture over the rolled count and sides of the pool each gives."""
    written = node.dice
    counts = (
        Weights.point(written.count) if node.count is None else node_weights(node.count, readings)
    )
    sides = (
        Weights.point(written.sides) if node.sides is None else node_weights(node.sides, readings)
    )
    parts: list[Weights] = []
    for count, count_weight in counts.values():
        for faces, sides_weight in sides.values():
            pool = _computed_pool(written, count, faces, computed_sides=node.sides is not None)
            if pool is not None:
                parts.append(dice_weights(pool).scaled(count_weight * sides_weight, 1))
    unworked = counts.alive * sides.alive - counts.mass * sides.mass
    parts.append(Weights({}, 1, unworked))
    return Weights.total(parts).scaled(1, counts.denom * sides.denom)


def _computed_pool(
    written: Dice, count: Value, sides: Value, *, computed_sides: bool
) -> Dice | None:
    """The pool the roller rolls for these values, or None where it refuses them."""
    if not isinstance(count, int) or not isinstance(sides, int) or not 0 <= count <= MAX_DICE:
        return None
    if computed_sides and not 1 <= sides <= MAX_SIDES:
        return None
    pool = dataclasses.replace(written, count=count, sides=sides)
    try:
        check_pool(pool)
    except DiceError:
        return None
    return pool


# -- sets -----------------------------------------------------------------------------------


def _scorer(node: Set) -> tuple[Selector | None, Selector | None]:
    success = failure = None
    for modifier in node.modifiers:
        if isinstance(modifier, CountSuccesses):
            success = modifier.selector
        elif isinstance(modifier, CountFailures):
            failure = modifier.selector
    return success, failure


class _Items:
    """A set's items on one grain: selectors test values (keys over the grain), ranking
    compares keys, and a kept item adds its key or, counting successes, its net count."""

    __slots__ = ("failure", "grain", "selections", "success")

    def __init__(self, node: Set, grain: int) -> None:
        self.grain = grain
        self.selections = [m for m in node.modifiers if isinstance(m, Keep | Drop)]
        self.success, self.failure = _scorer(node)

    def value(self, key: int) -> Value:
        return key if self.grain == 1 else Fraction(key, self.grain)

    def survives(self, step: Keep | Drop, key: int) -> bool:
        return step.selector.matches(self.value(key)) == isinstance(step, Keep)

    def score(self, key: int) -> int:
        if self.success is None:
            return key
        value = self.value(key)
        net = 1 if self.success.matches(value) else 0
        if self.failure is not None and self.failure.matches(value):
            net -= 1
        return net

    @property
    def result_grain(self) -> int:
        return self.grain if self.success is None else 1


def _set_weights(node: Set, readings: Readings) -> Weights:
    items = [node_weights(item, readings) for item in node.items]
    grain = math.lcm(*(item.grain for item in items))
    items = [item.regrained(grain) for item in items]
    rules = _Items(node, grain)
    selections = rules.selections
    ranked = [i for i, s in enumerate(selections) if s.selector.op in ("h", "l")]
    if not ranked:

        def item_score(key: int) -> int:
            if all(rules.survives(s, key) for s in selections):
                return rules.score(key)
            return 0

        result = Weights({0: 1}, 1, 1, rules.result_grain)
        for item in items:
            scored = item.mapped(item_score)
            result = result.plus(Weights(scored.counts, scored.denom, scored.alive, result.grain))
        return result
    first = items[0]
    identical = all(
        item.counts == first.counts and item.denom == first.denom and item.alive == first.alive
        for item in items[1:]
    )
    if identical and len(ranked) == 1 and ranked[0] == 0:
        fast = _identical_items(first, len(items), rules)
        if fast is not None:
            return fast
    return _enumerated(items, rules)


def _identical_items(item: Weights, size: int, rules: _Items) -> Weights | None:
    step, after = rules.selections[0], rules.selections[1:]
    amount = step.selector.value
    highest = step.selector.op == "h"
    if isinstance(step, Drop):
        amount = size - amount
        highest = not highest

    def kept_score(key: int) -> int:
        return rules.score(key) if all(rules.survives(s, key) for s in after) else 0

    denom, alive, grain = item.denom**size, item.alive**size, rules.result_grain
    if amount <= 0:
        known = item.mass**size
        return Weights({0: known} if known else {}, denom, alive, grain)
    if amount >= size:
        scored = item.mapped(kept_score)
        return Weights(scored.counts, scored.denom, scored.alive, grain).times(size)
    selected = select_ranked(item.counts, 0, size, amount, highest=highest, score=kept_score)
    return Weights(selected.counts, denom, alive, grain)


def _enumerated(items: list[Weights], rules: _Items) -> Weights:
    """Every combination of item values, for sets of different items."""
    combinations = math.prod(len(item.counts) for item in items)
    if combinations > MULTISET_STATES * 4:
        raise LimitError("that set is too complex for exact odds")
    counts: dict[int, int] = {}
    for combo in product(*(list(item.counts.items()) for item in items)):
        keys = [key for key, _ in combo]
        active = list(range(len(keys)))
        for step in rules.selections:
            active = _apply(step, keys, active, rules)
        total = sum(rules.score(keys[i]) for i in active)
        counts[total] = counts.get(total, 0) + math.prod(weight for _, weight in combo)
    denom = math.prod(i.denom for i in items)
    return Weights(counts, denom, math.prod(i.alive for i in items), rules.result_grain)


def _apply(step: Keep | Drop, keys: list[int], active: list[int], rules: _Items) -> list[int]:
    selector = step.selector
    if selector.op not in ("h", "l"):
        return [i for i in active if rules.survives(step, keys[i])]
    ranked = sorted(active, key=keys.__getitem__, reverse=selector.op == "h")
    kept = ranked[: selector.value] if isinstance(step, Keep) else ranked[selector.value :]
    return sorted(kept)
