"""Additive upserts: flushing pending counters without read-modify-write races, and the
numbered batches that make a retried (or replayed) flush count once."""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from nazh.storage.schema import (
    bot_totals,
    die_totals,
    face_counts,
    flush_marks,
    outcome_counts,
    recent_rolls,
    user_totals,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Table
    from sqlalchemy.ext.asyncio import AsyncConnection

    from nazh.storage.pending import PendingStats

__all__ = (
    "BOT_TOTALS_ID",
    "RECENT_LIMIT",
    "add_counts",
    "flushed_sequence",
    "merge_recents",
    "put_rows",
    "write_batch",
    "write_pending",
    "write_recent",
)

BOT_TOTALS_ID = 1
RECENT_LIMIT = 25
"""Distinct recent expressions kept per user."""


async def add_counts(
    connection: AsyncConnection,
    table: Table,
    keys: Sequence[str],
    rows: Sequence[dict[str, Any]],
) -> None:
    """Insert `rows`, or add their non-key columns to the rows already there."""
    await _upsert(connection, table, keys, rows, add=True)


async def put_rows(
    connection: AsyncConnection,
    table: Table,
    keys: Sequence[str],
    rows: Sequence[dict[str, Any]],
) -> None:
    """Insert `rows`, or overwrite the non-key columns of the rows already there."""
    await _upsert(connection, table, keys, rows, add=False)


async def _upsert(
    connection: AsyncConnection,
    table: Table,
    keys: Sequence[str],
    rows: Sequence[dict[str, Any]],
    *,
    add: bool,
) -> None:
    if not rows:
        return
    dialect = sqlite if connection.dialect.name == "sqlite" else postgresql
    statement = dialect.insert(table)
    values = [column for column in rows[0] if column not in keys]
    statement = statement.on_conflict_do_update(
        index_elements=[table.c[key] for key in keys],
        set_={
            name: table.c[name] + statement.excluded[name] if add else statement.excluded[name]
            for name in values
        },
    )
    await connection.execute(statement, list(rows))


async def write_pending(connection: AsyncConnection, batch: PendingStats) -> None:
    """Add `batch` to the database within the caller's transaction.

    Tables and rows go in a fixed order (rows sorted by primary key) so that concurrent flushes
    from several processes lock rows in the same order and cannot deadlock.
    """
    await add_counts(
        connection,
        bot_totals,
        ("id",),
        [{"id": BOT_TOTALS_ID, "rolls": batch.rolls, "dice": batch.dice_rolled}],
    )
    await add_counts(
        connection,
        user_totals,
        ("user_id", "guild_id"),
        [
            {
                "user_id": user,
                "guild_id": guild,
                "rolls": rolls,
                "dice": dice,
                "nat20": nat20,
                "nat1": nat1,
            }
            for (user, guild), (rolls, dice, nat20, nat1) in sorted(batch.users.items())
        ],
    )
    await add_counts(
        connection,
        die_totals,
        ("user_id", "guild_id", "sides"),
        [
            {"user_id": user, "guild_id": guild, "sides": sides, "n": n, "total": total}
            for (user, guild, sides), (n, total) in sorted(batch.dice.items())
        ],
    )
    await add_counts(
        connection,
        face_counts,
        ("user_id", "guild_id", "sides", "face"),
        [
            {"user_id": user, "guild_id": guild, "sides": sides, "face": face, "n": n}
            for (user, guild, sides, face), n in sorted(batch.faces.items())
        ],
    )
    await add_counts(
        connection,
        outcome_counts,
        ("user_id", "guild_id", "system", "outcome"),
        [
            {"user_id": user, "guild_id": guild, "system": system, "outcome": outcome, "n": n}
            for (user, guild, system, outcome), n in sorted(batch.outcomes.items())
        ],
    )


async def write_recent(connection: AsyncConnection, user_id: int, stamps: dict[str, int]) -> None:
    """Record the user's recent expressions (expression -> time stamp), keeping the newest
    `RECENT_LIMIT`, within the caller's transaction."""
    await put_rows(
        connection,
        recent_rolls,
        ("user_id", "expression"),
        [{"user_id": user_id, "expression": e, "used_at": t} for e, t in stamps.items()],
    )
    kept = (
        select(recent_rolls.c.expression)
        .where(recent_rolls.c.user_id == user_id)
        .order_by(recent_rolls.c.used_at.desc())
        .limit(RECENT_LIMIT)
    )
    await connection.execute(
        delete(recent_rolls).where(
            recent_rolls.c.user_id == user_id,
            recent_rolls.c.expression.not_in(kept.scalar_subquery()),
        )
    )


def merge_recents(into: dict[int, dict[str, int]], newer: dict[int, dict[str, int]]) -> None:
    """Add the recent expressions `newer` (user -> expression -> stamp) to `into`, keeping each
    user's newest `RECENT_LIMIT`."""
    for user_id, stamps in newer.items():
        kept = into.setdefault(user_id, {})
        for expression, stamp in stamps.items():
            kept.pop(expression, None)
            kept[expression] = stamp
        while len(kept) > RECENT_LIMIT:
            del kept[min(kept, key=kept.__getitem__)]


async def flushed_sequence(connection: AsyncConnection, writer: str) -> int | None:
    """The number of the last batch of `writer` that landed, None if none is recorded."""
    return await connection.scalar(select(flush_marks.c.seq).where(flush_marks.c.writer == writer))


async def write_batch(
    connection: AsyncConnection,
    writer: str,
    sequence: int,
    stats: PendingStats,
    recents: dict[int, dict[str, int]],
) -> None:
    """Add batch `sequence` of `writer` and record its number, within the caller's transaction,
    so that `flushed_sequence` tells afterwards whether it landed."""
    await write_pending(connection, stats)
    for user_id, stamps in recents.items():
        await write_recent(connection, user_id, stamps)
    mark = {"writer": writer, "seq": sequence, "updated_at": int(time.time())}
    await put_rows(connection, flush_marks, ("writer",), [mark])
