"""Shared by the dice engine tests: a `random.Random` with scripted faces."""

from __future__ import annotations

import random

__all__ = ("Scripted",)


class Scripted(random.Random):
    """A `random.Random` whose `randint(1, sides)` returns scripted faces, in order.

    `asked` records the sides of every draw, so tests can check which dice were rolled.
    """

    def __init__(self, faces: list[int]) -> None:
        super().__init__(0)
        self.faces = list(faces)
        self.asked: list[int] = []

    def randint(self, a: int, b: int) -> int:
        assert a == 1
        assert self.faces, f"an unscripted d{b} was drawn"
        face = self.faces.pop(0)
        assert 1 <= face <= b, f"scripted face {face} does not fit a d{b}"
        self.asked.append(b)
        return face
