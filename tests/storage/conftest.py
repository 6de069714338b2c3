"""Fixtures running storage tests against SQLite and a real PostgreSQL server.

PostgreSQL comes from NAZH_TEST_DATABASE_URL (default: the local CI server). Each test gets a
freshly created database, dropped afterwards, so repeated or parallel runs never collide. Without
a reachable server those tests skip with the reason, or fail when NAZH_REQUIRE_POSTGRES=1.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import pytest
from sqlalchemy import make_url, text

from nazh.storage import Storage, resolve_url
from nazh.storage.engine import create_engine

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"

Scalar = Callable[[str], Awaitable[Any]]


async def _probe(url: str) -> None:
    connection = await asyncpg.connect(url, timeout=3)
    await connection.close()


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """URL of the PostgreSQL server the tests may create databases on."""
    url = os.environ.get("NAZH_TEST_DATABASE_URL", DEFAULT_POSTGRES_URL)
    try:
        asyncio.run(_probe(url))
    except (OSError, TimeoutError, asyncpg.PostgresError) as error:
        reason = f"PostgreSQL not reachable at {url}: {error!r}"
        if os.environ.get("NAZH_REQUIRE_POSTGRES") == "1":
            pytest.fail(reason)
        pytest.skip(reason)
    return url


@pytest.fixture
async def postgres_url(postgres_server: str) -> AsyncIterator[str]:
    """A URL of a new, empty PostgreSQL database for this test."""
    name = f"nazh_test_{os.getpid()}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(postgres_server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    yield make_url(postgres_server).set(database=name).render_as_string(hide_password=False)
    admin = await asyncpg.connect(postgres_server)
    try:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await admin.close()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    """A URL of a SQLite file that does not exist yet."""
    return f"sqlite:///{tmp_path / 'db' / 'nazh.sqlite3'}"


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, sqlite_url: str) -> str:
    """An empty database of each backend."""
    if request.param == "sqlite":
        return sqlite_url
    return request.getfixturevalue("postgres_url")


@pytest.fixture
async def storage(db_url: str) -> AsyncIterator[Storage]:
    """An open `Storage` whose background flusher never fires during a test."""
    opened = await Storage.open(db_url, flush_interval=3600)
    yield opened
    await opened.close()


@pytest.fixture
def db_scalar(db_url: str) -> Scalar:
    """Run one SQL statement on `db_url` through a separate engine; return its scalar if any."""

    async def scalar(sql: str) -> Any:
        engine = create_engine(resolve_url(db_url, Path()))
        try:
            async with engine.begin() as connection:
                result = await connection.execute(text(sql))
                return result.scalar() if result.returns_rows else None
        finally:
            await engine.dispose()

    return scalar
