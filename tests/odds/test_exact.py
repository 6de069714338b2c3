"""Exact distributions against brute-force enumeration of every roll."""

from __future__ import annotations

import itertools
from fractions import Fraction
from typing import TYPE_CHECKING

import pytest

from nazh.dice.odds import distribution

if TYPE_CHECKING:
    from collections.abc import Callable

Faces = tuple[int, ...]


def enumerate_pool(count: int, faces: range, total: Callable[[Faces], int]) -> dict[int, Fraction]:
    """Every roll of `count` dice, equally likely, mapped through `total`."""
    found: dict[int, Fraction] = {}
    share = Fraction(1, len(faces) ** count)
    for roll in itertools.product(faces, repeat=count):
        value = total(roll)
        found[value] = found.get(value, Fraction(0)) + share
    return found


def keep_highest(k: int) -> Callable[[Faces], int]:
    return lambda roll: sum(sorted(roll, reverse=True)[:k])


def successes(roll: Faces) -> int:
    return sum(1 for face in roll if face >= 5) - sum(1 for face in roll if face == 1)


CASES: list[tuple[str, int, range, Callable[[Faces], int]]] = [
    ("4d6kh3", 4, range(1, 7), keep_highest(3)),
    ("5d4kl2", 5, range(1, 5), lambda roll: sum(sorted(roll)[:2])),
    ("4d6dl1", 4, range(1, 7), keep_highest(3)),
    ("3d8dh1", 3, range(1, 9), lambda roll: sum(sorted(roll)[:2])),
    ("4dF", 4, range(-1, 2), sum),
    ("5d6>=5f1", 5, range(1, 7), successes),
    ("3d6mi3ma5", 3, range(1, 7), lambda roll: sum(min(5, max(3, f)) for f in roll)),
    ("4d6k>3", 4, range(1, 7), lambda roll: sum(f for f in roll if f > 3)),
    ("6d6kh3>=5", 6, range(1, 7), lambda roll: sum(1 for f in sorted(roll)[3:] if f >= 5)),
    ("2d6*2-3", 2, range(1, 7), lambda roll: sum(roll) * 2 - 3),
    ("3d6/2", 3, range(1, 7), lambda roll: sum(roll) // 2),
    ("-2d4+1", 2, range(1, 5), lambda roll: 1 - sum(roll)),
    ("4d6kh3kl2", 4, range(1, 7), lambda roll: sum(sorted(sorted(roll)[1:])[:2])),
]


@pytest.mark.parametrize(("text", "count", "faces", "total"), CASES, ids=[c[0] for c in CASES])
def test_matches_enumeration(
    text: str, count: int, faces: range, total: Callable[[Faces], int]
) -> None:
    result = distribution(text)
    assert dict(result) == enumerate_pool(count, faces, total)
    assert result.truncated == 0
    assert result.refused == 0


def test_reroll_once_matches_enumeration() -> None:
    expected: dict[int, Fraction] = {}
    for first, second in itertools.product(range(1, 7), repeat=2):
        outcomes = [[f] if f >= 3 else list(range(1, 7)) for f in (first, second)]
        share = Fraction(1, 36 * len(outcomes[0]) * len(outcomes[1]))
        for a, b in itertools.product(*outcomes):
            expected[a + b] = expected.get(a + b, Fraction(0)) + share
    assert dict(distribution("2d6ro<3")) == expected


def test_set_of_different_items_matches_enumeration() -> None:
    expected: dict[int, Fraction] = {}
    for a, b, c in itertools.product(range(1, 5), range(1, 7), range(1, 9)):
        kept = sum(sorted((a, b, c + 1))[1:])
        expected[kept] = expected.get(kept, Fraction(0)) + Fraction(1, 4 * 6 * 8)
    assert dict(distribution("(1d4, 1d6, 1d8+1)kh2")) == expected


def test_division_by_zero_is_refused_mass() -> None:
    result = distribution("1d6/(1d3-1)")
    assert result.refused == Fraction(1, 3)
    expected: dict[int, Fraction] = {}
    for face, divisor in itertools.product(range(1, 7), (1, 2)):
        expected[face // divisor] = expected.get(face // divisor, Fraction(0)) + Fraction(1, 18)
    assert dict(result) == expected
    assert result.mass + result.refused == 1


def test_repetition_gives_each_result() -> None:
    single = distribution("4d6kh3")
    repeated = distribution("6#4d6kh3")
    assert dict(repeated) == dict(single)
    assert repeated.repeat == 6
    assert repeated.text == "6#4d6kh3"
