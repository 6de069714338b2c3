"""Creating the async engine, with the SQLite settings Nazh relies on."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import weakref
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import event
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from sqlalchemy.ext.asyncio import create_async_engine

if TYPE_CHECKING:
    from sqlalchemy import URL, Engine
    from sqlalchemy.ext.asyncio import AsyncEngine

__all__ = (
    "POSTGRES_COMMAND_TIMEOUT",
    "POSTGRES_CONNECT_TIMEOUT",
    "SQLITE_BUSY_TIMEOUT_MS",
    "abort_connections",
    "create_engine",
    "unreachable",
    "use_wal",
)

SQLITE_BUSY_TIMEOUT_MS = 5000
POSTGRES_CONNECT_TIMEOUT = 3.0
"""Seconds to open a PostgreSQL connection (or wait for a pooled one) before giving up."""
POSTGRES_COMMAND_TIMEOUT = 5.0
"""Seconds a PostgreSQL statement may go unanswered: a stalled database is noticed then."""

_connections: weakref.WeakKeyDictionary[Engine, weakref.WeakSet[Any]] = weakref.WeakKeyDictionary()
"""The asyncpg connections each PostgreSQL engine opened (for `abort_connections`)."""


def create_engine(url: URL) -> AsyncEngine:
    """Create the engine for an async driver URL (see `resolve_url`).

    SQLite files get their directory created, a busy timeout, and transactions opened with
    ``BEGIN IMMEDIATE`` so that DDL is transactional and writers queue on the busy timeout instead
    of failing on a lock upgrade. Call `use_wal` once before the first transaction. PostgreSQL
    connections time out on connecting and on every statement, so a database that stalls
    (accepts, then never answers) fails calls within seconds instead of hanging them.
    """
    if url.get_backend_name() != "sqlite":
        engine = create_async_engine(
            url,
            pool_pre_ping=True,
            pool_timeout=POSTGRES_CONNECT_TIMEOUT,
            connect_args={
                "timeout": POSTGRES_CONNECT_TIMEOUT,
                "command_timeout": POSTGRES_COMMAND_TIMEOUT,
            },
        )
        opened: weakref.WeakSet[Any] = weakref.WeakSet()
        _connections[engine.sync_engine] = opened

        def remember(dbapi_connection: Any, _record: object) -> None:
            opened.add(dbapi_connection.driver_connection)

        event.listen(engine.sync_engine, "connect", remember)
        return engine
    database = url.database or ""
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url)
    event.listen(engine.sync_engine, "connect", _configure_sqlite_connection)
    event.listen(engine.sync_engine, "begin", _begin_immediate)
    return engine


def abort_connections(engine: AsyncEngine) -> None:
    """Cut every PostgreSQL connection `engine` opened, at once and without a goodbye: calls
    waiting on a stalled database fail now instead of after their timeouts. (SQLite has nothing
    to cut.)"""
    for connection in list(_connections.get(engine.sync_engine, ())):
        connection.terminate()


def unreachable(error: BaseException) -> bool:
    """Whether `error` says the database could not be reached or stopped answering (refused,
    reset or timed-out connections), rather than that it refused a statement."""
    seen: BaseException | None = error
    while seen is not None:
        if isinstance(seen, (OSError, PoolTimeoutError)):
            return True
        if isinstance(seen, DBAPIError) and seen.connection_invalidated:
            return True
        seen = seen.__cause__
    return False


def _configure_sqlite_connection(dbapi_connection: Any, _record: object) -> None:
    # The driver must not open transactions itself: `_begin_immediate` does it for every one.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _begin_immediate(connection: Any) -> None:
    connection.exec_driver_sql("BEGIN IMMEDIATE")


async def use_wal(engine: AsyncEngine) -> None:
    """Switch an SQLite file database to WAL journaling (persistent; a no-op for PostgreSQL).

    Switching needs the file to itself, and SQLite answers "locked" at once rather than wait when
    another connection is mid-transaction, so this retries without blocking the event loop for up
    to the busy timeout.
    """
    if engine.dialect.name != "sqlite" or engine.url.database in (None, "", ":memory:"):
        return
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        driver = raw.driver_connection
        assert driver is not None
        while True:
            try:
                await (await driver.execute("PRAGMA journal_mode=WAL")).close()
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() >= deadline:
                    raise
            await asyncio.sleep(0.02)
