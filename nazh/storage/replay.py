"""Replaying the journals that earlier processes left for this database (see
`nazh.storage.journal`)."""

from __future__ import annotations

import asyncio
import logging
import time
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import delete

from nazh.storage.journal import StatsEntry, claim
from nazh.storage.pending import PendingStats
from nazh.storage.results import write_results
from nazh.storage.schema import flush_marks
from nazh.storage.writes import (
    flushed_sequence,
    merge_recents,
    put_rows,
    write_pending,
    write_recent,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from sqlalchemy.ext.asyncio import AsyncEngine

    from nazh.storage.journal import Entry, Journal
    from nazh.storage.results import StoredResult

__all__ = ("Replayed", "replay_journals")

_log = logging.getLogger("nazh.storage")


@dataclass(slots=True)
class Replayed:
    """What `replay_journals` did."""

    files: int = 0
    """Journal files written and removed."""
    rolls: int = 0
    """Rolls written to the database."""
    landed_rolls: int = 0
    """Rolls skipped because their batch had landed before (its commit went unacknowledged)."""
    results: int = 0
    """Kept results written (those older than their TTL are dropped)."""
    damaged: int = 0
    """Torn or damaged lines skipped."""
    busy: int = 0
    """Files left alone because another process is writing or replaying them."""


async def replay_journals(
    engine: AsyncEngine, journal: Journal, *, oldest_result: int = 0
) -> Replayed:
    """Write what the journals other writers left for `journal`'s database hold, one transaction
    per file, then remove each file and its writers' flush marks.

    A batch whose number the flush marks show as landed is skipped, so a replay whose commit went
    unacknowledged, replayed again, counts once. Results created before `oldest_result` (Unix
    time) are dropped. Raises the database's error: the file stays for the next replay.
    """
    replayed = Replayed()
    for path in journal.leftovers():
        claimed = await asyncio.to_thread(claim, path, journal.database)
        if claimed is None:
            replayed.busy += 1
            continue
        try:
            writers = await _write(engine, claimed.entries, oldest_result, replayed)
            await asyncio.to_thread(claimed.remove)
        finally:
            claimed.release()
        replayed.files += 1
        replayed.damaged += claimed.damaged
        if writers:
            await _forget_marks(engine, writers)
    return replayed


async def _forget_marks(engine: AsyncEngine, writers: list[str]) -> None:
    """Delete the flush marks of replayed writers; a failure only keeps them until start-up drops
    them as stale."""
    try:
        async with engine.begin() as connection:
            await connection.execute(delete(flush_marks).where(flush_marks.c.writer.in_(writers)))
    except Exception as error:
        _log.debug("could not delete the flush marks of a replayed journal: %s", error)


async def _write(
    engine: AsyncEngine, entries: Sequence[Entry], oldest_result: int, replayed: Replayed
) -> list[str]:
    """Write `entries` in one transaction; the writers whose batches they hold."""
    chunks: dict[str, dict[int, list[StatsEntry]]] = {}
    results: dict[str, StoredResult] = {}
    for entry in entries:
        if isinstance(entry, StatsEntry):
            chunks.setdefault(entry.writer, {}).setdefault(entry.sequence, []).append(entry)
        else:
            results.update((r.id, r) for r in entry.results if r.created_at >= oldest_result)
    stats = PendingStats()
    recents: dict[int, dict[str, int]] = {}
    landed = 0
    now = int(time.time())
    async with engine.begin() as connection:
        marks: list[dict[str, object]] = []
        for writer, batches in sorted(chunks.items()):
            done = await flushed_sequence(connection, writer)
            for sequence, parts in sorted(batches.items()):
                for part in parts:
                    if done is not None and sequence <= done:
                        landed += part.stats.rolls
                    else:
                        stats.merge(part.stats)
                        merge_recents(recents, part.recents)
            last = max(*batches, done or 0)
            marks.append({"writer": writer, "seq": last, "updated_at": now})
        # One `write_pending` for the whole file: it locks rows in the order every flush does.
        if stats:
            await write_pending(connection, stats)
        for user_id, stamps in sorted(recents.items()):
            await write_recent(connection, user_id, stamps)
        await put_rows(connection, flush_marks, ("writer",), marks)
        if results:
            await write_results(connection, list(results.values()))
    replayed.rolls += stats.rolls
    replayed.landed_rolls += landed
    replayed.results += len(results)
    return sorted(chunks)
