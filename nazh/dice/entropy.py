"""Where faces come from: the OS CSPRNG by default, or an injected `random.Random`.

The default source reads `os.urandom` in batches into a buffer of 32-bit words and maps a word
to a face by rejection sampling (words at or above the largest multiple of `sides` are
discarded), so every face is exactly equally likely. The buffer is cleared in forked children.

With an injected `random.Random`, each face is `rng.randint(1, sides)`, drawn in the order the
dice are rolled; a Fate die draws `rng.randint(1, 3) - 2`.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import random

__all__ = ("Faces", "OneFace", "seeded_source", "system_face", "system_faces")

Faces = Callable[[int, int], list[int]]
"""`faces(count, sides)`: `count` faces from 1 to `sides`."""

OneFace = Callable[[int], int]
"""`face(sides)`: one face from 1 to `sides`."""

_TYPECODE = "I" if array("I").itemsize == 4 else "L"
_WORD_BYTES = array(_TYPECODE).itemsize
_SPAN = 1 << (8 * _WORD_BYTES)
_BATCH = 2048
_words: list[int] = []

os.register_at_fork(after_in_child=_words.clear)


def _refill(needed: int) -> None:
    count = max(_BATCH, needed)
    _words.extend(array(_TYPECODE, os.urandom(count * _WORD_BYTES)).tolist())


def system_face(sides: int) -> int:
    """One uniform face from 1 to `sides` from the OS CSPRNG."""
    limit = _SPAN - _SPAN % sides
    words = _words
    while True:
        try:
            word = words.pop()
        except IndexError:
            _refill(1)
            continue
        if word < limit:
            return word % sides + 1


def system_faces(count: int, sides: int) -> list[int]:
    """`count` uniform faces from 1 to `sides` from the OS CSPRNG, in one batch."""
    words = _words
    if len(words) < count:
        _refill(count)
    chunk = words[len(words) - count :]
    del words[len(words) - count :]
    limit = _SPAN - _SPAN % sides
    faces = [word % sides + 1 for word in chunk if word < limit]
    while len(faces) < count:
        faces.append(system_face(sides))
    return faces


def seeded_source(rng: random.Random) -> tuple[Faces, OneFace]:
    """Face functions that draw `rng.randint(1, sides)` for each die."""
    randint = rng.randint

    def faces(count: int, sides: int) -> list[int]:
        return [randint(1, sides) for _ in range(count)]

    def face(sides: int) -> int:
        return randint(1, sides)

    return faces, face
