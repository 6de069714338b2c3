"""Brute force for exact odds: every sequence of faces the real roller can draw, replayed."""

from __future__ import annotations

import random
from fractions import Fraction
from typing import TYPE_CHECKING

from nazh.dice import DiceError, RollResult, roll

if TYPE_CHECKING:
    from nazh.dice.functions import Value

__all__ = ("Enumerated", "enumerate_rolls")

MAX_PATHS = 300_000


class _Branch(Exception):
    """The roll needs a face beyond the replayed ones: a die of `sides` sides."""

    def __init__(self, sides: int) -> None:
        super().__init__(sides)
        self.sides = sides


class _Replay(random.Random):
    """`randint(1, sides)` returns the given faces in order, then asks for a branch."""

    def __init__(self, faces: tuple[int, ...]) -> None:
        super().__init__(0)
        self.faces = faces
        self.sides: list[int] = []

    def randint(self, a: int, b: int) -> int:
        assert a == 1
        drawn = len(self.sides)
        if drawn == len(self.faces):
            raise _Branch(b)
        self.sides.append(b)
        return self.faces[drawn]


class Enumerated:
    """The exact law of a roll's total found by enumeration, and the refused probability."""

    def __init__(self) -> None:
        self.totals: dict[Value, Fraction] = {}
        self.refused = Fraction(0)


def enumerate_rolls(text: str, dialect: str = "nazh") -> Enumerated:
    """Roll `text` once for every sequence of faces (finite rolls only), each weighed by its
    chance; a roll the roller refuses adds to `refused`."""
    found = Enumerated()
    pending: list[tuple[int, ...]] = [()]
    paths = 0
    while pending:
        faces = pending.pop()
        paths += 1
        assert paths <= MAX_PATHS, "too many rolls to enumerate"
        rng = _Replay(faces)
        try:
            result = roll(text, rng=rng, dialect=dialect)
        except _Branch as branch:
            pending.extend((*faces, face) for face in range(1, branch.sides + 1))
            continue
        except DiceError:
            chance = _chance(rng.sides)
            found.refused += chance
            continue
        assert isinstance(result, RollResult)
        chance = _chance(rng.sides)
        found.totals[result.total] = found.totals.get(result.total, Fraction(0)) + chance
    return found


def _chance(sides: list[int]) -> Fraction:
    chance = Fraction(1)
    for count in sides:
        chance /= count
    return chance
