"""A real PostgreSQL server for the tests: one fresh database per test.

PostgreSQL comes from NAZH_TEST_DATABASE_URL (default: the local CI server). Each test gets a
freshly created database, dropped afterwards, so repeated or parallel runs never collide. Without
a reachable server those tests skip with the reason, or fail when NAZH_REQUIRE_POSTGRES=1.
Shared by the storage and stats tests: their ``conftest.py`` import the fixtures.
"""

from __future__ import annotations

import asyncio
import os
import uuid
from typing import TYPE_CHECKING

import asyncpg
import pytest
from sqlalchemy import make_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

__all__ = ("DEFAULT_POSTGRES_URL", "postgres_server", "postgres_url")

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
