"""Discord-style snowflake ids and timestamps for the loopback emulator."""

from __future__ import annotations

import datetime
import itertools
import time

__all__ = (
    "DISCORD_EPOCH_MS",
    "SnowflakeFactory",
    "iso_timestamp",
    "past_snowflake",
)

DISCORD_EPOCH_MS = 1_420_070_400_000


class SnowflakeFactory:
    """Issues strictly increasing snowflakes that encode the current time."""

    __slots__ = ("_counter", "_last")

    def __init__(self) -> None:
        self._counter = itertools.count()
        self._last = 0

    def next(self) -> int:
        """Return a fresh snowflake, larger than every one issued before."""
        millis = int(time.time() * 1000) - DISCORD_EPOCH_MS
        candidate = (millis << 22) | (1 << 17) | (next(self._counter) & 0xFFF)
        self._last = max(candidate, self._last + 1)
        return self._last


def past_snowflake(millis_ago: int) -> int:
    """A snowflake from `millis_ago` milliseconds back (distinct for distinct offsets)."""
    millis = int(time.time() * 1000) - DISCORD_EPOCH_MS - millis_ago
    return (millis << 22) | (1 << 17)


def iso_timestamp(moment: datetime.datetime | None = None) -> str:
    """An ISO 8601 timestamp as Discord writes it (UTC, microseconds, +00:00)."""
    moment = moment or datetime.datetime.now(tz=datetime.UTC)
    return moment.isoformat(timespec="microseconds")
