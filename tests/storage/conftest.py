"""Storage fixtures on SQLite and PostgreSQL (the PostgreSQL server comes from storage_support)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import text

from nazh.storage import Storage, resolve_url
from nazh.storage.engine import create_engine
from tests.storage.storage_support import postgres_server, postgres_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

__all__ = ("postgres_server", "postgres_url")

Scalar = Callable[[str], Awaitable[Any]]


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
