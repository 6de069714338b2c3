"""The range a tree's value can take: every successful evaluation lies within it.

Bounds are exact for plain arithmetic and simple pools and safe (possibly wider than needed)
for selectors, rerolls and explosions; explosions are bounded by the engine's limits.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nazh.dice.ast import (
    Binary,
    Clamp,
    CountFailures,
    CountSuccesses,
    Dice,
    Drop,
    Explode,
    Group,
    Keep,
    Labelled,
    Literal,
    Reroll,
    Unary,
    chain,
    face_range,
)
from nazh.dice.errors import DiceError
from nazh.dice.limits import MAX_CHAIN, MAX_DICE, MAX_VALUE

if TYPE_CHECKING:
    from nazh.dice.ast import (
        Modifier,
        Node,
        Set,
    )

__all__ = ("Bounds", "bounds")

Bounds = tuple[int, int]


def bounds(node: Node) -> Bounds:
    """(minimum, maximum) of the node's value; raise `DiceError` if it always divides by zero."""
    if isinstance(node, Literal):
        return node.value, node.value
    if isinstance(node, Dice):
        return _dice_bounds(node)
    if isinstance(node, Group):
        return bounds(node.inner)
    if isinstance(node, Labelled):
        return bounds(node.operand)
    if isinstance(node, Unary):
        low, high = bounds(node.operand)
        return (-high, -low) if node.op == "-" else (low, high)
    if isinstance(node, Binary):
        first, rest = chain(node)
        low, high = bounds(first)
        for op, operand in rest:
            low, high = _combine(op, (low, high), bounds(operand))
        return low, high
    return _set_bounds(node)


def _combine(op: str, left: Bounds, right: Bounds) -> Bounds:
    (a, b), (c, d) = left, right
    if op == "+":
        return a + c, b + d
    if op == "-":
        return a - d, b - c
    if op == "*":
        products = (a * c, a * d, b * c, b * d)
        return _clamp(min(products)), _clamp(max(products))
    divisors = [x for x in (c, d, -1, 1) if c <= x <= d and x != 0]
    if not divisors:
        raise DiceError("division by zero")
    quotients = [x // y for x in (a, b) for y in divisors]
    return min(quotients), max(quotients)


def _clamp(value: int) -> int:
    return max(-MAX_VALUE, min(MAX_VALUE, value))


def _sum_range(count: Bounds, value: Bounds) -> Bounds:
    (fewest, most), (low, high) = count, value
    return min(fewest * low, most * low), max(fewest * high, most * high)


def _counting(modifiers: tuple[Modifier, ...], most: int) -> Bounds | None:
    if not any(isinstance(m, CountSuccesses) for m in modifiers):
        return None
    failures = any(isinstance(m, CountFailures) for m in modifiers)
    return (-most if failures else 0), most


def _dice_bounds(node: Dice) -> Bounds:
    face_low, face_high = face_range(node.sides)
    fewest = most = node.count
    low, high = face_low, face_high
    for modifier in node.modifiers:
        if isinstance(modifier, Keep | Drop):
            selector = modifier.selector
            if selector.op not in ("h", "l"):
                fewest = 0
            elif isinstance(modifier, Keep):
                fewest, most = min(fewest, selector.value), min(most, selector.value)
            else:
                fewest, most = max(fewest - selector.value, 0), max(most - selector.value, 0)
        elif isinstance(modifier, Reroll):
            if modifier.mode == "add":
                most += 1
            low, high = min(low, face_low), max(high, face_high)
        elif isinstance(modifier, Explode):
            if modifier.mode == "compound":
                low += min(0, face_low) * MAX_CHAIN
                high += max(0, face_high) * MAX_CHAIN
            else:
                most = min(MAX_DICE, most * (MAX_CHAIN + 1))
                extra_low = face_low - 1 if modifier.mode == "penetrate" else face_low
                low, high = min(low, extra_low), max(high, face_high)
        elif isinstance(modifier, Clamp):
            if modifier.bound == "min":
                low, high = max(low, modifier.value), max(high, modifier.value)
            else:
                low, high = min(low, modifier.value), min(high, modifier.value)
    counted = _counting(node.modifiers, most)
    return counted if counted is not None else _sum_range((fewest, most), (low, high))


def _set_bounds(node: Set) -> Bounds:
    items = [bounds(item) for item in node.items]
    lows = [low for low, _ in items]
    highs = [high for _, high in items]
    kept_low, kept_high = lows, highs
    for modifier in node.modifiers:
        if not isinstance(modifier, Keep | Drop):
            continue
        selector = modifier.selector
        if selector.op not in ("h", "l"):
            kept_low = [min(0, sum(min(0, x) for x in kept_low))]
            kept_high = [max(0, sum(max(0, x) for x in kept_high))]
            break
        count = len(kept_low)
        take = selector.value if isinstance(modifier, Keep) else max(count - selector.value, 0)
        highest = (selector.op == "h") == isinstance(modifier, Keep)
        kept_low = sorted(kept_low, reverse=highest)[:take]
        kept_high = sorted(kept_high, reverse=highest)[:take]
    counted = _counting(node.modifiers, len(node.items))
    return counted if counted is not None else (sum(kept_low), sum(kept_high))
