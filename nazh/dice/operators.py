"""What each binary operator computes on values, under a dialect's readings.

Shared by the roller (`nazh.dice.evaluator`) and exact odds (`nazh.dice.odds.arithmetic`), so
both compute, and refuse, exactly the same things.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING

from nazh.dice.errors import DiceError, LimitError
from nazh.dice.functions import whole
from nazh.dice.limits import MAX_EXPONENT_BITS, MAX_VALUE

if TYPE_CHECKING:
    from nazh.dice.ast import BinaryOp
    from nazh.dice.functions import Value
    from nazh.dice.readings import Readings

__all__ = ("TOO_LARGE", "Operation", "operation")

Operation = Callable[["Value", "Value"], "Value"]
"""A binary operator on values; raises `DiceError` for a pair it refuses."""

TOO_LARGE = f"results are limited to {MAX_VALUE:,}"


def operation(op: BinaryOp, readings: Readings) -> Operation:
    """What `op` computes in a dialect (not `+` or `-`, which add)."""
    if op == "*":
        return _multiply
    if op == "/":
        return _divide_real if readings.division == "real" else _divide_floor
    if op == "//":
        return _divide_floor
    if op == "%":
        return _remainder_dividend if readings.remainder == "dividend" else _remainder
    if op == "^":
        return _power
    return _RELATIONS[op]


def _relation(test: Callable[[Value, Value], bool]) -> Operation:
    def compare(left: Value, right: Value) -> Value:
        return int(test(left, right))

    return compare


_RELATIONS: dict[str, Operation] = {
    "==": _relation(operator.eq),
    "!=": _relation(operator.ne),
    "<": _relation(operator.lt),
    ">": _relation(operator.gt),
    "<=": _relation(operator.le),
    ">=": _relation(operator.ge),
}


def _check(value: Value) -> Value:
    if not -MAX_VALUE <= value <= MAX_VALUE:
        raise LimitError(TOO_LARGE)
    return value


def _multiply(left: Value, right: Value) -> Value:
    return _check(left * right)


def _divide_floor(left: Value, right: Value) -> Value:
    if right == 0:
        raise DiceError("division by zero")
    return left // right


def _divide_real(left: Value, right: Value) -> Value:
    if right == 0:
        raise DiceError("division by zero")
    return whole(Fraction(left) / right)


def _remainder(left: Value, right: Value) -> Value:
    if right == 0:
        raise DiceError("modulo by zero")
    return left % right


def _remainder_dividend(left: Value, right: Value) -> Value:
    if right == 0:
        raise DiceError("modulo by zero")
    return left - right * math.trunc(Fraction(left) / right)


def _power(base: Value, exponent: Value) -> Value:
    if isinstance(exponent, Fraction):
        raise DiceError("a power needs a whole exponent")
    if base == 0 and exponent < 0:
        raise DiceError("division by zero")
    size = max(Fraction(base).numerator.bit_length(), Fraction(base).denominator.bit_length())
    if base not in (0, 1, -1) and abs(exponent) * size > MAX_EXPONENT_BITS:
        raise LimitError(TOO_LARGE)
    if exponent < 0:
        return _check(whole(Fraction(1) / Fraction(base) ** -exponent))
    return _check(base**exponent)
