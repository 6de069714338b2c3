"""The exact distribution describes the roller: 20,000 seeded rolls per expression, chi-square."""

from __future__ import annotations

import random
from collections import Counter
from math import sqrt
from typing import TYPE_CHECKING

import pytest

from nazh.dice import DiceError, RollSet, roll
from nazh.dice.odds import distribution

if TYPE_CHECKING:
    from nazh.dice.functions import Value

ROLLS = 20_000

CORPUS = [
    "4d6kh3",
    "2d20kh1+5",
    "8d10kh3",
    "10d10>=7",
    "3d6!",
    "2d6ro<3",
    "4d6rr1",
    "3d6!!",
    "3d6!p",
    "4dF+1",
    "(1d6, 1d8)kh1",
    "{1d20, 1d20}kl1",
    "4d6kh3kl2",
    "3d6ra1",
    "5d6>=5f1",
    "4d6d<3kh2",
    "2d4!!>=3",
    "3d6kh2!",
    "4d6!kh3",
    "3d6!dl1",
    "3d4!dh1",
    "3d4!kl2",
    "3d4rr<3kh2",
    "6d6kh3>=5",
    "1d6/(1d3-1)",
    "2d6*1d4",
    "3#2d6",
]


def chi_square_bound(df: int) -> float:
    """Wilson-Hilferty approximation of the chi-square quantile at p = 0.999."""
    z = 3.09
    return df * (1 - 2 / (9 * df) + z * sqrt(2 / (9 * df))) ** 3


@pytest.mark.parametrize("text", CORPUS)
def test_rolls_follow_the_distribution(text: str) -> None:
    exact = distribution(text)
    rng = random.Random(f"odds:{text}")
    seen: Counter[Value] = Counter()
    refused = 0
    for _ in range(ROLLS):
        try:
            result = roll(text, rng=rng)
        except DiceError:
            refused += 1
            continue
        totals = (
            [r.total for r in result.results] if isinstance(result, RollSet) else [result.total]
        )
        seen.update(totals)
    rolled = sum(seen.values())
    assert set(seen) <= set(exact), "the roller gave a total the distribution calls impossible"
    # Bins with enough expected counts; the rest pooled into one, plus the refused rolls.
    chi = 0.0
    bins = 0
    pooled_expected = pooled_seen = 0.0
    trials = rolled + refused
    for total, probability in exact.items():
        expected = float(probability) * trials
        if expected >= 5:
            chi += (seen[total] - expected) ** 2 / expected
            bins += 1
        else:
            pooled_expected += expected
            pooled_seen += seen[total]
    pooled_expected += float(exact.refused) * trials
    pooled_seen += refused
    if pooled_expected >= 5:
        chi += (pooled_seen - pooled_expected) ** 2 / pooled_expected
        bins += 1
    assert bins >= 2
    assert chi < chi_square_bound(bins - 1), f"chi-square {chi:.1f} over {bins} bins"
