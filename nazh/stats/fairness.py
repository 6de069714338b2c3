"""Is a die fair? Pearson's chi-square goodness-of-fit test on its face counts."""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("MIN_EXPECTED_PER_FACE", "Fairness", "chi_square_sf", "fairness_of", "rolls_needed")

MIN_EXPECTED_PER_FACE = 5
"""The usual rule for the chi-square approximation: at least 5 expected rolls of every face."""


def chi_square_sf(statistic: float, dof: int) -> float:
    """P(X >= `statistic`) for X chi-square distributed with `dof` degrees of freedom.

    The closed form of the regularised upper incomplete gamma function at integer and
    half-integer orders, summed in log space so large statistics underflow cleanly to 0.
    """
    if dof < 1:
        raise ValueError("degrees of freedom must be at least 1")
    if statistic <= 0:
        return 1.0
    half = statistic / 2
    log_half = math.log(half)
    if dof % 2 == 0:
        orders = [float(i) for i in range(dof // 2)]
        base = 0.0
    else:
        orders = [i + 0.5 for i in range((dof - 1) // 2)]
        base = math.erfc(math.sqrt(half))
    tail = sum(math.exp(k * log_half - half - math.lgamma(k + 1)) for k in orders)
    return min(1.0, base + tail)


def rolls_needed(faces: int) -> int:
    """Rolls of a die with `faces` faces before its fairness is judged."""
    return MIN_EXPECTED_PER_FACE * faces


@dataclasses.dataclass(frozen=True, slots=True)
class Fairness:
    """The outcome of the test for one die."""

    rolls: int
    statistic: float
    """Pearson's chi-square statistic."""
    dof: int
    p_value: float
    """Chance of counts at least this uneven from a perfectly fair die."""

    @property
    def verdict(self) -> str:
        """A one-line judgement, from fair to loaded."""
        if self.p_value >= 0.05:
            return "as fair as the universe"
        if self.p_value >= 0.01:
            return "a little streaky, nothing to worry about"
        if self.p_value >= 0.001:
            return "suspicious: keep an eye on it"
        return "loaded? Those faces are far too uneven for chance"


def fairness_of(counts: Mapping[int, int]) -> Fairness | None:
    """Test face counts (every face listed, zeros included) against a fair die.

    None until there are `rolls_needed` rolls.
    """
    faces = len(counts)
    rolls = sum(counts.values())
    if faces < 2 or rolls < rolls_needed(faces):
        return None
    expected = rolls / faces
    statistic = sum((n - expected) ** 2 for n in counts.values()) / expected
    return Fairness(rolls, statistic, faces - 1, chi_square_sf(statistic, faces - 1))
