"""The exact distribution describes the roller: 20,000 seeded rolls per expression and dialect,
chi-square."""

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

CORPUS: list[tuple[str, str]] = [
    ("4d6kh3", "nazh"),
    ("2d20kh1+5", "nazh"),
    ("8d10kh3", "nazh"),
    ("10d10>=7", "nazh"),
    ("3d6!", "nazh"),
    ("2d6ro<3", "nazh"),
    ("4d6rr1", "nazh"),
    ("3d6!!", "nazh"),
    ("3d6!p", "nazh"),
    ("4dF+1", "nazh"),
    ("(1d6, 1d8)kh1", "nazh"),
    ("{1d20, 1d20}kl1", "nazh"),
    ("4d6kh3kl2", "nazh"),
    ("3d6ra1", "nazh"),
    ("5d6>=5f1", "nazh"),
    ("4d6d<3kh2", "nazh"),
    ("2d4!!>=3", "nazh"),
    ("3d6kh2!", "nazh"),
    ("4d6!kh3", "nazh"),
    ("3d6!dl1", "nazh"),
    ("3d4!dh1", "nazh"),
    ("3d4!kl2", "nazh"),
    ("3d4rr<3kh2", "nazh"),
    ("6d6kh3>=5", "nazh"),
    ("1d6/(1d3-1)", "nazh"),
    ("2d6*1d4", "nazh"),
    ("3#2d6", "nazh"),
    # forms of issue #10
    ("2d[1,1,2,3]", "nazh"),
    ("4d[0,0,1,2]kh2", "nazh"),
    ("3d6xo", "nazh"),
    ("4d6ro<>3", "nazh"),
    ("6d6even", "nazh"),
    ("floor(1d20/2)", "nazh"),
    ("round(2d6*0.75)", "nazh"),
    ("max(1d20, 1d20)+min(1d6, 1d6, 1d6)", "nazh"),
    ("abs(2d6-2d6)", "nazh"),
    ("2d10%7", "nazh"),
    ("2^1d6", "nazh"),
    ("(1d4)d6", "nazh"),
    ("3d(1d6+2)", "nazh"),
    ("(1d3)d6kh1", "nazh"),
    ("3d6sd", "nazh"),
    # every dialect
    ("3d6>3", "roll20"),
    ("floor(3d6/4)+1d6", "roll20"),
    ("round(1d10/4)", "roll20"),
    ("2d%", "avrae"),
    ("2d6/3*2", "avrae"),
    ("1d20+5>=15", "avrae"),
    ("4d6k3", "avrae"),
    ("5d6cs>4", "foundry"),
    ("(2d6-9)%4", "foundry"),
    ("6d6 t5", "dicemaiden"),
    ("4d6 k3", "dicemaiden"),
    ("-2d6%5", "rpg-dice-roller"),
    ("4d6dl1", "rpg-dice-roller"),
]


def chi_square_bound(df: int) -> float:
    """Wilson-Hilferty approximation of the chi-square quantile at p = 0.999."""
    z = 3.09
    return df * (1 - 2 / (9 * df) + z * sqrt(2 / (9 * df))) ** 3


@pytest.mark.parametrize(("text", "dialect"), CORPUS, ids=[f"{d}:{t}" for t, d in CORPUS])
def test_rolls_follow_the_distribution(text: str, dialect: str) -> None:
    exact = distribution(text, dialect)
    rng = random.Random(f"odds:{dialect}:{text}")
    seen: Counter[Value] = Counter()
    refused = 0
    for _ in range(ROLLS):
        try:
            result = roll(text, rng=rng, dialect=dialect)
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
