"""A real PostgreSQL server for the tests (one fresh database per test), and an engine that
loses acknowledgements.

PostgreSQL comes from NAZH_TEST_DATABASE_URL (default: the local CI server). Each test gets a
freshly created database, dropped afterwards, so repeated or parallel runs never collide. Without
a reachable server those tests skip with the reason, or fail when NAZH_REQUIRE_POSTGRES=1.
Shared by the storage and stats tests: their ``conftest.py`` import the fixtures.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import uuid
from typing import TYPE_CHECKING, Any

import asyncpg
import pytest
from sqlalchemy import make_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

__all__ = ("DEFAULT_POSTGRES_URL", "LosesAcknowledgements", "postgres_server", "postgres_url")

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"


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


class LosesAcknowledgements:
    """An engine whose next `lost` transactions commit and then report a lost connection."""

    def __init__(self, engine: AsyncEngine, lost: int) -> None:
        self.engine = engine
        self.lost = lost

    def __getattr__(self, name: str) -> Any:
        return getattr(self.engine, name)

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        async with self.engine.begin() as connection:
            yield connection
        if self.lost:
            self.lost -= 1
            raise ConnectionResetError("connection lost before the commit was acknowledged")
