"""Cluster fixtures: a migrated PostgreSQL database per test and its shard leases."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from nazh.storage import Storage
from tests.storage.storage_support import postgres_server, postgres_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

__all__ = ("postgres_server", "postgres_url")


@pytest.fixture
async def storage(postgres_url: str) -> AsyncIterator[Storage]:
    """Storage on a fresh, migrated PostgreSQL database."""
    opened = await Storage.open(postgres_url, flush_interval=3600)
    yield opened
    await opened.close()
