"""Fixtures for fault tests: a fresh PostgreSQL database and a proxy in front of it."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from sqlalchemy import make_url

from tests.faults.dbproxy import DatabaseProxy
from tests.storage.storage_support import postgres_server, postgres_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

__all__ = ("postgres_server", "postgres_url")


@pytest.fixture
async def proxy(postgres_url: str) -> AsyncIterator[DatabaseProxy]:
    """A proxy in front of this test's database; `proxy.url(...)` reaches it."""
    url = make_url(postgres_url)
    proxy = DatabaseProxy(url.host or "127.0.0.1", url.port or 5432)
    await proxy.start()
    yield proxy
    await proxy.stop()
