"""Functions callable as `name(args)`: the built-in math functions and the registry type.

A `Function` computes a value from its arguments' values and bounds a range from theirs. The
parser resolves names through a `Resolver`; `builtin` is the default, and a caller can chain
its own in front of it: macros (saved rolls, `nazh.dice.macros`), game systems.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nazh.dice.macros import Macro

__all__ = ("BUILTINS", "Function", "Resolver", "Value", "builtin", "round_half", "whole")

Value = int | Fraction
"""What an expression evaluates to: an `int`, or a `Fraction` when not whole."""

Range = tuple[Value, Value]


@dataclass(frozen=True, slots=True)
class Function:
    """A callable name: `apply` maps argument values to a value, `bounds` argument ranges to a
    range containing every result. Arity is `min_args` to `max_args` (None: no upper limit)."""

    name: str
    min_args: int
    max_args: int | None
    apply: Callable[[Sequence[Value], str], Value]
    """Arguments' values and the dialect's `round_half` reading to the result."""
    bounds: Callable[[Sequence[Range]], Range]

    def arity(self) -> str:
        """`one argument`, `at least one argument`... for error messages."""
        count = "one argument" if self.min_args == 1 else f"{self.min_args} arguments"
        return count if self.max_args == self.min_args else f"at least {count}"


Resolver = Callable[[str], "Function | Macro | None"]
"""Lower-case name (`server:attack` with its qualifier) to its function or macro, or None if
unknown."""


def whole(value: Value) -> Value:
    """An `int` for a whole value, else the `Fraction` itself."""
    if isinstance(value, Fraction) and value.denominator == 1:
        return int(value)
    return value


def round_half(value: Value, reading: str = "away") -> int:
    """Round to a whole number; halves go `away` from zero, `up` or to the `even` neighbour."""
    if isinstance(value, int):
        return value
    if reading == "even":
        return round(value)
    if reading == "up":
        return math.floor(value + Fraction(1, 2))
    magnitude = math.floor(abs(value) + Fraction(1, 2))
    return magnitude if value >= 0 else -magnitude


def _monotone(transform: Callable[[Value], Value]) -> Callable[[Sequence[Range]], Range]:
    def bounds(ranges: Sequence[Range]) -> Range:
        low, high = ranges[0]
        return transform(low), transform(high)

    return bounds


def _abs_bounds(ranges: Sequence[Range]) -> Range:
    low, high = ranges[0]
    if low >= 0:
        return low, high
    if high <= 0:
        return -high, -low
    return 0, max(-low, high)


def _extreme_bounds(pick: Callable[[Sequence[Value]], Value]) -> Callable[[Sequence[Range]], Range]:
    def bounds(ranges: Sequence[Range]) -> Range:
        return pick([low for low, _ in ranges]), pick([high for _, high in ranges])

    return bounds


def _floor(values: Sequence[Value], _: str) -> Value:
    return math.floor(values[0])


def _ceil(values: Sequence[Value], _: str) -> Value:
    return math.ceil(values[0])


def _round(values: Sequence[Value], reading: str) -> Value:
    return round_half(values[0], reading)


def _abs(values: Sequence[Value], _: str) -> Value:
    return abs(values[0])


def _min(values: Sequence[Value], _: str) -> Value:
    return min(values)


def _max(values: Sequence[Value], _: str) -> Value:
    return max(values)


BUILTINS: dict[str, Function] = {
    function.name: function
    for function in (
        Function("floor", 1, 1, _floor, _monotone(math.floor)),
        Function("ceil", 1, 1, _ceil, _monotone(math.ceil)),
        Function("round", 1, 1, _round, _monotone(lambda v: round_half(v, "even"))),
        Function("abs", 1, 1, _abs, _abs_bounds),
        Function("min", 1, None, _min, _extreme_bounds(min)),
        Function("max", 1, None, _max, _extreme_bounds(max)),
    )
}
"""The math functions, by lower-case name."""


def builtin(name: str) -> Function | None:
    """The built-in function called `name` (lower case), or None."""
    return BUILTINS.get(name)
