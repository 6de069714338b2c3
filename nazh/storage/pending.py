"""In-memory roll counters waiting to be flushed (the hot path of `Storage.record_roll`)."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

__all__ = ("FATE_SIDES", "MAX_FACE_TRACKED_SIDES", "PendingStats")

FATE_SIDES = 0
"""Fate/Fudge dice are recorded with this die size and faces -1, 0, +1."""

MAX_FACE_TRACKED_SIDES = 100
"""Per-face counts are kept for dice up to this size (and Fate dice); larger ones only in totals."""

_FATE_FACES = frozenset((-1, 0, 1))


class PendingStats:
    """Additive counters keyed like the tables they are flushed to (user first, then guild).

    Every counter only ever grows, so concurrent flushes from several processes add up in the
    database.
    """

    __slots__ = ("dice", "dice_rolled", "faces", "outcomes", "rolls", "users")

    def __init__(self) -> None:
        self.faces: dict[tuple[int, int, int, int], int] = {}
        """(user, guild, sides, face) -> count, for Fate dice and dice up to d100."""
        self.dice: dict[tuple[int, int, int], list[int]] = {}
        """(user, guild, sides) -> [count, sum of faces]."""
        self.users: dict[tuple[int, int], list[int]] = {}
        """(user, guild) -> [rolls, dice, natural 20s, natural 1s on d20s]."""
        self.outcomes: dict[tuple[int, int, str, str], int] = {}
        """(user, guild, game system, outcome) -> count."""
        self.rolls = 0
        self.dice_rolled = 0

    def __bool__(self) -> bool:
        return self.rolls > 0

    def add_roll(
        self,
        guild_id: int,
        user_id: int,
        dice: Iterable[tuple[int, int]],
        outcomes: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Count one roll of `dice`, given as (sides, face) pairs, and the `outcomes` of its game
        system rolls as (system, outcome) names; `ValueError` if one is bogus."""
        counts = Counter(dice)
        for sides, face in counts:
            if sides == FATE_SIDES:
                if face not in _FATE_FACES:
                    raise ValueError(f"face {face} is not on a Fate die")
            elif sides < 0 or not 1 <= face <= sides:
                raise ValueError(f"face {face} is not on a d{sides}")
        if outcomes:
            self._add_outcomes(guild_id, user_id, outcomes)
        rolled = counts.total()
        user_key = (user_id, guild_id)
        user = self.users.get(user_key)
        if user is None:
            user = self.users[user_key] = [0, 0, 0, 0]
        user[0] += 1
        user[1] += rolled
        user[2] += counts.get((20, 20), 0)
        user[3] += counts.get((20, 1), 0)
        self.rolls += 1
        self.dice_rolled += rolled
        faces = self.faces
        per_die = self.dice
        for (sides, face), n in counts.items():
            die_key = (user_id, guild_id, sides)
            die = per_die.get(die_key)
            if die is None:
                die = per_die[die_key] = [0, 0]
            die[0] += n
            die[1] += n * face
            if sides <= MAX_FACE_TRACKED_SIDES:
                face_key = (user_id, guild_id, sides, face)
                faces[face_key] = faces.get(face_key, 0) + n

    def _add_outcomes(
        self, guild_id: int, user_id: int, outcomes: Sequence[tuple[str, str]]
    ) -> None:
        for system, outcome in outcomes:
            if not system or not outcome:
                raise ValueError("a game system outcome needs a system and an outcome name")
        counted = self.outcomes
        for system, outcome in outcomes:
            key = (user_id, guild_id, system, outcome)
            counted[key] = counted.get(key, 0) + 1

    def merge(self, other: PendingStats) -> None:
        """Add every counter of `other` to these."""
        for face_key, n in other.faces.items():
            self.faces[face_key] = self.faces.get(face_key, 0) + n
        for die_key, (n, total) in other.dice.items():
            die = self.dice.setdefault(die_key, [0, 0])
            die[0] += n
            die[1] += total
        for user_key, counts in other.users.items():
            user = self.users.setdefault(user_key, [0, 0, 0, 0])
            for index, n in enumerate(counts):
                user[index] += n
        for outcome_key, n in other.outcomes.items():
            self.outcomes[outcome_key] = self.outcomes.get(outcome_key, 0) + n
        self.rolls += other.rolls
        self.dice_rolled += other.dice_rolled

    def discard_user(self, user_id: int) -> None:
        """Drop everything pending about `user_id` (the bot-wide totals keep their counts)."""
        self.faces = {key: n for key, n in self.faces.items() if key[0] != user_id}
        self.dice = {key: v for key, v in self.dice.items() if key[0] != user_id}
        self.users = {key: v for key, v in self.users.items() if key[0] != user_id}
        self.outcomes = {key: n for key, n in self.outcomes.items() if key[0] != user_id}
