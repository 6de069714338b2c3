"""The ranked-selection kernel against enumerating every weighted roll."""

from __future__ import annotations

import itertools
import math

import pytest

from nazh.dice.odds.kernels import keep_ranked

RANKED: list[list[tuple[int, int]]] = [
    [(1, face) for face in range(20, 0, -1)],
    [(3, 6), (1, 4), (2, 4), (5, 1)],
    [(2, 1), (1, 1), (4, 0), (1, -1)],
    [(1, 3), (7, -2)],
]
"""`(weight, score)` best outcome first: a d20, uneven weights with tied scores, success
counts with a failure, and a score below a later one's (ranks decide, not scores)."""


def enumerated(ranked: list[tuple[int, int]], n: int, k: int) -> dict[int, int]:
    """Weight of each total of the `k` best of `n` dice, by trying every roll."""
    found: dict[int, int] = {}
    for roll in itertools.product(range(len(ranked)), repeat=n):
        best = sorted(roll)[:k]
        total = sum(ranked[rank][1] for rank in best)
        weight = math.prod(ranked[rank][0] for rank in roll)
        found[total] = found.get(total, 0) + weight
    return found


@pytest.mark.parametrize("ranked", RANKED)
@pytest.mark.parametrize(("n", "k"), [(1, 1), (2, 1), (3, 1), (4, 1), (3, 2), (4, 3), (4, 4)])
def test_keep_ranked_matches_every_roll(ranked: list[tuple[int, int]], n: int, k: int) -> None:
    low, weights = keep_ranked(ranked, n, k)
    found = {low + i: w for i, w in enumerate(weights) if w}
    assert found == enumerated(ranked, n, k)
    assert sum(weights) == sum(weight for weight, _ in ranked) ** n
