"""`Storage`: the bot's single entry point to its database."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import logging
import time
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Self, Unpack

from sqlalchemy import delete, select, text

from nazh.errors import first_line
from nazh.storage.engine import abort_connections, create_engine, unreachable, use_wal
from nazh.storage.errors import StorageClosedError
from nazh.storage.journal import (
    JOURNAL_DIRECTORY,
    Journal,
    ResultsEntry,
    StatsEntry,
    database_identity,
)
from nazh.storage.leases import ShardLeases
from nazh.storage.migrations import migrate
from nazh.storage.pending import PendingStats
from nazh.storage.queries import read_server_stats, read_totals, read_user_stats
from nazh.storage.replay import replay_journals
from nazh.storage.results import DEFAULT_RESULT_TTL, Results, forget_user_results
from nazh.storage.saved import SavedRolls, forget_user_rolls
from nazh.storage.saved_cache import SavedRollListener, SqliteChanges
from nazh.storage.schema import (
    die_totals,
    face_counts,
    flush_marks,
    guild_settings,
    outcome_counts,
    recent_rolls,
    user_settings,
    user_totals,
)
from nazh.storage.settings import GuildSettings
from nazh.storage.urls import resolve_url
from nazh.storage.writes import (
    RECENT_LIMIT,
    flushed_sequence,
    merge_recents,
    put_rows,
    write_batch,
)

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from sqlalchemy import URL, Table
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from nazh.storage.journal import Entry
    from nazh.storage.settings import GuildSettingsChanges
    from nazh.storage.stats import GlobalTotals, ServerStats, UserStats

__all__ = (
    "CLOSE_BUDGET",
    "MAX_EXPRESSION_LENGTH",
    "OUTAGE_CLOSE_BUDGET",
    "PING_TIMEOUT",
    "PRUNE_INTERVAL",
    "RECENT_LIMIT",
    "CloseOutcome",
    "Storage",
)

RECENT_CACHE_USERS = 10_000
"""Users whose recent expressions stay cached in memory; the least recently read go first."""

MAX_EXPRESSION_LENGTH = 2000

PING_TIMEOUT = 2.0

USER_SETTINGS_TTL = 30.0
"""Seconds a player's settings stay cached; another process's change shows within this time."""
USER_SETTINGS_CACHE_USERS = 10_000
"""Players whose settings stay cached; the least recently used go first."""

CLOSE_BUDGET = 6.0
"""Seconds `Storage.close` waits at most for the database before journaling what it did not take."""
OUTAGE_CLOSE_BUDGET = 2.0
"""`CLOSE_BUDGET` when flushes were failing already: a last try, then the journal."""
_CLOSE_FLUSH_ATTEMPTS = 3
_CLOSE_RETRY_DELAY = 0.2
_WIND_DOWN = 1.0
"""Seconds `Storage.close` gives the calls still running, and then the connections, to end."""
_CUT_SETTLE = 0.2
"""Seconds the calls whose connections `Storage.close` cut get to fail before being cancelled."""
_SLOW_FLUSH = 2
"""Flush intervals a flush may wait on the database before what it holds is journaled."""

FLUSH_MARK_TTL = 7 * 24 * 3600
"""Seconds after which start-up deletes the flush mark of a process that never closed."""

PRUNE_INTERVAL = 3600.0
"""Seconds between prunings of the roll results older than their TTL (one runs at start-up)."""

_GUILD_DEFAULTS = GuildSettings()
_GUILD_FIELDS = tuple(field.name for field in dataclasses.fields(GuildSettings))

_log = logging.getLogger("nazh.storage")


@dataclasses.dataclass(frozen=True, slots=True)
class CloseOutcome:
    """What `Storage.close` could not write to the database, and where it went."""

    journaled_rolls: int = 0
    """Rolls put in the journal, which the next `Storage.open` on this database writes."""
    journaled_results: int = 0
    """Kept results put in the journal."""
    lost_rolls: int = 0
    """Rolls neither written nor journaled (there is no journal, or it could not be written)."""
    lost_results: int = 0
    """Kept results neither written nor journaled."""
    journal: Path | None = None
    """The journal file, when something went to it."""
    error: str | None = None
    """Why the database did not take them, in one line."""
    journal_error: str | None = None
    """Why the journal could not be written, in one line."""

    @property
    def lost(self) -> bool:
        """Whether anything reached neither the database nor the journal."""
        return bool(self.lost_rolls or self.lost_results)

    @property
    def saved(self) -> bool:
        """Whether everything reached the database."""
        return not (
            self.journaled_rolls or self.journaled_results or self.lost_rolls or self.lost_results
        )

    def __str__(self) -> str:
        if self.saved:
            return "every roll statistic and result reached the database"
        where = f"could not save the last roll statistics to the database ({self.error})"
        if self.lost_rolls or self.lost_results:
            why = f"the journal could not be written: {self.journal_error}"
            if self.journal_error is None:
                why = "no journal for this database"
            return (
                f"{where}: lost {_count(self.lost_rolls, 'roll')} and "
                f"{_count(self.lost_results, 'result')} ({why})"
            )
        return (
            f"{where}: journaled {_count(self.journaled_rolls, 'roll')} and "
            f"{_count(self.journaled_results, 'result')} to {self.journal}, "
            "written at the next start"
        )


def _count(n: int, thing: str) -> str:
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


class Storage:
    """Roll statistics, recent rolls, saved rolls and settings in SQLite or PostgreSQL.

    Create it with `Storage.open` and `close` it on shutdown (that flushes). Statistics are
    recorded in memory by `record_roll` and flushed by a background task every `flush_interval`
    seconds as additive upserts, so several processes may share one PostgreSQL database.
    Statistics reads flush first, so they include every roll recorded in this process.

    Each flushed batch is numbered and its number written in the same transaction: a batch
    whose commit may or may not have landed (an error, a lost connection) is retried as it was,
    before anything newer, and skipped if its number shows it landed. So it counts exactly once.

    While flushes fail, what the database has not taken also goes to a journal file in the data
    directory, once per flush interval (see `nazh.storage.journal`), so a killed process loses at
    most one interval; `close` journals the rest when the database does not answer in time, and
    the next `open` on the same database writes it.
    """

    __slots__ = (
        "_closed",
        "_closing",
        "_engine",
        "_failed_flushes",
        "_flush_interval",
        "_flush_lock",
        "_flushed_dice",
        "_flushed_rolls",
        "_flusher",
        "_flushes",
        "_flushing_since",
        "_guilds",
        "_held",
        "_journal",
        "_journal_failing",
        "_journal_stale",
        "_journaled_results",
        "_journaler",
        "_journaling",
        "_last_recent_stamp",
        "_pending",
        "_pending_recent",
        "_pruner",
        "_recent_cache",
        "_replay_due",
        "_schema_version",
        "_sequence",
        "_unsure",
        "_user_dialects",
        "_writer",
        "leases",
        "results",
        "saved",
        "saved_listener",
    )

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        schema_version: int,
        flush_interval: float,
        result_ttl: float = DEFAULT_RESULT_TTL,
        journal_dir: Path | None = None,
    ) -> None:
        """Wrap an engine whose database is already migrated; prefer `Storage.open`.

        `journal_dir` is where the journal goes; None (or an in-memory database) means none.
        """
        if flush_interval <= 0:
            raise ValueError("flush_interval must be positive")
        self._engine = engine
        self._schema_version = schema_version
        self._flush_interval = flush_interval
        self._pending = PendingStats()
        self._flush_lock = asyncio.Lock()
        self._closing = asyncio.Event()
        self._closed = False
        self._flusher: asyncio.Task[None] | None = None
        self._pruner: asyncio.Task[None] | None = None
        self._journaler: asyncio.Task[None] | None = None
        self._flushes: set[asyncio.Future[None]] = set()
        self._flushing_since: float | None = None
        self._flushed_rolls = 0
        self._flushed_dice = 0
        self._failed_flushes = 0
        self._last_recent_stamp = 0
        self._pending_recent: dict[int, dict[str, int]] = {}
        self._recent_cache: collections.OrderedDict[int, list[str]] = collections.OrderedDict()
        self._guilds: dict[int, GuildSettings] = {}
        self._user_dialects: collections.OrderedDict[int, tuple[float, str | None]] = (
            collections.OrderedDict()
        )
        self._writer = uuid.uuid4().hex
        self._sequence = 0
        self._unsure: _Batch | None = None
        self._held: _Batch | None = None
        database = database_identity(engine.url) if journal_dir is not None else None
        self._journal = (
            Journal(journal_dir, database, self._writer)
            if journal_dir is not None and database is not None
            else None
        )
        self._journaling = False
        self._journal_stale = False
        self._journal_failing = False
        self._journaled_results: set[str] = set()
        self._replay_due = False
        self.saved = SavedRolls(engine, check_open=self._check_open)
        """The saved rolls of players and servers (writes go straight through; reads are cached
        and invalidated, see `nazh.storage.saved_cache`)."""
        self.saved_listener: SavedRollListener | None = None
        """On PostgreSQL, what keeps the saved-roll cache true across processes."""
        self.leases = ShardLeases(engine, check_open=self._check_open)
        """Shard leases of a cluster of processes (PostgreSQL only, see `nazh.storage.leases`)."""
        self.results = Results(engine, ttl=result_ttl, check_open=self._check_open)
        """Roll results kept for their buttons (written with the statistics, pruned after
        `result_ttl` seconds, see `nazh.storage.results`)."""

    @classmethod
    async def open(
        cls,
        url: str | URL | None = None,
        *,
        data_dir: Path = Path("data"),
        flush_interval: float = 1.0,
        result_ttl: float = DEFAULT_RESULT_TTL,
    ) -> Self:
        """Connect, apply pending migrations, write the journal an earlier run left, prune old
        roll results and start the background flusher and pruner.

        `url` is a ``sqlite:///path`` or ``postgresql://user@host:port/db`` URL (plain URLs use the
        aiosqlite and asyncpg drivers); None means the SQLite file ``nazh.sqlite3`` in `data_dir`.
        The journal lives in `data_dir` too. `result_ttl` is how many seconds roll results stay
        usable and kept. Raises `SchemaTooNewError` if a newer Nazh migrated the database.
        """
        engine = create_engine(resolve_url(url, data_dir))
        try:
            await use_wal(engine)
            version = await migrate(engine)
            storage = cls(
                engine,
                schema_version=version,
                flush_interval=flush_interval,
                result_ttl=result_ttl,
                journal_dir=data_dir / JOURNAL_DIRECTORY,
            )
            storage._warn_of_foreign_journals()
            await storage._replay_journals()
            async with engine.begin() as connection:
                cutoff = int(time.time()) - FLUSH_MARK_TTL
                await connection.execute(
                    delete(flush_marks).where(flush_marks.c.updated_at < cutoff)
                )
            await storage.results.prune()
        except BaseException:
            await engine.dispose()
            raise
        if storage.backend == "postgresql":
            dsn = engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
            storage.saved_listener = SavedRollListener(dsn, storage.saved.cache)
            await storage.saved_listener.start()
        elif engine.url.database not in (None, "", ":memory:"):
            storage.saved.cache.changes = SqliteChanges(str(engine.url.database))
        storage._flusher = asyncio.create_task(
            storage._flush_periodically(), name="nazh-storage-flusher"
        )
        storage._pruner = asyncio.create_task(
            storage._prune_periodically(), name="nazh-storage-pruner"
        )
        storage._journaler = asyncio.create_task(
            storage._journal_periodically(), name="nazh-storage-journaler"
        )
        return storage

    @property
    def backend(self) -> str:
        """``"sqlite"`` or ``"postgresql"``."""
        return self._engine.dialect.name

    @property
    def url(self) -> str:
        """The database URL, password hidden."""
        return self._engine.url.render_as_string(hide_password=True)

    @property
    def schema_version(self) -> int:
        """Schema version of the database after start-up migrations."""
        return self._schema_version

    @property
    def journal(self) -> Path | None:
        """This process's journal file (it exists only while the database is not taking
        statistics); None when there is no journal."""
        return None if self._journal is None else self._journal.path

    @property
    def pending_rolls(self) -> int:
        """Rolls recorded and not flushed yet (including the batch awaiting a retry)."""
        batches = (self._unsure, self._held)
        return self._pending.rolls + sum(b.stats.rolls for b in batches if b is not None)

    @property
    def flushed_rolls(self) -> int:
        """Rolls this `Storage` has written to the database so far."""
        return self._flushed_rolls

    @property
    def flushed_dice(self) -> int:
        """Dice this `Storage` has written to the database so far."""
        return self._flushed_dice

    @property
    def failed_flushes(self) -> int:
        """Flushes that failed (their counts were kept and retried)."""
        return self._failed_flushes

    async def close(self) -> CloseOutcome:
        """Stop the background tasks, flush what is pending (retrying briefly) and release the
        connections, within about `CLOSE_BUDGET` seconds whatever the database does (within
        `OUTAGE_CLOSE_BUDGET` when flushes were failing already).

        What the database did not take in time (it refuses, stalls or drops connections) goes to
        the journal, which the next `open` on this database writes. Returns what was not written
        and where it went; closing again does nothing.
        """
        if self._closed:
            return CloseOutcome()
        self._closed = True
        self._closing.set()
        if self._pruner is not None:
            self._pruner.cancel()
        listener = None
        if self.saved_listener is not None:
            listener = asyncio.ensure_future(self.saved_listener.close())
        budget = OUTAGE_CLOSE_BUDGET if self._journaling else CLOSE_BUDGET
        error: Exception | None = None
        try:
            async with asyncio.timeout(budget):
                await self._flush_last()
        except Exception as failure:
            error = failure
        try:
            await self._wind_down(listener, cut=error is not None)
            return self._journal_last(error)
        finally:
            if self._journal is not None:
                self._journal.release()
            if self.saved.cache.changes is not None:
                self.saved.cache.changes.close()
            await self._dispose()

    async def _flush_last(self) -> None:
        for task in (self._flusher, self._journaler):
            if task is not None:
                await task
        for attempt in range(1, _CLOSE_FLUSH_ATTEMPTS + 1):
            try:
                await self.flush()
                break
            except Exception:
                if attempt == _CLOSE_FLUSH_ATTEMPTS:
                    raise
                await asyncio.sleep(_CLOSE_RETRY_DELAY)
        if self._sequence and not self._journaling:
            async with self._engine.begin() as connection:
                await connection.execute(
                    delete(flush_marks).where(flush_marks.c.writer == self._writer)
                )

    async def _wind_down(self, listener: asyncio.Future[None] | None, *, cut: bool) -> None:
        """Let the background tasks and the flushes still running end; when `cut`, cut their
        connections first and cancel what still waits (on a connect) shortly after."""
        tasks = (*self._flushes, self._flusher, self._pruner, self._journaler, listener)
        running = {task for task in tasks if task is not None and not task.done()}
        if cut:
            abort_connections(self._engine)
        if not running:
            return
        _, waiting = await asyncio.wait(running, timeout=_CUT_SETTLE if cut else _WIND_DOWN)
        for task in waiting:
            task.cancel()
        if waiting:
            await asyncio.wait(waiting, timeout=_WIND_DOWN)

    def _journal_last(self, error: Exception | None) -> CloseOutcome:
        """Journal whatever the last flush left unwritten, and say so."""
        batches = [b for b in (self._unsure, self._held) if b is not None]
        rolls = self._pending.rolls + sum(batch.stats.rolls for batch in batches)
        results = len(self.results.held())
        if not (batches or self._pending or self._pending_recent or results):
            return CloseOutcome()
        reason = None
        if isinstance(error, TimeoutError):
            reason = "it did not answer in time"
        elif error is not None:
            reason = first_line(error)
        if self._journal is None:
            return CloseOutcome(lost_rolls=rolls, lost_results=results, error=reason)
        try:
            self._journal.rewrite(self._unwritten_entries())
        except OSError as failure:
            return CloseOutcome(
                lost_rolls=rolls,
                lost_results=results,
                error=reason,
                journal_error=first_line(failure),
            )
        return CloseOutcome(
            journaled_rolls=rolls,
            journaled_results=results,
            journal=self._journal.path,
            error=reason,
        )

    async def _dispose(self) -> None:
        try:
            async with asyncio.timeout(_WIND_DOWN):
                await self._engine.dispose()
        except TimeoutError:
            abort_connections(self._engine)
            await self._engine.dispose(close=False)

    def record_roll(
        self,
        *,
        guild_id: int | None,
        user_id: int,
        dice: Iterable[tuple[int, int]],
        outcomes: Sequence[tuple[str, str]] = (),
    ) -> None:
        """Count one roll of `dice`, (sides, face) pairs with sides 0 for Fate dice (-1/0/+1),
        and the `outcomes` of its game-system rolls, (system, outcome) names like
        ``("fitd", "partial success")``, one pair per system roll.

        Memory only; the flusher writes it. `guild_id` None (a DM) is stored as guild 0.
        Raises `ValueError` for a face that is not on its die or an empty name (and counts
        nothing), `StorageClosedError` after close.
        """
        if self._closed:
            raise StorageClosedError("record_roll after Storage.close")
        self._pending.add_roll(guild_id or 0, user_id, dice, outcomes)

    async def flush(self) -> None:
        """Write pending statistics in one transaction; on failure keep them and re-raise.

        Cancelling the caller does not interrupt the flush: a transaction cut off while committing
        could not tell whether its counts landed.
        """
        task = asyncio.ensure_future(self._flush_serialised())
        self._flushes.add(task)
        task.add_done_callback(self._flush_finished)
        await asyncio.shield(task)

    def _flush_finished(self, task: asyncio.Future[None]) -> None:
        self._flushes.discard(task)
        if not task.cancelled():
            task.exception()  # a caller that was cancelled never reads it; the counts were kept

    async def _flush_serialised(self) -> None:
        async with self._flush_lock:
            self._flushing_since = asyncio.get_running_loop().time()
            try:
                await self._flush_pending()
            finally:
                self._flushing_since = None

    async def _flush_pending(self) -> None:
        try:
            try:
                await self.results.flush()
            finally:
                if self._unsure is not None:
                    await self._flush_batch(self._unsure)
                batch = self._take_batch()
                if batch is not None:
                    await self._flush_batch(batch)
        except Exception:
            self._journal_unwritten()
            raise
        if self._journaling:
            self._clear_journal()

    def _take_batch(self) -> _Batch | None:
        """Make what is next to write the unsure batch: the held one (journaled), with what is
        pending added, or else what is pending."""
        if self._held is not None:
            self._journal_unwritten()
            batch, self._held = self._held, None
            batch.journaled = not self._journal_stale
        elif self._pending or self._pending_recent:
            self._sequence += 1
            batch = _Batch(self._sequence, self._pending, self._pending_recent)
            self._pending, self._pending_recent = PendingStats(), {}
        else:
            return None
        self._unsure = batch
        return batch

    async def _flush_batch(self, batch: _Batch) -> None:
        """Write `batch` (the unsure one) once: skipped if an earlier attempt landed."""
        try:
            async with self._engine.begin() as connection:
                if batch.attempts and await self._landed(connection, batch.sequence):
                    _log.info("a retried flush had landed; not counting it again")
                else:
                    await write_batch(
                        connection, self._writer, batch.sequence, batch.stats, batch.recents
                    )
        except BaseException:
            batch.attempts += 1
            self._failed_flushes += 1
            raise
        if self._unsure is batch:
            self._unsure = None
        self._flushed_rolls += batch.stats.rolls
        self._flushed_dice += batch.stats.dice_rolled

    async def _landed(self, connection: AsyncConnection, sequence: int) -> bool:
        done = await flushed_sequence(connection, self._writer)
        return done is not None and done >= sequence

    def _cut_pending(self) -> _Batch | None:
        """Move what is pending into the held batch; that part, to journal, or None."""
        if not (self._pending or self._pending_recent):
            return None
        if self._held is None:
            self._sequence += 1
            self._held = _Batch(self._sequence, PendingStats(), {})
        chunk = _Batch(self._held.sequence, self._pending, self._pending_recent)
        self._pending, self._pending_recent = PendingStats(), {}
        self._held.stats.merge(chunk.stats)
        merge_recents(self._held.recents, chunk.recents)
        return chunk

    def _journal_unwritten(self) -> None:
        """Put in the journal what the database has not taken and the journal does not hold yet.

        Blocks for a write and an fsync (a few milliseconds, once per flush interval and only
        while flushes fail); an error is logged once and the next call rewrites the whole file.
        """
        journal = self._journal
        if journal is None:
            return
        if not self._journaling:
            self._journaling = True
            path = journal.path
            _log.info("journaling roll statistics to %s until the database takes them", path)
        unsure = self._unsure
        chunk = self._cut_pending()
        held = self.results.held()
        try:
            if self._journal_stale:
                entries = self._unwritten_entries()
                journal.rewrite(entries)
            else:
                entries: list[Entry] = []
                if unsure is not None and not unsure.journaled:
                    entries.append(unsure.entry(self._writer))
                if chunk is not None:
                    entries.append(chunk.entry(self._writer))
                fresh = [r for r in held if r.id not in self._journaled_results]
                if fresh:
                    entries.append(ResultsEntry(self._writer, fresh))
                if not entries:
                    return
                journal.append(entries)
        except OSError as error:
            self._journal_stale = True
            if not self._journal_failing:
                self._journal_failing = True
                _log.error("cannot write the journal %s: %s", journal.path, first_line(error))
            return
        self._journal_stale = self._journal_failing = False
        if self._unsure is not None:
            self._unsure.journaled = True
        self._journaled_results.update(r.id for r in held)

    def _unwritten_entries(self) -> list[Entry]:
        """Everything the database has not taken, as journal entries."""
        self._cut_pending()
        entries: list[Entry] = [
            batch.entry(self._writer) for batch in (self._unsure, self._held) if batch is not None
        ]
        held = self.results.held()
        if held:
            entries.append(ResultsEntry(self._writer, held))
        return entries

    def _clear_journal(self) -> None:
        """Remove the journal once everything in it has landed."""
        if self._journal is None or self._unsure or self._held or self.results.unwritten:
            return
        try:
            self._journal.clear()
        except OSError as error:
            _log.warning("cannot remove the journal %s: %s", self._journal.path, error)
            return
        self._journaling = self._journal_stale = self._journal_failing = False
        self._journaled_results.clear()
        _log.info("the database takes roll statistics again; removed the journal")

    def _warn_of_foreign_journals(self) -> None:
        if self._journal is None:
            return
        try:
            foreign = self._journal.foreign()
        except OSError as error:
            _log.warning("cannot read the journal directory: %s", error)
            return
        for database, files in foreign.items():
            _log.warning(
                "%d journal file(s) in %s hold statistics for %s, another database: they are "
                "written when Nazh opens that database again",
                files,
                self._journal.directory,
                database,
            )

    async def _replay_journals(self) -> None:
        """Write the journals earlier runs left for this database; on failure, retry later."""
        journal = self._journal
        if journal is None:
            return
        try:
            replayed = await replay_journals(
                self._engine, journal, oldest_result=int(time.time() - self.results.ttl)
            )
        except Exception as error:
            if not self._replay_due:
                _log.warning(
                    "could not write the journal an earlier run left (%s); keeping it, retrying",
                    first_line(error),
                )
            self._replay_due = True
            return
        self._replay_due = False
        if replayed.files:
            _log.info(
                "wrote the journal an earlier run left: %s (%d more had landed before) and %s",
                _count(replayed.rolls, "roll"),
                replayed.landed_rolls,
                _count(replayed.results, "result"),
            )

    async def _flush_periodically(self) -> None:
        loop = asyncio.get_running_loop()
        due = loop.time()
        failing = 0
        while not self._closing.is_set():
            due = max(due + self._flush_interval, loop.time())
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout_at(due):
                    await self._closing.wait()
            if self._closing.is_set():
                return
            if self._replay_due:
                await self._replay_journals()
            try:
                await self.flush()
            except Exception as error:
                failing += 1
                if failing > 1:
                    continue
                if unreachable(error):
                    _log.warning(
                        "the database is not answering (%s); keeping roll statistics and retrying",
                        first_line(error),
                    )
                else:
                    _log.exception("flushing roll statistics failed; keeping them and retrying")
                continue
            if failing:
                _log.info("flushed roll statistics again after %d failed attempts", failing)
                failing = 0

    async def _journal_periodically(self) -> None:
        """While flushes fail, or one has waited `_SLOW_FLUSH` intervals (a stalled database),
        journal what is recorded meanwhile once per flush interval."""
        loop = asyncio.get_running_loop()
        while not self._closing.is_set():
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._flush_interval):
                    await self._closing.wait()
            if self._closing.is_set():
                return
            since = self._flushing_since
            slow = since is not None and loop.time() - since >= _SLOW_FLUSH * self._flush_interval
            if self._journaling or slow:
                self._journal_unwritten()

    async def _prune_periodically(self) -> None:
        while True:
            await asyncio.sleep(PRUNE_INTERVAL)
            try:
                pruned = await self.results.prune()
            except Exception:
                _log.exception("pruning old roll results failed; trying again later")
            else:
                _log.debug("pruned %d roll results older than their TTL", pruned)

    async def user_stats(self, user_id: int, *, guild_id: int | None) -> UserStats:
        """Statistics of `user_id` in guild `guild_id` (0 for DMs), or everywhere if None."""
        self._check_open()
        await self.flush()
        async with self._engine.connect() as connection:
            return await read_user_stats(connection, user_id, guild_id)

    async def server_stats(self, guild_id: int, *, top: int = 5, min_d20: int = 20) -> ServerStats:
        """Statistics of a guild; d20 rankings only include users with `min_d20` d20s."""
        if top < 1 or min_d20 < 1:
            raise ValueError("top and min_d20 must be at least 1")
        self._check_open()
        await self.flush()
        async with self._engine.connect() as connection:
            return await read_server_stats(connection, guild_id, top, min_d20)

    async def totals(self) -> GlobalTotals:
        """Rolls served and dice rolled by every process sharing the database."""
        self._check_open()
        await self.flush()
        async with self._engine.connect() as connection:
            return await read_totals(connection)

    def remember_recent(self, user_id: int, expression: str) -> None:
        """Remember `expression` as the user's most recent roll (in memory; written at flush).

        Each user keeps their `RECENT_LIMIT` most recent distinct expressions.
        """
        expression = expression.strip()
        if not expression or len(expression) > MAX_EXPRESSION_LENGTH:
            raise ValueError(f"a recent roll must have 1 to {MAX_EXPRESSION_LENGTH} characters")
        self._check_open()
        stamp = max(time.time_ns(), self._last_recent_stamp + 1)
        self._last_recent_stamp = stamp
        pending = self._pending_recent.setdefault(user_id, {})
        pending.pop(expression, None)
        pending[expression] = stamp
        if len(pending) > RECENT_LIMIT:
            del pending[next(iter(pending))]
        cached = self._recent_cache.get(user_id)
        if cached is not None:
            if expression in cached:
                cached.remove(expression)
            cached.insert(0, expression)
            del cached[RECENT_LIMIT:]

    async def recent(self, user_id: int, limit: int = RECENT_LIMIT) -> list[str]:
        """The user's recent expressions, most recent first."""
        self._check_open()
        cached = self._recent_cache.get(user_id)
        if cached is None:
            async with self._engine.connect() as connection:
                stored = await connection.scalars(
                    select(recent_rolls.c.expression)
                    .where(recent_rolls.c.user_id == user_id)
                    .order_by(recent_rolls.c.used_at.desc())
                    .limit(RECENT_LIMIT)
                )
                rows = list(stored)
            pending = list(reversed(self._pending_recent.get(user_id, {})))
            batches = [b for b in (self._held, self._unsure) if b is not None]
            unsure = [e for b in batches for e in reversed(b.recents.get(user_id, {}))]
            cached = list(dict.fromkeys([*pending, *unsure, *rows]))[:RECENT_LIMIT]
            self._recent_cache[user_id] = cached
            while len(self._recent_cache) > RECENT_CACHE_USERS:
                self._recent_cache.popitem(last=False)
        else:
            self._recent_cache.move_to_end(user_id)
        return cached[:limit]

    async def guild_settings(self, guild_id: int) -> GuildSettings:
        """The guild's settings (defaults when it has none).

        Cached per process: a guild is served by one shard, whose process also changes them.
        """
        cached = self._guilds.get(guild_id)
        if cached is not None:
            return cached
        self._check_open()
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    select(*(guild_settings.c[name] for name in _GUILD_FIELDS)).where(
                        guild_settings.c.guild_id == guild_id
                    )
                )
            ).first()
        found = (
            _GUILD_DEFAULTS
            if row is None
            else GuildSettings(
                **{
                    name: getattr(_GUILD_DEFAULTS, name) if value is None else value
                    for name, value in zip(_GUILD_FIELDS, row, strict=True)
                }
            )
        )
        self._guilds[guild_id] = found
        return found

    async def get_prefix(self, guild_id: int) -> str | None:
        """The guild's command prefix, None for the default."""
        return (await self.guild_settings(guild_id)).prefix

    async def set_prefix(self, guild_id: int, prefix: str | None) -> None:
        """Set the guild's command prefix; None restores the default."""
        await self.set_guild_settings(guild_id, prefix=prefix)

    async def set_guild_dialect(self, guild_id: int, dialect: str | None) -> None:
        """Set the notation dialect of the guild's rolls; None restores the default."""
        await self.set_guild_settings(guild_id, dialect=dialect)

    async def set_guild_system(self, guild_id: int, system: str | None) -> None:
        """Set the name of the guild's game system (``fitd``); None clears it."""
        await self.set_guild_settings(guild_id, system=system)

    async def set_roll_manager_role(self, guild_id: int, role_id: int | None) -> None:
        """Set the role allowed to manage the guild's saved rolls; None removes it."""
        await self.set_guild_settings(guild_id, roll_manager_role=role_id)

    async def set_guild_settings(
        self, guild_id: int, **changes: Unpack[GuildSettingsChanges]
    ) -> GuildSettings:
        """Change some of the guild's settings, keep the others, and return them all.

        A field set to its default (None, or the default of a switch) is stored as NULL; a
        guild whose settings are all defaults has no row. Raises `TypeError` for an unknown
        field and `ValueError` for a blank prefix or game system name.
        """
        current = await self.guild_settings(guild_id)
        settings = dataclasses.replace(current, **changes)
        if settings.prefix is not None and not settings.prefix.strip():
            raise ValueError("a prefix cannot be blank; use None for the default")
        if settings.system is not None and not settings.system.strip():
            raise ValueError("a game system name cannot be blank; use None for none")
        await self._put_settings(guild_settings, "guild_id", guild_id, _guild_row(settings))
        self._guilds[guild_id] = settings
        return settings

    async def _put_settings(
        self, table: Table, key: str, owner: int, values: Mapping[str, object] | None
    ) -> None:
        """Write one owner's settings row, or delete it when `values` is None (all defaults)."""
        self._check_open()
        async with self._engine.begin() as connection:
            if values is None:
                await connection.execute(delete(table).where(table.c[key] == owner))
            else:
                await put_rows(connection, table, (key,), [{key: owner, **values}])

    async def user_dialect(self, user_id: int) -> str | None:
        """The player's own notation dialect, None when they have not chosen one.

        Cached for `USER_SETTINGS_TTL` seconds, so a change made through another process
        sharing the database shows within that time; this process's own changes show at once.
        """
        now = time.monotonic()
        cached = self._user_dialects.get(user_id)
        if cached is not None and now - cached[0] < USER_SETTINGS_TTL:
            return cached[1]
        self._check_open()
        async with self._engine.connect() as connection:
            dialect = await connection.scalar(
                select(user_settings.c.dialect).where(user_settings.c.user_id == user_id)
            )
        self._cache_user_dialect(user_id, dialect, now)
        return dialect

    async def set_user_dialect(self, user_id: int, dialect: str | None) -> None:
        """Set the player's own notation dialect; None follows the server's again."""
        values: dict[str, str | None] | None = None if dialect is None else {"dialect": dialect}
        await self._put_settings(user_settings, "user_id", user_id, values)
        self._cache_user_dialect(user_id, dialect, time.monotonic())

    def _cache_user_dialect(self, user_id: int, dialect: str | None, now: float) -> None:
        self._user_dialects[user_id] = (now, dialect)
        self._user_dialects.move_to_end(user_id)
        while len(self._user_dialects) > USER_SETTINGS_CACHE_USERS:
            self._user_dialects.popitem(last=False)

    async def forget_user(self, user_id: int) -> None:
        """Delete every statistic, recent roll, saved roll, kept result and setting of `user_id`.

        Pending statistics and recent rolls go too. The server saved rolls they wrote stay, as
        the servers' own, without their author.
        """
        self._check_open()
        async with self._flush_lock:
            self._pending.discard_user(user_id)
            self._pending_recent.pop(user_id, None)
            for batch in (self._unsure, self._held):
                if batch is not None:
                    batch.stats.discard_user(user_id)
                    batch.recents.pop(user_id, None)
            self._recent_cache.pop(user_id, None)
            self._user_dialects.pop(user_id, None)
            try:
                async with self.results.forgetting(user_id), self._engine.begin() as connection:
                    # The order `write_pending` locks rows in, so a flush elsewhere cannot
                    # deadlock us.
                    for table in (
                        user_totals,
                        die_totals,
                        face_counts,
                        outcome_counts,
                        recent_rolls,
                        user_settings,
                    ):
                        await connection.execute(delete(table).where(table.c.user_id == user_id))
                    await forget_user_rolls(connection, user_id)
                    await forget_user_results(connection, user_id)
            finally:
                self.saved.forgotten()
                if self._journaling:
                    self._journal_stale = True
                    self._journal_unwritten()

    async def ping(self) -> bool:
        """Whether the database answers a trivial query within `PING_TIMEOUT` seconds."""
        if self._closed:
            return False
        try:
            async with asyncio.timeout(PING_TIMEOUT), self._engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
        except Exception:
            _log.warning("database ping failed", exc_info=True)
            return False
        return True

    def _check_open(self) -> None:
        if self._closed:
            raise StorageClosedError("Storage is closed")


def _guild_row(settings: GuildSettings) -> dict[str, object] | None:
    """The guild_settings columns of `settings`, each default as NULL; None when all are."""
    if settings == _GUILD_DEFAULTS:
        return None
    values = {name: getattr(settings, name) for name in _GUILD_FIELDS}
    return {
        name: None if value == getattr(_GUILD_DEFAULTS, name) else value
        for name, value in values.items()
    }


class _Batch:
    """Statistics and recent rolls taken out of memory to be written as flush `sequence`."""

    __slots__ = ("attempts", "journaled", "recents", "sequence", "stats")

    def __init__(
        self, sequence: int, stats: PendingStats, recents: dict[int, dict[str, int]]
    ) -> None:
        self.sequence = sequence
        self.stats = stats
        self.recents = recents
        self.attempts = 0
        self.journaled = False
        """Whether the journal holds all of it."""

    def entry(self, writer: str) -> StatsEntry:
        """This batch as a journal entry of `writer`."""
        return StatsEntry(writer, self.sequence, self.stats, self.recents)
