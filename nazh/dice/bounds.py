"""The range a tree's value can take: every successful evaluation lies within it.

Bounds are exact for plain arithmetic and simple pools and safe (possibly wider than needed)
for selectors, rerolls and explosions; explosions are bounded by the engine's limits.
"""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction
from typing import TYPE_CHECKING

from nazh.dice.ast import (
    Binary,
    Call,
    Clamp,
    ComputedDice,
    CountFailures,
    CountSuccesses,
    Decimal,
    Dice,
    Drop,
    Explode,
    Group,
    Keep,
    Labelled,
    Literal,
    Reroll,
    Unary,
    Unique,
    chain,
    dice_face_range,
)
from nazh.dice.errors import DiceError
from nazh.dice.functions import whole
from nazh.dice.groups import dice_terms
from nazh.dice.limits import MAX_CHAIN, MAX_DICE, MAX_EXPONENT_BITS, MAX_SIDES, MAX_VALUE
from nazh.dice.readings import NAZH_READINGS

if TYPE_CHECKING:
    from nazh.dice.ast import (
        Modifier,
        Node,
        Set,
    )
    from nazh.dice.functions import Value
    from nazh.dice.readings import Readings

__all__ = ("Bounds", "bounds")

Bounds = tuple["Value", "Value"]
_WIDE: Bounds = (-MAX_VALUE, MAX_VALUE)
_RELATIONS = frozenset(("==", "!=", "<", ">", "<=", ">="))


def bounds(node: Node, readings: Readings = NAZH_READINGS) -> Bounds:
    """(minimum, maximum) of the node's value; raise `DiceError` if it always divides by zero."""
    low, high = _bounds(node, readings)
    return whole(low), whole(high)


def _bounds(node: Node, readings: Readings) -> Bounds:
    if isinstance(node, Literal | Decimal):
        return node.value, node.value
    if isinstance(node, Dice):
        return _dice_bounds(node, readings.keep_drop_scope == "all")
    if isinstance(node, Group):
        return _bounds(node.inner, readings)
    if isinstance(node, Labelled):
        return _bounds(node.operand, readings)
    if isinstance(node, Unary):
        low, high = _bounds(node.operand, readings)
        return (-high, -low) if node.op == "-" else (low, high)
    if isinstance(node, Binary):
        first, rest = chain(node)
        low, high = _bounds(first, readings)
        for op, operand in rest:
            low, high = _combine(op, (low, high), _bounds(operand, readings), readings)
        return low, high
    if isinstance(node, Call):
        assert node.function is not None
        return node.function.bounds([_bounds(arg, readings) for arg in node.args])
    if isinstance(node, ComputedDice):
        return _computed_bounds(node, readings)
    return _set_bounds(node, readings)


def _combine(op: str, left: Bounds, right: Bounds, readings: Readings) -> Bounds:
    (a, b), (c, d) = left, right
    if op in _RELATIONS:
        return 0, 1
    if op == "+":
        return a + c, b + d
    if op == "-":
        return a - d, b - c
    if op == "*":
        products = (a * c, a * d, b * c, b * d)
        return _clamp(min(products)), _clamp(max(products))
    if op == "%":
        if c == d == 0:
            raise DiceError("modulo by zero")
        largest = max(abs(c), abs(d))
        if c >= 0 and readings.remainder == "divisor":
            return 0, largest
        return -largest, largest
    if op == "^":
        return _power_bounds(left, right)
    if c == d == 0:
        raise DiceError("division by zero")
    if op == "/" and readings.division == "real":
        if c <= 0 <= d and not (isinstance(c, int) and isinstance(d, int)):
            return _WIDE
        divisors = [x for x in (c, d, -1, 1) if c <= x <= d and x != 0]
        quotients = [Fraction(x) / y for x in (a, b) for y in divisors]
        return _clamp(min(quotients)), _clamp(max(quotients))
    if c <= 0 <= d and not (isinstance(c, int) and isinstance(d, int)):
        return _WIDE
    divisors = [x for x in (c, d, -1, 1) if c <= x <= d and x != 0]
    quotients = [x // y for x in (a, b) for y in divisors]
    return min(quotients), max(quotients)


def _power_bounds(base: Bounds, exponent: Bounds) -> Bounds:
    (a, b), (c, d) = base, exponent
    if c < 0 or not isinstance(c, int) or not isinstance(d, int):
        return _WIDE
    bases = {a, b, *(x for x in (0, 1, -1) if a <= x <= b)}
    exponents = {c, d, *(x for x in (c + 1, d - 1) if c <= x <= d)}
    size = max(Fraction(x).numerator.bit_length() for x in (a, b))
    if d * size > MAX_EXPONENT_BITS:
        return _WIDE
    powers = [x**e for x in bases for e in exponents]
    return _clamp(min(powers)), _clamp(max(powers))


def _clamp(value: Value) -> Value:
    return max(-MAX_VALUE, min(MAX_VALUE, value))


def _computed_bounds(node: ComputedDice, readings: Readings) -> Bounds:
    written = node.dice
    counts: tuple[int, int] = (written.count, written.count)
    if node.count is not None:
        low, high = _bounds(node.count, readings)
        counts = (max(0, min(MAX_DICE, math.floor(low))), max(0, min(MAX_DICE, math.ceil(high))))
    sides: tuple[int, int] = (written.sides, written.sides)
    if node.sides is not None:
        low, high = _bounds(node.sides, readings)
        sides = (max(1, min(MAX_SIDES, math.floor(low))), max(1, min(MAX_SIDES, math.ceil(high))))
    corners = [
        _dice_bounds(
            dataclasses.replace(written, count=count, sides=side),
            readings.keep_drop_scope == "all",
        )
        for count in counts
        for side in sides
    ]
    return min(low for low, _ in corners), max(high for _, high in corners)


def _sum_range(count: tuple[int, int], value: tuple[int, int]) -> tuple[int, int]:
    (fewest, most), (low, high) = count, value
    return min(fewest * low, most * low), max(fewest * high, most * high)


def _counting(modifiers: tuple[Modifier, ...], most: int) -> tuple[int, int] | None:
    if not any(isinstance(m, CountSuccesses) for m in modifiers):
        return None
    failures = any(isinstance(m, CountFailures) for m in modifiers)
    return (-most if failures else 0), most


def _dice_bounds(node: Dice, every: bool = False) -> tuple[int, int]:
    """`every`: a keep or drop chooses among every die, so a drop may remove no kept die."""
    face_low, face_high = dice_face_range(node)
    fewest = most = node.count
    low, high = face_low, face_high
    selected = False
    for modifier in node.modifiers:
        if isinstance(modifier, Keep | Drop):
            selector = modifier.selector
            if selector.op not in ("h", "l") or (every and selected):
                # among every die, a later keep or drop may remove any die, or none
                fewest = 0
                if isinstance(modifier, Keep) and selector.op in ("h", "l"):
                    most = min(most, selector.value)
            elif isinstance(modifier, Keep):
                fewest, most = min(fewest, selector.value), min(most, selector.value)
            else:
                fewest, most = max(fewest - selector.value, 0), max(most - selector.value, 0)
            selected = True
        elif isinstance(modifier, Reroll | Unique):
            if isinstance(modifier, Reroll) and modifier.mode == "add":
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


def _set_bounds(node: Set, readings: Readings) -> Bounds:
    if node.keeps_dice or node.tests_dice:
        return _dice_set_bounds(node, readings.keep_drop_scope == "all")
    items = [_bounds(item, readings) for item in node.items]
    lows = [low for low, _ in items]
    highs = [high for _, high in items]
    kept_low, kept_high = lows, highs
    every = readings.keep_drop_scope == "all"
    for index, modifier in enumerate(m for m in node.modifiers if isinstance(m, Keep | Drop)):
        selector = modifier.selector
        if selector.op not in ("h", "l") or (every and index):
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


def _dice_set_bounds(node: Set, every: bool) -> Bounds:
    """A set of one roll keeping or testing its dice: any subset of its dice, plus its number
    (or, counting, up to every die)."""
    terms = dice_terms(node.items[0])
    assert terms is not None
    pools, constant = terms
    grows = any(isinstance(m, Explode | Reroll) for pool in pools for m in pool.modifiers)
    counted = _counting(node.modifiers, MAX_DICE if grows else sum(p.count for p in pools))
    if counted is not None:
        return counted
    ranges = [_dice_bounds(pool, every) for pool in pools]
    low = constant + sum(min(0, low) for low, _ in ranges)
    return low, constant + sum(max(0, high) for _, high in ranges)
