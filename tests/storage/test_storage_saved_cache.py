"""The saved-roll cache: reads served from memory, dropped by every change, in any process."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import asyncpg
import pytest
from sqlalchemy import event
from sqlalchemy.engine import Engine

from nazh.storage import Storage
from nazh.storage.saved_cache import SavedRollCache, parse_payload, payload

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator


@pytest.fixture
def queries() -> Iterator[list[str]]:
    """The SQL statements run while the test runs (BEGINs left out)."""
    found: list[str] = []

    def record(*args: Any) -> None:
        statement = args[2]
        if not statement.startswith("BEGIN"):
            found.append(statement)

    event.listen(Engine, "before_cursor_execute", record)
    yield found
    event.remove(Engine, "before_cursor_execute", record)


@pytest.fixture
async def pair(db_url: str) -> AsyncIterator[tuple[Storage, Storage]]:
    first = await Storage.open(db_url, flush_interval=3600)
    second = await Storage.open(db_url, flush_interval=3600)
    yield first, second
    await second.close()
    await first.close()


async def eventually(check: Any, within: float = 2.0) -> None:
    """Wait for `check()` to be true: a notification crosses processes in milliseconds."""
    async with asyncio.timeout(within):
        while not await check():  # noqa: ASYNC110 - polls another process's effect
            await asyncio.sleep(0.01)


async def test_a_second_read_is_served_from_memory(storage: Storage, queries: list[str]) -> None:
    await storage.saved.save("user", 1, "attack", "1d20+7")
    await storage.saved.save("guild", 10, "init", "1d20+2")
    await asyncio.sleep(0.2)  # the saves' own notifications (PostgreSQL) arrive meanwhile
    first = await storage.saved.for_roller(1, 10)
    before = len(queries)
    assert await storage.saved.for_roller(1, 10) == first
    assert await storage.saved.for_roller(1, None) == first[:1]
    reads = [q for q in queries[before:] if "saved_rolls" in q]
    assert reads == []


async def test_every_kind_of_write_drops_the_entry(storage: Storage) -> None:
    saved = storage.saved
    await saved.save("user", 1, "attack", "1d20+7")
    assert [r.expression for r in await saved.for_roller(1, None)] == ["1d20+7"]
    await saved.save("user", 1, "attack", "1d20+8")
    assert [r.expression for r in await saved.for_roller(1, None)] == ["1d20+8"]
    await saved.rename("user", 1, "attack", "hit")
    assert [r.name for r in await saved.for_roller(1, None)] == ["hit"]
    await saved.import_rolls("user", 1, [("dmg", "1d8")], replace=True)
    assert [r.name for r in await saved.for_roller(1, None)] == ["dmg"]
    await saved.delete("user", 1, "dmg")
    assert await saved.for_roller(1, None) == []
    await saved.save("user", 1, "again", "1d4")
    assert len(await saved.for_roller(1, None)) == 1
    await storage.forget_user(1)
    assert await saved.for_roller(1, None) == []


async def test_another_process_sees_each_change(pair: tuple[Storage, Storage]) -> None:
    first, second = pair
    await first.saved.save("user", 1, "attack", "1d20+7")
    assert len(await second.saved.for_roller(1, 10)) == 1
    await first.saved.save("user", 1, "attack", "1d20+9")

    async def changed() -> bool:
        rolls = await second.saved.for_roller(1, 10)
        return [r.expression for r in rolls] == ["1d20+9"]

    await eventually(changed)
    await first.saved.delete("user", 1, "attack")

    async def deleted() -> bool:
        return await second.saved.for_roller(1, 10) == []

    await eventually(deleted)


async def test_without_its_listener_the_postgresql_cache_is_off_until_it_is_back(
    postgres_url: str,
) -> None:
    storage = await Storage.open(postgres_url, flush_interval=3600)
    try:
        listener = storage.saved_listener
        assert listener is not None
        assert listener.listening
        assert storage.saved.cache.enabled
        await storage.saved.save("user", 1, "attack", "1d20+7")

        async def cached() -> bool:
            # the save's own notification may still drop the first read
            await storage.saved.for_roller(1, None)
            return len(storage.saved.cache) == 1

        await eventually(cached)

        admin = await asyncpg.connect(postgres_url)
        try:
            await admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE query LIKE 'LISTEN %' AND pid <> pg_backend_pid()"
            )

            async def off() -> bool:
                return not storage.saved.cache.enabled

            await eventually(off)
            assert len(storage.saved.cache) == 0
            await admin.execute("UPDATE saved_rolls SET expression = '1d20+1'")
            rolls = await storage.saved.for_roller(1, None)
            assert [r.expression for r in rolls] == ["1d20+1"]
            assert len(storage.saved.cache) == 0

            async def back() -> bool:
                return listener.listening and storage.saved.cache.enabled

            await eventually(back, within=5.0)
        finally:
            await admin.close()
    finally:
        await storage.close()


def test_a_read_that_raced_a_change_is_not_kept() -> None:
    cache = SavedRollCache()
    before = cache.generation
    cache.invalidate(("user", 1))
    cache.store([(("user", 1), ())], before)
    assert cache.get(("user", 1)) is None
    cache.store([(("user", 1), ())], cache.generation)
    assert cache.get(("user", 1)) == ()


def test_the_cache_keeps_only_its_size() -> None:
    cache = SavedRollCache(size=2)
    for owner in range(3):
        cache.store([(("user", owner), ())], cache.generation)
    assert cache.get(("user", 0)) is None
    assert cache.get(("user", 2)) == ()


@pytest.mark.parametrize(
    ("text", "key"),
    [("user:12", ("user", 12)), ("guild:3", ("guild", 3)), ("*", None), ("user:x", None)],
)
def test_notification_payloads(text: str, key: object) -> None:
    assert parse_payload(text) == key
    if key is not None:
        assert payload(parse_payload(text)) == text


async def test_concurrent_misses_share_one_query(storage: Storage, queries: list[str]) -> None:
    await storage.saved.save("user", 1, "attack", "1d20+7")
    await asyncio.sleep(0.2)  # the save's own notification (PostgreSQL) arrives meanwhile
    await storage.saved.for_roller(1, 10)
    storage.saved.cache.invalidate()
    before = len(queries)
    found = await asyncio.gather(*(storage.saved.for_roller(1, 10) for _ in range(20)))
    assert all(rolls == found[0] for rolls in found)
    assert [r.name for r in found[0]] == ["attack"]
    assert len([q for q in queries[before:] if "saved_rolls" in q]) == 1
