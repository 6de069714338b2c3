"""Shared by the game-system tests: scripted faces, brute-force outcome odds, and the
chi-square comparison of a roller with exact odds."""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from nazh.dice.systems import Source, get_system
from nazh.stats.fairness import chi_square_sf

if TYPE_CHECKING:
    from nazh.dice.systems import System, SystemRoll

__all__ = (
    "Enumerated",
    "assert_close_to_enumeration",
    "bind",
    "chi_square_p",
    "enumerate_outcomes",
    "nonzero",
    "roll_scripted",
    "scripted",
)

MAX_PATHS = 400_000


def bind(call: str) -> tuple[System[Any], Any]:
    """The system and bound of `call` (`"fitd(3)"`), split naively at commas."""
    name, _, rest = call.partition("(")
    system = get_system(name)
    assert system is not None, name
    inner = rest.removesuffix(")")
    positional: list[str] = []
    named: dict[str, str] = {}
    for part in inner.split(",") if inner.strip() else []:
        key, equals, value = part.partition("=")
        if equals:
            named[key.strip()] = value.strip()
        else:
            positional.append(part.strip())
    return system, system.bind(positional, named)


class _Script:
    """Faces handed out in order; `asked` records the sides of each draw."""

    def __init__(self, faces: list[int]) -> None:
        self.faces = list(faces)
        self.asked: list[int] = []

    def face(self, sides: int) -> int:
        assert self.faces, f"an unscripted d{sides} was drawn"
        face = self.faces.pop(0)
        assert 1 <= face <= sides, f"scripted face {face} does not fit a d{sides}"
        self.asked.append(sides)
        return face

    def many(self, count: int, sides: int) -> list[int]:
        return [self.face(sides) for _ in range(count)]


def scripted(faces: list[int]) -> tuple[Source, _Script]:
    """A `Source` drawing exactly `faces`, and the script (to check every face was used)."""
    script = _Script(faces)
    return Source(script.many, script.face), script


def roll_scripted(call: str, faces: list[int]) -> SystemRoll:
    """Roll `call` on exactly `faces` (all of them must be drawn)."""
    system, bound = bind(call)
    source, script = scripted(faces)
    result = system.roll(bound, source)
    assert not script.faces, f"faces left unrolled: {script.faces}"
    return result


class _Branch(Exception):
    def __init__(self, sides: int) -> None:
        super().__init__(sides)
        self.sides = sides


class _Replay:
    """The given faces in order, then a branch on the next die's sides."""

    def __init__(self, faces: tuple[int, ...]) -> None:
        self.faces = faces
        self.sides: list[int] = []

    def face(self, sides: int) -> int:
        drawn = len(self.sides)
        if drawn == len(self.faces):
            raise _Branch(sides)
        self.sides.append(sides)
        return self.faces[drawn]

    def many(self, count: int, sides: int) -> list[int]:
        return [self.face(sides) for _ in range(count)]


class Enumerated:
    """Outcome odds found by rolling every sequence of faces; `pruned` is the chance of the
    sequences given up (below the cut-off), which the odds may be off by."""

    def __init__(self) -> None:
        self.odds: dict[str, Fraction] = {}
        self.pruned = Fraction(0)


def enumerate_outcomes(call: str, cutoff: Fraction = Fraction(0)) -> Enumerated:
    """Roll `call` once for every sequence of faces the roller can draw, weighing each by its
    chance; a branch whose chance falls below `cutoff` is given up (for exploding dice)."""
    system, bound = bind(call)
    found = Enumerated()
    pending: list[tuple[tuple[int, ...], Fraction]] = [((), Fraction(1))]
    paths = 0
    while pending:
        faces, chance = pending.pop()
        paths += 1
        assert paths <= MAX_PATHS, "too many rolls to enumerate"
        replay = _Replay(faces)
        try:
            result = system.roll(bound, Source(replay.many, replay.face))
        except _Branch as branch:
            step = chance / branch.sides
            if step < cutoff:
                found.pruned += chance
            else:
                pending.extend(((*faces, face), step) for face in range(1, branch.sides + 1))
            continue
        name = result.outcome.name
        found.odds[name] = found.odds.get(name, Fraction(0)) + chance
    return found


def assert_close_to_enumeration(call: str, cutoff: Fraction) -> None:
    """For exploding dice: enumeration misses only the pruned branches, so each outcome's exact
    chance exceeds the enumerated one by at most the pruned mass, and all of them together by
    exactly it; the pruned mass must be small for this to say much."""
    system, bound = bind(call)
    exact = system.outcome_odds(bound)
    found = enumerate_outcomes(call, cutoff)
    assert found.pruned < Fraction(1, 1000)
    gaps = {name: chance - found.odds.get(name, Fraction(0)) for name, chance in exact.items()}
    assert all(0 <= gap <= found.pruned for gap in gaps.values()), gaps
    assert sum(gaps.values()) == found.pruned


def nonzero(odds: dict[str, Fraction]) -> dict[str, Fraction]:
    """The outcomes of `odds` that can happen (enumeration never finds the others)."""
    return {name: chance for name, chance in odds.items() if chance}


def chi_square_p(call: str, rolls: int = 20_000, seed: int = 12) -> float:
    """The chi-square p-value of `rolls` seeded rolls of `call` against its exact odds.

    Outcomes expected fewer than 5 times are pooled into one bin (dropped if the pool is
    still that small); an outcome of chance 0 must never be rolled."""
    system, bound = bind(call)
    odds = system.outcome_odds(bound)
    rng = random.Random(seed)
    seen = Counter(system.roll(bound, Source.from_rng(rng)).outcome.name for _ in range(rolls))
    assert set(seen) <= {name for name, chance in odds.items() if chance}, seen
    bins: list[tuple[float, int]] = []
    small_expected, small_seen = 0.0, 0
    for name, chance in odds.items():
        expected = float(chance) * rolls
        if expected >= 5:
            bins.append((expected, seen[name]))
        else:
            small_expected += expected
            small_seen += seen[name]
    if small_expected >= 5:
        bins.append((small_expected, small_seen))
    assert len(bins) >= 2, "too few outcomes to test"
    statistic = sum((observed - expected) ** 2 / expected for expected, observed in bins)
    return chi_square_sf(statistic, len(bins) - 1)
