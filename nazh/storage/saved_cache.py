"""A per-process cache of each owner's saved rolls, kept true by invalidation.

Reading a player's saved rolls from the database costs about a millisecond, more than the rest
of a roll; a roll that names a saved roll reads them every time. So each process keeps what it
read, and drops an owner's entry when their rolls change:

- this process's own writes drop it after they commit;
- with PostgreSQL, every write also sends ``NOTIFY nazh_saved_rolls, '<scope>:<owner>'`` in its
  transaction, and each process listens on a connection of its own: the other processes drop
  their entry when the write commits. While that connection is down the cache is off (every
  read goes to the database) and it is emptied when listening starts again, so no process can
  serve a roll another has changed or deleted.

- with SQLite, which has no notifications, every use of the cache first asks the file whether
  any connection (this process's pool or another process) committed since the last use
  (``PRAGMA data_version`` on a connection of its own, a few microseconds); if one did, the whole
  cache is dropped (`SqliteChanges`).

A read that raced a write must not store what it read: each entry is stored only if no
invalidation happened since its read began (`Generation`).
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import sqlite3
from typing import TYPE_CHECKING, Literal

import asyncpg

if TYPE_CHECKING:
    from collections.abc import Iterable

    from nazh.storage.saved import SavedRoll

__all__ = (
    "CHANNEL",
    "Generation",
    "OwnerKey",
    "SavedRollCache",
    "SavedRollListener",
    "SqliteChanges",
)

CHANNEL = "nazh_saved_rolls"
"""The PostgreSQL notification channel of saved-roll writes."""
EVERYONE = "*"
"""A notification payload that empties every cache (a player forgotten)."""

OwnerKey = tuple[Literal["user", "guild"], int]
Generation = int

_RETRY_DELAYS = (0.5, 1.0, 2.0, 5.0, 10.0)

_log = logging.getLogger("nazh.storage")


class SavedRollCache:
    """Each owner's saved rolls as last read, for at most `size` owners (least recent go)."""

    __slots__ = ("_entries", "_generation", "changes", "enabled", "size")

    def __init__(self, *, size: int = 20_000, enabled: bool = True) -> None:
        self.size = size
        self.enabled = enabled
        """Whether entries may be served and stored (off while invalidations may be missed)."""
        self.changes: SqliteChanges | None = None
        """On SQLite, asked before every use whether the file changed."""
        self._entries: collections.OrderedDict[OwnerKey, tuple[SavedRoll, ...]] = (
            collections.OrderedDict()
        )
        self._generation: Generation = 0

    def check(self) -> None:
        """Drop everything if the database changed in a way no invalidation announced."""
        if self.changes is not None and self.changes.changed():
            self.invalidate()

    @property
    def generation(self) -> Generation:
        """Taken before a read; `store` refuses what was read before an invalidation."""
        return self._generation

    def get(self, key: OwnerKey) -> tuple[SavedRoll, ...] | None:
        """The owner's rolls, if cached."""
        if not self.enabled:
            return None
        found = self._entries.get(key)
        if found is not None:
            self._entries.move_to_end(key)
        return found

    def store(
        self, read: Iterable[tuple[OwnerKey, tuple[SavedRoll, ...]]], generation: Generation
    ) -> None:
        """Keep what a read that began at `generation` found, unless something changed since."""
        if not self.enabled or generation != self._generation:
            return
        for key, rolls in read:
            self._entries[key] = rolls
            self._entries.move_to_end(key)
        while len(self._entries) > self.size:
            self._entries.popitem(last=False)

    def invalidate(self, key: OwnerKey | None = None) -> None:
        """Drop one owner's entry, or (None) every entry."""
        self._generation += 1
        if key is None:
            self._entries.clear()
        else:
            self._entries.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)


def payload(key: OwnerKey | None) -> str:
    """The notification text for one owner's change, or everyone's."""
    return EVERYONE if key is None else f"{key[0]}:{key[1]}"


def parse_payload(text: str) -> OwnerKey | None:
    """The owner a notification names; None for everyone or anything unexpected."""
    scope, _, owner = text.partition(":")
    if scope not in ("user", "guild") or not owner.isdigit():
        return None
    return ("user" if scope == "user" else "guild", int(owner))


class SavedRollListener:
    """Listens for other processes' saved-roll writes on PostgreSQL and keeps `cache` true.

    The cache is off until the first LISTEN succeeds and whenever the connection is lost; a
    background task reconnects with backoff.
    """

    __slots__ = ("_closed", "_connection", "_dsn", "_lost", "_task", "cache")

    def __init__(self, dsn: str, cache: SavedRollCache) -> None:
        self._dsn = dsn
        self.cache = cache
        self._connection: asyncpg.Connection | None = None
        self._task: asyncio.Task[None] | None = None
        self._lost = asyncio.Event()
        self._closed = False
        cache.enabled = False

    @property
    def listening(self) -> bool:
        """Whether invalidations are being received (and so the cache is on)."""
        return self._connection is not None and not self._connection.is_closed()

    async def start(self) -> None:
        """Listen now if the database answers, and keep listening in the background."""
        await self._listen()
        self._task = asyncio.create_task(self._keep_listening(), name="nazh-saved-roll-listener")

    async def close(self) -> None:
        """Stop listening; the cache stays off."""
        self._closed = True
        self.cache.enabled = False
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._disconnect()

    async def _listen(self) -> bool:
        try:
            connection = await asyncpg.connect(self._dsn, timeout=5.0)
            await connection.add_listener(CHANNEL, self._notified)
        except (OSError, asyncpg.PostgresError, TimeoutError) as error:
            _log.warning("saved-roll cache off: cannot listen for changes (%s)", error)
            return False
        connection.add_termination_listener(self._terminated)
        self._connection = connection
        self._lost.clear()
        self.cache.invalidate()
        self.cache.enabled = True
        return True

    async def _keep_listening(self) -> None:
        attempt = 0
        while not self._closed:
            if self.listening:
                attempt = 0
                await self._lost.wait()
                continue
            self.cache.enabled = False
            self.cache.invalidate()
            await self._disconnect()
            await asyncio.sleep(_RETRY_DELAYS[min(attempt, len(_RETRY_DELAYS) - 1)])
            attempt += 1
            if await self._listen():
                _log.info("saved-roll cache back on: listening for changes again")

    def _notified(self, _: object, __: int, ___: str, text: object) -> None:
        self.cache.invalidate(parse_payload(str(text)))

    def _terminated(self, _: object) -> None:
        self.cache.enabled = False
        self.cache.invalidate()
        self._lost.set()

    async def _disconnect(self) -> None:
        connection, self._connection = self._connection, None
        if connection is not None and not connection.is_closed():
            with contextlib.suppress(Exception):
                await asyncio.wait_for(connection.close(), timeout=2.0)


class SqliteChanges:
    """Whether an SQLite file had a commit, by any connection, since the last question."""

    __slots__ = ("_connection", "_version")

    def __init__(self, path: str) -> None:
        self._connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self._version: object = None

    def changed(self) -> bool:
        """True at the first call, and whenever a commit happened since the previous one."""
        version: object = self._connection.execute("PRAGMA data_version").fetchone()[0]
        if version == self._version:
            return False
        self._version = version
        return True

    def close(self) -> None:
        """Close its connection."""
        self._connection.close()
