"""Additive upserts: flushing pending counters without read-modify-write races."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy.dialects import postgresql, sqlite

from nazh.storage.schema import bot_totals, die_totals, face_counts, outcome_counts, user_totals

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy import Table
    from sqlalchemy.ext.asyncio import AsyncConnection

    from nazh.storage.pending import PendingStats

__all__ = ("BOT_TOTALS_ID", "add_counts", "put_rows", "write_pending")

BOT_TOTALS_ID = 1


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
