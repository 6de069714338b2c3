"""Read-only results of statistics queries."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Mapping

__all__ = ("D20Average", "GlobalTotals", "RollerCount", "ServerStats", "UserStats")


@dataclass(frozen=True, slots=True)
class UserStats:
    """One user's roll statistics in one guild, or everywhere when `guild_id` is None."""

    user_id: int
    guild_id: int | None
    rolls: int
    """Rolls made (one command is one roll, however many dice it throws)."""
    dice: int
    """Dice rolled, all sizes together."""
    nat20: int
    """d20s that came up 20."""
    nat1: int
    """d20s that came up 1."""
    dice_by_size: Mapping[int, int]
    """Die size -> dice of that size rolled (size 0 is Fate dice)."""
    sum_by_size: Mapping[int, int]
    """Die size -> sum of the faces rolled on dice of that size."""
    faces: Mapping[int, Mapping[int, int]]
    """Die size -> face -> times rolled, every face listed (zeros included), for Fate dice and
    dice up to d100 that were rolled at least once."""
    outcomes: Mapping[str, Mapping[str, int]]
    """Game system name -> outcome name -> times rolled, the systems rolled most first (ties by
    name), the outcomes by name; only outcomes that happened are listed."""

    @property
    def d20_rolled(self) -> int:
        """d20s rolled."""
        return self.dice_by_size.get(20, 0)

    @property
    def d20_mean(self) -> float | None:
        """Average d20 face (10.5 for a fair die), None before the first d20."""
        return self.mean(20)

    def mean(self, sides: int) -> float | None:
        """Average face on dice of size `sides`, None if none was rolled."""
        count = self.dice_by_size.get(sides, 0)
        return self.sum_by_size[sides] / count if count else None


@dataclass(frozen=True, slots=True)
class RollerCount:
    """A user and how many rolls they made."""

    user_id: int
    rolls: int


@dataclass(frozen=True, slots=True)
class D20Average:
    """A user's average d20 face over `d20` dice."""

    user_id: int
    d20: int
    mean: float


@dataclass(frozen=True, slots=True)
class ServerStats:
    """Statistics of one guild. Rankings break ties by user id."""

    guild_id: int
    rolls: int
    dice: int
    players: int
    """Users with at least one roll here."""
    most_active: tuple[RollerCount, ...]
    """Most rolls first."""
    luckiest: tuple[D20Average, ...]
    """Highest average d20 first, among users with at least `min_d20` d20s."""
    unluckiest: tuple[D20Average, ...]
    """Lowest average d20 first, same eligibility (may overlap `luckiest` in a small guild)."""
    min_d20: int
    system_rolls: Mapping[str, int]
    """Game system name -> its rolls here (each result of `3#pbta(1)` counts), most first (ties
    by name)."""


@dataclass(frozen=True, slots=True)
class GlobalTotals:
    """Everything the bot has rolled, in every process sharing the database.

    These counters are not personal data: `Storage.forget_user` leaves them as they are.
    """

    rolls: int
    dice: int
