"""`Distribution`: the exact probability of every total of one evaluation."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from math import isqrt, sqrt
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator

__all__ = ("NO_MASS", "Distribution")

NO_MASS = Fraction(0)
"""The probability of nothing, shared so that a roll with none refused or truncated makes none."""


class Distribution(Mapping[int, Fraction]):
    """A read-only mapping from each possible total to its exact probability.

    For a repetition (`6#4d6kh3`) it is the distribution of each result: the results are
    independent and identically distributed. Besides the mapping:

    - `refused`: probability that the roller raises instead of giving a total (division by
      zero, a value beyond the limits, a reroll or explosion chain over the limit);
    - `truncated`: probability not worked out: explosion chains cut off once going further is
      less likely than about 1e-9 overall, plus a bound on rolls exceeding the dice limit. Zero
      for anything without explosions or with chains ending well within the roller's limits.

    The probabilities sum to `1 - refused - truncated` (`mass`). `mean`, `variance`, `stdev` and
    `percentile` describe the totals within that mass (normalised by it); `at_least` and
    `at_most` are plain sums of the mapping's probabilities.
    """

    __slots__ = ("_counts", "_denom", "_totals", "refused", "repeat", "text", "truncated")

    def __init__(
        self,
        counts: Mapping[int, int],
        denom: int,
        *,
        refused: Fraction = NO_MASS,
        truncated: Fraction = NO_MASS,
        text: str = "",
        repeat: int = 1,
    ) -> None:
        totals = sorted(counts)
        ordered = {total: counts[total] for total in totals}
        if 0 in ordered.values():
            ordered = {total: weight for total, weight in ordered.items() if weight}
            totals = list(ordered)
        self._totals = totals
        self._counts = ordered
        self._denom = denom
        self.refused = refused
        self.truncated = truncated
        self.text = text
        self.repeat = repeat

    # -- mapping -----------------------------------------------------------------------------

    def __getitem__(self, total: int) -> Fraction:
        return Fraction(self._counts[total], self._denom)

    def __iter__(self) -> Iterator[int]:
        return iter(self._totals)

    def __len__(self) -> int:
        return len(self._totals)

    def __contains__(self, total: object) -> bool:
        return total in self._counts

    def __repr__(self) -> str:
        return (
            f"<Distribution {self.text!r}: {len(self)} totals, mean {float(self.mean()):.4g}, "
            f"truncated {float(self.truncated):.3g}>"
        )

    def floats(self) -> list[tuple[int, float]]:
        """Every (total, probability) as floats, ascending; cheap where exact Fractions are not."""
        denom = self._denom
        return [(total, weight / denom) for total, weight in self._counts.items()]

    # -- statistics --------------------------------------------------------------------------

    @property
    def mass(self) -> Fraction:
        """Sum of the probabilities in the mapping."""
        return Fraction(sum(self._counts.values()), self._denom)

    def min(self) -> int:
        """The lowest possible total."""
        return self._totals[0]

    def max(self) -> int:
        """The highest possible total (of those worked out, for explosions)."""
        return self._totals[-1]

    def mean(self) -> Fraction:
        """The expected total."""
        counts = self._counts
        return Fraction(sum(t * w for t, w in counts.items()), sum(counts.values()))

    def variance(self) -> Fraction:
        """The variance of the total."""
        counts = self._counts
        weight = sum(counts.values())
        first = sum(t * w for t, w in counts.items())
        second = sum(t * t * w for t, w in counts.items())
        return Fraction(second * weight - first * first, weight * weight)

    def stdev(self) -> float:
        """The standard deviation of the total."""
        variance = self.variance()
        numerator, denominator = variance.numerator, variance.denominator
        if numerator < 2**1000 and denominator < 2**1000:
            return sqrt(numerator / denominator)
        scale = 2**200
        return isqrt(numerator * scale * scale // denominator) / scale

    def at_least(self, total: int) -> Fraction:
        """P(total >= `total`)."""
        return Fraction(sum(w for t, w in self._counts.items() if t >= total), self._denom)

    def at_most(self, total: int) -> Fraction:
        """P(total <= `total`)."""
        return Fraction(sum(w for t, w in self._counts.items() if t <= total), self._denom)

    def percentile(self, fraction: float | Fraction) -> int:
        """The smallest total `t` with P(total <= t) >= `fraction` (in (0, 1]) of the mass."""
        share = Fraction(str(fraction)) if isinstance(fraction, float) else Fraction(fraction)
        if not 0 < share <= 1:
            raise ValueError("a percentile is a fraction in (0, 1]")
        counts = self._counts
        needed = share * sum(counts.values())
        running = 0
        for total in self._totals:
            running += counts[total]
            if running >= needed:
                return total
        return self._totals[-1]

    def percentiles(self, fractions: Iterable[float | Fraction]) -> dict[float | Fraction, int]:
        """`percentile` for several fractions at once."""
        return {fraction: self.percentile(fraction) for fraction in fractions}
