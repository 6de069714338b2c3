"""Exact counting for dice pools: how many face sequences give each count of each category.

Odds are worked out in whole numbers of face sequences over a common denominator (`sides **
dice`) and turned into `Fraction`s once, at the end.
"""

from __future__ import annotations

from fractions import Fraction
from math import comb
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator, Mapping, Sequence

__all__ = ("categories", "fractions_of", "tally")

K = TypeVar("K")


def categories(dice: int, faces: Sequence[int]) -> Iterator[tuple[tuple[int, ...], int]]:
    """Every way `dice` dice fall into categories of `faces[i]` faces each: the count of dice in
    each category, and how many face sequences give it (multinomial times powers)."""
    if len(faces) == 1:
        yield (dice,), faces[0] ** dice
        return
    first, rest = faces[0], faces[1:]
    for count in range(dice + 1):
        head = comb(dice, count) * first**count
        for tail, ways in categories(dice - count, rest):
            yield (count, *tail), head * ways


def tally(
    cases: Iterator[tuple[tuple[int, ...], int]], classify: Callable[[tuple[int, ...]], K]
) -> dict[K, int]:
    """Sum the ways of each case by `classify(counts)`."""
    found: dict[K, int] = {}
    for counts, ways in cases:
        key = classify(counts)
        found[key] = found.get(key, 0) + ways
    return found


def fractions_of(ways: Mapping[K, int], total: int) -> dict[K, Fraction]:
    """Each number of ways over `total`."""
    return {key: Fraction(count, total) for key, count in ways.items()}
