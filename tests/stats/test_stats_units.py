"""The chi-square test, the odds report, its chart and the formatting helpers."""

from __future__ import annotations

import math
import random
import struct
from collections import Counter
from fractions import Fraction

import pytest

from nazh.commands.odds import split_target
from nazh.dice.odds import distribution
from nazh.stats.cards import format_chance
from nazh.stats.chart import CHART_SIZE
from nazh.stats.fairness import chi_square_sf, fairness_of, rolls_needed
from nazh.stats.odds import MAX_BARS, bars_of, compute_odds

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("statistic", "dof", "p"),
    [
        (3.8415, 1, 0.05),
        (5.9915, 2, 0.05),
        (30.1435, 19, 0.05),
        (36.1909, 19, 0.01),
        (43.8202, 19, 0.001),
        (123.2252, 99, 0.05),
    ],
)
def test_chi_square_tail_matches_tables(statistic: float, dof: int, p: float) -> None:
    assert chi_square_sf(statistic, dof) == pytest.approx(p, rel=1e-4)


def test_chi_square_tail_edges() -> None:
    assert chi_square_sf(0.0, 19) == 1.0
    assert chi_square_sf(4.0, 2) == pytest.approx(math.exp(-2.0))
    assert chi_square_sf(1e6, 19) == 0.0
    values = [chi_square_sf(x, 7) for x in range(0, 60, 3)]
    assert values == sorted(values, reverse=True)
    with pytest.raises(ValueError, match="degrees of freedom"):
        chi_square_sf(1.0, 0)


def test_fairness_needs_enough_rolls_and_tells_fair_from_loaded() -> None:
    rng = random.Random(3)
    few = Counter(rng.randint(1, 20) for _ in range(rolls_needed(20) - 1))
    assert fairness_of({face: few[face] for face in range(1, 21)}) is None
    fair = Counter(rng.randint(1, 20) for _ in range(5000))
    verdict = fairness_of({face: fair[face] for face in range(1, 21)})
    assert verdict is not None
    assert verdict.dof == 19
    assert verdict.p_value > 0.05
    assert verdict.verdict == "as fair as the universe"
    loaded = Counter(min(20, rng.randint(1, 22)) for _ in range(5000))
    biased = fairness_of({face: loaded[face] for face in range(1, 21)})
    assert biased is not None
    assert biased.p_value < 1e-6
    assert biased.verdict.startswith("loaded?")


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == PNG_SIGNATURE
    assert data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_odds_report_matches_the_exact_distribution() -> None:
    report = compute_odds("2d20kh1+5", 20)
    exact = distribution("2d20kh1+5")
    assert report.mean == pytest.approx(float(exact.mean()))
    assert report.stdev == pytest.approx(exact.stdev())
    assert (report.low, report.high, report.outcomes) == (6, 25, 20)
    assert report.at_least == exact.at_least(20) == Fraction(51, 100)
    assert report.percentiles[2] == (50, exact.percentile(Fraction(1, 2)))
    assert report.mode == (25, pytest.approx(float(exact[25])))
    assert sum(p for _, _, p in report.groups) == pytest.approx(1.0)
    assert report.chart is not None
    assert png_size(report.chart) == CHART_SIZE
    assert 5_000 < len(report.chart) < 200_000


def test_wide_distributions_are_binned_with_tails_left_off() -> None:
    report = compute_odds("1000d6", None)
    assert report.outcomes == 5001
    assert report.chart is not None
    assert png_size(report.chart) == CHART_SIZE
    points = [(total, float(p)) for total, p in distribution("300d6").items()]
    bars = bars_of(points, 900, 1200, MAX_BARS)
    assert len(bars) <= MAX_BARS
    assert all(high >= low for low, high, _ in bars)
    covered = sum(p for total, p in points if 900 <= total <= 1200)
    assert sum(p for _, _, p in bars) == pytest.approx(covered)
    narrow = bars_of([(1, 0.5), (3, 0.5)], 1, 3, MAX_BARS)
    assert narrow == ((1, 1, 0.5), (3, 3, 0.5))


def test_format_chance() -> None:
    assert format_chance(Fraction(0)) == "impossible"
    assert format_chance(Fraction(1)) == "certain (100 %)"
    assert format_chance(Fraction(300, 1296)) == "23.15 %"
    assert format_chance(Fraction(1, 20000)) == "0.005 % (about 1 in 20,000)"
    assert format_chance(Fraction(1, 6**15)) == "2.1e-10 % (about 1 in 470,184,984,576)"
    assert format_chance(Fraction(1, 6**20)) == "about 1 in 10^16"
    assert format_chance(Fraction(1, 10**40)) == "about 1 in 10^40"
    assert format_chance(Fraction(99999, 100000)) == "> 99.99 % (misses about 1 in 100,000)"
    assert format_chance(1 - Fraction(1, 6**30)) == "> 99.99 % (misses about 1 in 10^23)"


def test_split_target() -> None:
    assert split_target("4d6kh3 15") == ("4d6kh3", 15)
    assert split_target("1d20 + 5") == ("1d20 + 5", None)
    assert split_target("1d20+5 -3") == ("1d20+5 -3", None)
    assert split_target("3d6  12 ") == ("3d6", 12)
    assert split_target("1d20 attack") == ("1d20 attack", None)
    assert split_target("1d20x") == ("1d20x", None)
