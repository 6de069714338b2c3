"""The `Distribution` mapping and its statistics."""

from __future__ import annotations

from collections.abc import Mapping
from fractions import Fraction
from math import sqrt

import pytest

from nazh.dice import DiceError
from nazh.dice.odds import Distribution, distribution


def test_is_a_read_only_mapping_of_fractions() -> None:
    result = distribution("2d6")
    assert isinstance(result, Mapping)
    assert isinstance(result, Distribution)
    assert list(result) == list(range(2, 13))
    assert result[7] == Fraction(1, 6)
    assert sum(result.values()) == 1
    assert 1 not in result
    with pytest.raises(KeyError):
        _ = result[1]
    with pytest.raises(TypeError):
        result[7] = Fraction(0)  # type: ignore[index]


def test_summary_statistics_of_two_d6() -> None:
    result = distribution("2d6")
    assert result.min() == 2
    assert result.max() == 12
    assert result.mean() == 7
    assert result.variance() == Fraction(35, 6)
    assert result.stdev() == pytest.approx(sqrt(35 / 6))
    assert result.at_least(10) == Fraction(6, 36)
    assert result.at_most(3) == Fraction(3, 36)
    assert result.percentile(0.5) == 7
    assert result.percentile(Fraction(1, 36)) == 2
    assert result.percentile(1) == 12
    assert result.percentiles([0.25, 0.75]) == {0.25: 5, 0.75: 9}


def test_stdev_of_a_huge_pool_is_finite() -> None:
    result = distribution("1000d6")
    assert result.mean() == 3500
    assert result.stdev() == pytest.approx(sqrt(1000 * 35 / 12))


def test_bad_percentile_is_refused() -> None:
    with pytest.raises(ValueError, match="percentile"):
        distribution("1d6").percentile(0)


def test_a_roll_that_never_gives_a_total_is_an_error() -> None:
    with pytest.raises(DiceError):
        distribution("1d6/(1d1-1)")


def test_floats_match_the_exact_probabilities() -> None:
    dist = distribution("3d6kh2+1")
    floats = dist.floats()
    assert [total for total, _ in floats] == list(dist)
    for total, chance in floats:
        assert chance == float(dist[total])
