"""Exact equality with icepool for expressions it can express."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import icepool
import pytest

from nazh.dice.odds import distribution

if TYPE_CHECKING:
    from collections.abc import Callable

SUCCESS_D10 = icepool.Die([0] * 6 + [1] * 4)
"""A d10 counting a success on 7 or more."""

CASES: list[tuple[str, Callable[[], icepool.Die]]] = [
    ("4d6kh3", lambda: icepool.d6.highest(4, 3)),
    ("2d20kh1+5", lambda: icepool.d20.highest(2, 1) + 5),
    ("2d20kl1", lambda: icepool.d20.lowest(2, 1)),
    ("8d10kh3", lambda: icepool.d10.highest(8, 3)),
    ("20d20kh5", lambda: icepool.d20.highest(20, 5)),
    ("12d8dl4", lambda: icepool.d8.highest(12, 8)),
    ("10d10>=7", lambda: 10 @ SUCCESS_D10),
    ("100d6", lambda: 100 @ icepool.d6),
    ("3d6+2d8-1d4", lambda: 3 @ icepool.d6 + 2 @ icepool.d8 - icepool.d4),
    ("2d6ro<3", lambda: 2 @ icepool.d6.reroll([1, 2], depth=1)),
    ("4dF", lambda: 4 @ icepool.Die([-1, 0, 1])),
    ("3d6mi2", lambda: 3 @ icepool.Die([2, 2, 3, 4, 5, 6])),
    ("2d6*1d4", lambda: (2 @ icepool.d6) * icepool.d4),
    ("(2d6)/3", lambda: (2 @ icepool.d6) // 3),
    ("floor(1d20/2)", lambda: icepool.d20 // 2),
    ("(1d4)d6", lambda: icepool.d4 @ icepool.d6),
    ("2d[1,1,2,3]", lambda: 2 @ icepool.Die([1, 1, 2, 3])),
    ("roll20: 3d6>3", lambda: 3 @ icepool.Die([0, 0, 1, 1, 1, 1])),
    ("avrae: 2d%", lambda: 2 @ icepool.Die(list(range(0, 100, 10)))),
    ("3d6xo", lambda: 3 @ icepool.d6.explode(depth=1)),
    ("2d10%7", lambda: (2 @ icepool.d10) % 7),
    ("max(1d20, 1d20)+5", lambda: icepool.d20.highest(2, 1) + 5),
    ("abs(2d6-2d6)", lambda: abs(2 @ icepool.d6 - 2 @ icepool.d6)),
    ("3d(1d6+2)", lambda: (icepool.d6 + 2).map(lambda sides: 3 @ icepool.d(sides))),
]


@pytest.mark.parametrize(("text", "build"), CASES, ids=[c[0] for c in CASES])
def test_equal_to_icepool(text: str, build: Callable[[], icepool.Die]) -> None:
    die = build()
    denominator = die.denominator()
    expected = {int(outcome): Fraction(q, denominator) for outcome, q in die.items() if q}
    assert dict(distribution(text)) == expected
