"""The CSPRNG path is fair: chi-square bounds with fixed thresholds (false alarm ~1e-4)."""

from __future__ import annotations

from collections import Counter

import pytest

from nazh.dice import RollResult, roll
from nazh.dice.entropy import system_face, system_faces

# Upper chi-square quantiles at p = 1e-4: df 5 -> 25.74, df 19 -> 51.0 (computed, not fitted).
_BOUNDS = {6: 25.74, 20: 51.0}


def _chi_square(faces: list[int], sides: int) -> float:
    counts = Counter(faces)
    assert set(counts) <= set(range(1, sides + 1))
    expected = len(faces) / sides
    return sum((counts.get(face, 0) - expected) ** 2 / expected for face in range(1, sides + 1))


@pytest.mark.parametrize("sides", [6, 20])
def test_batched_faces_are_uniform(sides: int) -> None:
    result = roll(f"1000d{sides}")
    assert isinstance(result, RollResult)
    faces = [die.face for die in result.dice]
    for _ in range(59):
        faces.extend(system_faces(1000, sides))
    assert _chi_square(faces, sides) < _BOUNDS[sides]


@pytest.mark.parametrize("sides", [6, 20])
def test_single_faces_are_uniform(sides: int) -> None:
    faces = [system_face(sides) for _ in range(60_000)]
    assert _chi_square(faces, sides) < _BOUNDS[sides]


def test_rejection_sampling_removes_modulo_bias() -> None:
    # With 32-bit words, plain `word % sides` would make the lowest third of faces twice as
    # likely for sides = 3 * 2**30; rejection sampling keeps each third at 1/3.
    sides = 3 * 2**30
    faces = system_faces(30_000, sides) + [system_face(sides) for _ in range(3_000)]
    low = sum(1 for face in faces if face <= 2**30) / len(faces)
    assert abs(low - 1 / 3) < 0.02


def test_roll_uses_the_csprng_without_an_rng() -> None:
    totals = {roll("1d1000000").results[0].total for _ in range(50)}
    assert len(totals) > 45
