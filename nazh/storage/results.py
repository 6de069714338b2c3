"""Roll results kept on the bot's side, so that the buttons under a result can act on it.

A result's buttons carry only its id; Reveal posts the very result stored under that id, and Roll
again rolls its text again. `Results.keep` is on the roll path of every result with buttons, so it
only remembers the result in memory: the storage flusher writes what was kept (within a second,
with the statistics) and `Results.get` finds a result not written yet in this process's memory.
Results older than the TTL are treated as gone and pruned.

Revealing posts exactly one public message however many presses race, in this or another
process: `Results.claim_reveal` lets one caller win, that caller posts and records the message with
`Results.mark_revealed`. A claim whose message was never recorded (the process died in between)
can be taken over after `REVEAL_CLAIM_TIMEOUT` seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import secrets
import time
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, get_args

from sqlalchemy import delete, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from nazh.storage.schema import roll_results

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Callable, Sequence

    from sqlalchemy import ColumnElement
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

__all__ = (
    "DEFAULT_RESULT_TTL",
    "RESULT_ID_LENGTH",
    "REVEAL_CLAIM_TIMEOUT",
    "VISIBILITIES",
    "Results",
    "Reveal",
    "StoredResult",
    "Visibility",
    "forget_user_results",
    "write_results",
)

Visibility = Literal["public", "private", "secret"]
"""Who saw a result: the channel (``public``), the roller alone (``private``), or the roller and
the game master (``secret``)."""
VISIBILITIES: tuple[Visibility, ...] = get_args(Visibility)

DEFAULT_RESULT_TTL = 7 * 24 * 3600
"""Seconds a result's buttons work and the result is kept, unless configured otherwise."""
REVEAL_CLAIM_TIMEOUT = 30
"""Seconds after which a claim to reveal a result whose message was never recorded lapses."""
RESULT_ID_LENGTH = 16
"""Characters of a result id (url-safe, 96 random bits)."""


@dataclass(frozen=True, slots=True)
class StoredResult:
    """A roll result as the roller saw it, under the id its buttons carry."""

    id: str
    user_id: int
    """Who rolled."""
    guild_id: int
    """Where it was rolled, 0 in DMs."""
    channel_id: int
    text: str
    """What the player typed, to roll it again."""
    dialect: str
    """The notation dialect `text` was read in."""
    content: str
    """The rendered result, exactly as the roller saw it."""
    visibility: Visibility
    created_at: int
    """Unix time, in seconds, of the roll."""
    revealed_message_id: int | None = None
    """The public message that revealed it, None until it is recorded."""
    revealed_channel_id: int | None = None
    """The channel of that message (or of a claim in progress)."""
    revealed_at: int | None = None
    """Unix time of the reveal (or of a claim in progress)."""

    @property
    def revealed(self) -> bool:
        """Whether the message revealing it is recorded."""
        return self.revealed_message_id is not None


class Reveal(NamedTuple):
    """What a reveal call found: the result afterwards, and whether this caller won."""

    result: StoredResult
    won: bool
    """True when this call claimed (or recorded) the reveal; False when another caller had."""


_FIELDS = tuple(field.name for field in fields(StoredResult))
_COLUMNS = tuple(roll_results.c[name] for name in _FIELDS)


def _always_open() -> None:
    pass


class Results:
    """The kept roll results (`Storage.results`)."""

    __slots__ = ("_check_open", "_clock", "_engine", "_lock", "_pending", "_writing", "ttl")

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        ttl: float = DEFAULT_RESULT_TTL,
        check_open: Callable[[], None] = _always_open,
        clock: Callable[[], float] = time.time,
    ) -> None:
        """Use the migrated database of `engine`.

        `ttl` is how many seconds results stay usable; `check_open` runs before each call and may
        raise; `clock` gives the time stamps.
        """
        if ttl <= 0:
            raise ValueError("the result TTL must be positive")
        self._engine = engine
        self.ttl = ttl
        """Seconds after its roll that a result stops being usable."""
        self._check_open = check_open
        self._clock = clock
        self._lock = asyncio.Lock()
        self._pending: dict[str, StoredResult] = {}
        self._writing: dict[str, StoredResult] = {}

    @property
    def unwritten(self) -> int:
        """Results kept and not written to the database yet."""
        return len(self._pending) + len(self._writing)

    def held(self) -> list[StoredResult]:
        """The results kept and not written to the database yet (for the journal)."""
        return [*self._writing.values(), *self._pending.values()]

    async def keep(
        self,
        *,
        user_id: int,
        guild_id: int | None,
        channel_id: int,
        text: str,
        dialect: str,
        content: str,
        visibility: Visibility,
    ) -> StoredResult:
        """Keep a result under a new id (in memory; the next flush writes it).

        `guild_id` None (a DM) is stored as 0. Raises `ValueError` for an unknown visibility or
        an empty text, dialect or content.
        """
        if visibility not in VISIBILITIES:
            raise ValueError(f"unknown visibility {visibility!r}")
        if not text.strip() or not dialect or not content:
            raise ValueError("a kept result needs its text, dialect and content")
        self._check_open()
        result = StoredResult(
            id=secrets.token_urlsafe(RESULT_ID_LENGTH * 3 // 4),
            user_id=user_id,
            guild_id=guild_id or 0,
            channel_id=channel_id,
            text=text,
            dialect=dialect,
            content=content,
            visibility=visibility,
            created_at=int(self._clock()),
        )
        self._pending[result.id] = result
        return result

    async def get(self, result_id: str) -> StoredResult | None:
        """The result kept under `result_id`, None when unknown or older than the TTL."""
        self._check_open()
        found = self._pending.get(result_id)
        if found is None:
            held = self._writing.get(result_id)
            async with self._engine.connect() as connection:
                found = await _read(connection, result_id) or held
        return found if found is not None and self._fresh(found) else None

    async def latest(self, limit: int) -> list[StoredResult]:
        """The `limit` newest results still within the TTL, newest first (one query)."""
        self._check_open()
        cutoff = int(self._clock()) - int(self.ttl)
        async with self._engine.connect() as connection:
            rows = await connection.execute(
                select(*_COLUMNS)
                .where(roll_results.c.created_at >= cutoff)
                .order_by(roll_results.c.created_at.desc())
                .limit(limit)
            )
            return [StoredResult(*row) for row in rows]

    async def claim_reveal(self, result_id: str, channel_id: int) -> Reveal | None:
        """Claim the right to reveal the result in `channel_id`: the first caller wins.

        The winner posts the result, then records the message with `mark_revealed` (or gives
        the claim up with `release_reveal` if posting failed). A loser gets the result as it is:
        already revealed (`StoredResult.revealed`), or being revealed by another caller. A claim
        never recorded lapses after `REVEAL_CLAIM_TIMEOUT` seconds. None when the result is
        unknown or older than the TTL.
        """
        self._check_open()
        await self._write_if_held(result_id)
        now = int(self._clock())
        unclaimed = or_(
            roll_results.c.revealed_at.is_(None),
            roll_results.c.revealed_at <= now - REVEAL_CLAIM_TIMEOUT,
        )
        async with self._engine.begin() as connection:
            claimed = await connection.execute(
                update(roll_results)
                .where(
                    roll_results.c.id == result_id,
                    roll_results.c.created_at >= now - self.ttl,
                    roll_results.c.revealed_message_id.is_(None),
                    unclaimed,
                )
                .values(revealed_channel_id=channel_id, revealed_at=now)
            )
            found = await _read(connection, result_id)
        if found is None or not self._fresh(found):
            return None
        return Reveal(found, claimed.rowcount == 1)

    async def mark_revealed(
        self, result_id: str, channel_id: int, message_id: int
    ) -> Reveal | None:
        """Record `message_id` in `channel_id` as the message that revealed the result.

        The first record wins: a later call changes nothing and gets the result with the first
        message (`won` False), so the caller can delete its own. None when the result is gone.
        """
        self._check_open()
        await self._write_if_held(result_id)
        async with self._engine.begin() as connection:
            recorded = await connection.execute(
                update(roll_results)
                .where(
                    roll_results.c.id == result_id,
                    roll_results.c.revealed_message_id.is_(None),
                )
                .values(
                    revealed_message_id=message_id,
                    revealed_channel_id=channel_id,
                    revealed_at=int(self._clock()),
                )
            )
            found = await _read(connection, result_id)
        return None if found is None else Reveal(found, recorded.rowcount == 1)

    async def release_reveal(self, claimed: StoredResult) -> bool:
        """Give up a claim `claim_reveal` won (its posting failed), so another press may reveal
        at once. Whether it was still this claim's to give up."""
        self._check_open()
        async with self._engine.begin() as connection:
            released = await connection.execute(
                update(roll_results)
                .where(
                    roll_results.c.id == claimed.id,
                    roll_results.c.revealed_message_id.is_(None),
                    _same(roll_results.c.revealed_at, claimed.revealed_at),
                    _same(roll_results.c.revealed_channel_id, claimed.revealed_channel_id),
                )
                .values(revealed_channel_id=None, revealed_at=None)
            )
        return released.rowcount == 1

    async def prune(self, older_than_seconds: float | None = None) -> int:
        """Delete results rolled more than `older_than_seconds` ago (default: the TTL); how many
        were deleted from the database."""
        self._check_open()
        age = self.ttl if older_than_seconds is None else older_than_seconds
        cutoff = int(self._clock()) - age
        for held in (self._pending, self._writing):
            for stale in [key for key, result in held.items() if result.created_at < cutoff]:
                del held[stale]
        async with self._engine.begin() as connection:
            deleted = await connection.execute(
                delete(roll_results).where(roll_results.c.created_at < cutoff)
            )
        return deleted.rowcount

    async def flush(self) -> None:
        """Write the results kept since the last flush, in one transaction.

        On failure they stay in memory for the next flush; writing one twice is harmless.
        """
        async with self._lock:
            self._writing.update(self._pending)
            self._pending.clear()
            if not self._writing:
                return
            rows = list(self._writing.values())
            async with self._engine.begin() as connection:
                await write_results(connection, rows)
            for row in rows:
                self._writing.pop(row.id, None)

    @contextlib.asynccontextmanager
    async def forgetting(self, user_id: int) -> AsyncGenerator[None]:
        """Drop the player's results from memory and hold writes back meanwhile, while the
        caller's transaction deletes their written ones (`forget_user_results`)."""
        async with self._lock:
            for held in (self._pending, self._writing):
                for mine in [key for key, result in held.items() if result.user_id == user_id]:
                    del held[mine]
            yield

    async def _write_if_held(self, result_id: str) -> None:
        if result_id in self._pending or result_id in self._writing:
            await self.flush()

    def _fresh(self, result: StoredResult) -> bool:
        return result.created_at >= int(self._clock()) - self.ttl


def _same(column: ColumnElement[Any], value: int | None) -> ColumnElement[bool]:
    return column.is_(None) if value is None else column == value


async def _read(connection: AsyncConnection, result_id: str) -> StoredResult | None:
    row = (
        await connection.execute(select(*_COLUMNS).where(roll_results.c.id == result_id))
    ).first()
    return None if row is None else StoredResult(*row)


async def write_results(connection: AsyncConnection, rows: Sequence[StoredResult]) -> None:
    """Insert `rows` within the caller's transaction; a result already there is left alone."""
    dialect = sqlite if connection.dialect.name == "sqlite" else postgresql
    statement = dialect.insert(roll_results).on_conflict_do_nothing(
        index_elements=[roll_results.c.id]
    )
    await connection.execute(
        statement,
        [{name: getattr(row, name) for name in _FIELDS} for row in rows],
    )


async def forget_user_results(connection: AsyncConnection, user_id: int) -> None:
    """Delete every written result of `user_id`, within the caller's transaction."""
    await connection.execute(delete(roll_results).where(roll_results.c.user_id == user_id))
