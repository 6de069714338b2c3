"""`Weights`: a sub-probability measure over integers as integer weights on one denominator."""

from __future__ import annotations

from fractions import Fraction
from math import lcm
from typing import TYPE_CHECKING

from nazh.dice.odds.kernels import convolve, power

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Iterator

    from nazh.dice.functions import Value

__all__ = ("Weights",)

_DENSE_RATIO = 4
"""Use dense kernels when the span of outcomes is at most this many times their number."""


class Weights:
    """`counts[v] / denom` is the probability of value `v`.

    `alive / denom` is the probability that the roller does not refuse the roll (refused: it
    raises, e.g. a division by zero or too long a chain); `alive - sum(counts)` is mass that was
    not worked out (explosion chains cut off), so `sum(counts) <= alive <= denom`.

    Values need not be whole: a key `v` stands for the value `v / grain` (`grain` 1 for dice),
    so that fractions still add with the integer kernels.
    """

    __slots__ = ("alive", "counts", "denom", "grain")

    def __init__(self, counts: dict[int, int], denom: int, alive: int, grain: int = 1) -> None:
        self.counts = counts
        self.denom = denom
        self.alive = alive
        self.grain = grain

    @classmethod
    def point(cls, value: Value) -> Weights:
        """A certain value."""
        if isinstance(value, int):
            return cls({value: 1}, 1, 1)
        return cls({value.numerator: 1}, 1, 1, value.denominator)

    @classmethod
    def of_values(cls, counts: dict[Value, int], denom: int, alive: int) -> Weights:
        """Weights of values that may be fractions, on the smallest grain that holds them."""
        grain = 1
        for value in counts:
            if isinstance(value, Fraction) and value.denominator != 1:
                grain = lcm(grain, value.denominator)
        if grain == 1:
            return cls({int(v): w for v, w in counts.items()}, denom, alive)
        keyed = {int(v * grain): w for v, w in counts.items()}
        return cls(keyed, denom, alive, grain)

    def values(self) -> Iterator[tuple[Value, int]]:
        """Each `(value, weight)`, values as `int` when whole."""
        grain = self.grain
        if grain == 1:
            yield from self.counts.items()
            return
        for key, weight in self.counts.items():
            if key % grain:
                yield Fraction(key, grain), weight
            else:
                yield key // grain, weight

    def mapped_values(self, function: Callable[[Value], Value]) -> Weights:
        """The measure of `function(value)`, values fractions or not."""
        counts: dict[Value, int] = {}
        for value, weight in self.values():
            key = function(value)
            counts[key] = counts.get(key, 0) + weight
        return Weights.of_values(counts, self.denom, self.alive)

    def regrained(self, grain: int) -> Weights:
        """The same measure on a finer `grain` (a multiple of this one)."""
        if grain == self.grain:
            return self
        factor = grain // self.grain
        counts = {v * factor: w for v, w in self.counts.items()}
        return Weights(counts, self.denom, self.alive, grain)

    @classmethod
    def uniform(cls, low: int, high: int) -> Weights:
        """Each of `low..high` equally likely."""
        return cls(dict.fromkeys(range(low, high + 1), 1), high - low + 1, high - low + 1)

    @classmethod
    def nothing(cls, *, refused: bool) -> Weights:
        """All mass refused by the roller, or all of it left unworked (`refused` False)."""
        return cls({}, 1, 0 if refused else 1)

    @property
    def mass(self) -> int:
        """Total weight of the known outcomes."""
        return sum(self.counts.values())

    def scaled(self, numerator: int, denominator: int) -> Weights:
        """This measure times `numerator / denominator`."""
        counts = (
            self.counts if numerator == 1 else {v: w * numerator for v, w in self.counts.items()}
        )
        return Weights(counts, self.denom * denominator, self.alive * numerator, self.grain)

    def reframed(self, denom: int, alive: int) -> Weights:
        """The same weights, read on another denominator with another refused mass."""
        return Weights(self.counts, denom, alive, self.grain)

    def mapped(self, function: Callable[[int], int]) -> Weights:
        """The measure of `function(key)`, on the same grain."""
        counts: dict[int, int] = {}
        for value, weight in self.counts.items():
            key = function(value)
            counts[key] = counts.get(key, 0) + weight
        return Weights(counts, self.denom, self.alive, self.grain)

    def negated(self) -> Weights:
        """The measure of `-value`."""
        counts = {-v: w for v, w in self.counts.items()}
        return Weights(counts, self.denom, self.alive, self.grain)

    def shifted(self, offset: int) -> Weights:
        """The measure of `value + offset`."""
        if not offset:
            return self
        shift = offset * self.grain
        counts = {v + shift: w for v, w in self.counts.items()}
        return Weights(counts, self.denom, self.alive, self.grain)

    def plus(self, other: Weights) -> Weights:
        """The measure of the sum of two independent values."""
        if self.grain != other.grain:
            grain = lcm(self.grain, other.grain)
            return self.regrained(grain).plus(other.regrained(grain))
        if len(self.counts) == 1 or len(other.counts) == 1:
            small, large = (self, other) if len(self.counts) == 1 else (other, self)
            ((value, weight),) = small.counts.items()
            counts = {v + value: w * weight for v, w in large.counts.items()}
            return Weights(counts, self.denom * other.denom, self.alive * other.alive, self.grain)
        left, right = self.dense(), other.dense()
        if left is not None and right is not None:
            low = left[0] + right[0]
            counts = _sparse(low, convolve(left[1], right[1]))
        else:
            counts: dict[int, int] = {}
            for a, wa in self.counts.items():
                for b, wb in other.counts.items():
                    counts[a + b] = counts.get(a + b, 0) + wa * wb
        return Weights(counts, self.denom * other.denom, self.alive * other.alive, self.grain)

    def times(self, n: int) -> Weights:
        """The measure of the sum of `n` independent copies."""
        if n == 1:
            return self
        if not self.counts:
            return Weights({}, self.denom**n, self.alive**n, self.grain)
        dense = self.dense()
        if dense is None:
            result = Weights({0: 1}, 1, 1, self.grain)
            for _ in range(n):
                result = result.plus(self)
            return result
        low, weights = dense
        counts = _sparse(low * n, power(weights, n))
        return Weights(counts, self.denom**n, self.alive**n, self.grain)

    def dense(self) -> tuple[int, list[int]] | None:
        """`(low, weights)` from the lowest known value, if the outcomes are dense enough."""
        counts = self.counts
        if not counts:
            return None
        low, high = min(counts), max(counts)
        if high - low + 1 > _DENSE_RATIO * len(counts) + 16:
            return None
        weights = [0] * (high - low + 1)
        for value, weight in counts.items():
            weights[value - low] = weight
        return low, weights

    @staticmethod
    def total(parts: Iterable[Weights]) -> Weights:
        """The sum of several measures (of disjoint events), on a common denominator."""
        items = list(parts)
        if not items:
            return Weights({}, 1, 0)
        common = items[0].denom
        grain = items[0].grain
        for part in items[1:]:
            if part.denom != common:
                common = lcm(common, part.denom)
            if part.grain != grain:
                grain = lcm(grain, part.grain)
        counts: dict[int, int] = {}
        alive = 0
        for part in items:
            factor = common // part.denom
            alive += part.alive * factor
            for value, weight in part.regrained(grain).counts.items():
                counts[value] = counts.get(value, 0) + weight * factor
        return Weights(counts, common, alive, grain)


def _sparse(low: int, weights: list[int]) -> dict[int, int]:
    return {low + i: w for i, w in enumerate(weights) if w}
