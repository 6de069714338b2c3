"""The database proxy itself: it passes, stalls, refuses and drops as told."""

from __future__ import annotations

from typing import TYPE_CHECKING

import asyncpg
import pytest
from sqlalchemy import make_url

if TYPE_CHECKING:
    from tests.faults.dbproxy import DatabaseProxy


def through(proxy: DatabaseProxy, postgres_url: str) -> str:
    return proxy.url(make_url(postgres_url).database or "test")


async def test_the_proxy_passes_stalls_refuses_and_drops(
    proxy: DatabaseProxy, postgres_url: str
) -> None:
    url = through(proxy, postgres_url)
    connection = await asyncpg.connect(url)
    assert await connection.fetchval("SELECT 41 + 1") == 42

    proxy.set_mode("stall")
    with pytest.raises(TimeoutError):
        await connection.fetchval("SELECT 1", timeout=0.5)
    proxy.set_mode("pass")
    connection.terminate()

    proxy.set_mode("refuse")
    with pytest.raises((OSError, asyncpg.PostgresError, ConnectionError)):
        await asyncpg.connect(url, timeout=2)
    proxy.set_mode("pass")

    second = await asyncpg.connect(url)
    proxy.drop()
    with pytest.raises((OSError, asyncpg.PostgresError, ConnectionError)):
        await second.fetchval("SELECT 1", timeout=2)
    second.terminate()
