"""Database URL normalisation and SQLite connection settings."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import text

from nazh.storage import Storage, resolve_url
from nazh.storage.engine import SQLITE_BUSY_TIMEOUT_MS, create_engine, use_wal


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("sqlite:///data/nazh.db", "sqlite+aiosqlite:///data/nazh.db"),
        ("sqlite+aiosqlite:////abs/nazh.db", "sqlite+aiosqlite:////abs/nazh.db"),
        ("postgresql://bot@db:5432/nazh", "postgresql+asyncpg://bot@db:5432/nazh"),
        ("postgres://bot:pw@db/nazh", "postgresql+asyncpg://bot:pw@db/nazh"),
        ("postgresql+asyncpg://bot@db/nazh", "postgresql+asyncpg://bot@db/nazh"),
    ],
)
def test_plain_urls_get_the_async_driver(given: str, expected: str) -> None:
    resolved = resolve_url(given, Path("unused"))
    assert resolved.render_as_string(hide_password=False) == expected


def test_no_url_means_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    resolved = resolve_url(None, tmp_path / "data")
    assert resolved.drivername == "sqlite+aiosqlite"
    assert resolved.database == str(tmp_path / "data" / "nazh.sqlite3")


@pytest.mark.parametrize("url", ["mysql://bot@db/nazh", "postgresql+psycopg2://bot@db/nazh"])
def test_unsupported_databases_and_drivers_are_refused(url: str) -> None:
    with pytest.raises(ValueError, match="unsupported"):
        resolve_url(url, Path())


async def test_default_database_is_created_in_wal_mode(tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    storage = await Storage.open(data_dir=data_dir, flush_interval=3600)
    try:
        assert storage.backend == "sqlite"
        assert await storage.ping()
    finally:
        await storage.close()
    with sqlite3.connect(data_dir / "nazh.sqlite3") as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)


async def test_sqlite_connections_wait_on_locks(tmp_path: Path) -> None:
    engine = create_engine(resolve_url(f"sqlite:///{tmp_path / 'x.db'}", tmp_path))
    try:
        async with engine.connect() as connection:
            timeout = await connection.scalar(text("PRAGMA busy_timeout"))
    finally:
        await engine.dispose()
    assert timeout == SQLITE_BUSY_TIMEOUT_MS


async def test_wal_switch_waits_for_a_writer_to_finish(tmp_path: Path) -> None:
    path = tmp_path / "busy.db"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE t (x INTEGER)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES (1)")
    engine = create_engine(resolve_url(f"sqlite:///{path}", tmp_path))
    try:
        switching = asyncio.create_task(use_wal(engine))
        await asyncio.sleep(0.3)
        assert not switching.done()
        writer.execute("COMMIT")
        await asyncio.wait_for(switching, 5)
    finally:
        writer.close()
        await engine.dispose()
    with sqlite3.connect(path) as connection:
        assert connection.execute("PRAGMA journal_mode").fetchone() == ("wal",)
        assert connection.execute("SELECT x FROM t").fetchall() == [(1,)]
