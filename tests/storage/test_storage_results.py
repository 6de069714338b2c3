"""Kept roll results: written behind the roll, found before and after, revealed once, pruned."""

from __future__ import annotations

import asyncio
import itertools
import re
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy.exc import DBAPIError

from nazh.storage import REVEAL_CLAIM_TIMEOUT, Results, Storage, StoredResult, resolve_url
from nazh.storage import storage as storage_module
from nazh.storage.engine import create_engine
from nazh.storage.migrations import migrate

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sqlalchemy.ext.asyncio import AsyncEngine

    from nazh.storage import Visibility

Scalar = Callable[[str], Awaitable[Any]]

DAY = 24 * 3600
START = 1_700_000_000.4


class Clock:
    """A settable clock for `Results`."""

    def __init__(self, now: float = START) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    """A migrated database of each backend."""
    created = create_engine(resolve_url(db_url, Path()))
    await migrate(created)
    yield created
    await created.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def results(engine: AsyncEngine, clock: Clock) -> Results:
    """`Results` on the migrated database, keeping results for a day, on `clock`."""
    return Results(engine, ttl=DAY, clock=clock)


@pytest.fixture
async def two_storages(db_url: str) -> AsyncIterator[tuple[Storage, Storage]]:
    """Two `Storage` on one database, as two processes of the bot would have."""
    first = await Storage.open(db_url, flush_interval=3600)
    second = await Storage.open(db_url, flush_interval=3600)
    yield first, second
    await first.close()
    await second.close()


async def keep(
    results: Results,
    user_id: int = 1,
    *,
    visibility: Visibility = "secret",
    text: str = "1d20+3 stealth",
    guild_id: int | None = 10,
) -> StoredResult:
    return await results.keep(
        user_id=user_id,
        guild_id=guild_id,
        channel_id=100,
        text=text,
        dialect="nazh",
        content=f"<@{user_id}> rolled `{text}`: **17**",
        visibility=visibility,
    )


async def test_a_kept_result_is_found_before_and_after_it_is_written(
    results: Results, db_scalar: Scalar
) -> None:
    kept = await keep(results)
    assert re.fullmatch(r"[A-Za-z0-9_-]{16}", kept.id)
    assert kept == StoredResult(
        id=kept.id,
        user_id=1,
        guild_id=10,
        channel_id=100,
        text="1d20+3 stealth",
        dialect="nazh",
        content="<@1> rolled `1d20+3 stealth`: **17**",
        visibility="secret",
        created_at=int(START),
    )
    assert not kept.revealed
    assert results.unwritten == 1
    assert await db_scalar("SELECT count(*) FROM roll_results") == 0
    assert await results.get(kept.id) == kept

    await results.flush()

    assert results.unwritten == 0
    assert await db_scalar(f"SELECT content FROM roll_results WHERE id = '{kept.id}'") == (
        kept.content
    )
    assert await results.get(kept.id) == kept
    assert await results.get("unknown-id-00000") is None


async def test_ids_are_new_for_every_result_and_dms_are_guild_zero(results: Results) -> None:
    kept = [await keep(results, user, guild_id=None) for user in range(500)]
    assert len({result.id for result in kept}) == len(kept)
    await results.flush()
    found = await results.get(kept[321].id)
    assert found is not None
    assert (found.user_id, found.guild_id) == (321, 0)


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"visibility": "everyone"}, "visibility"),
        ({"text": "  "}, "text"),
        ({"dialect": ""}, "text, dialect and content"),
        ({"content": ""}, "text, dialect and content"),
    ],
)
async def test_keep_refuses_what_could_not_be_shown_again(
    results: Results, changes: dict[str, str], message: str
) -> None:
    fields: dict[str, Any] = {
        "user_id": 1,
        "guild_id": 10,
        "channel_id": 100,
        "text": "1d20",
        "dialect": "nazh",
        "content": "**12**",
        "visibility": "public",
        **changes,
    }
    with pytest.raises(ValueError, match=message):
        await results.keep(**fields)
    assert results.unwritten == 0


async def test_results_expire_after_the_ttl_in_memory_and_written(
    results: Results, clock: Clock
) -> None:
    written = await keep(results, 1)
    await results.flush()
    clock.now += 600
    held = await keep(results, 2)

    clock.now = START + DAY
    assert await results.get(written.id) == written
    clock.now = START + DAY + 1
    assert await results.get(written.id) is None
    assert await results.claim_reveal(written.id, 200) is None
    assert await results.get(held.id) == held

    clock.now = START + 600 + DAY + 1
    assert await results.get(held.id) is None
    assert await results.claim_reveal(held.id, 200) is None


async def test_reveal_is_claimed_once_and_recorded_once(results: Results, clock: Clock) -> None:
    kept = await keep(results)
    await results.flush()

    first = await results.claim_reveal(kept.id, 200)
    assert first is not None
    assert first.won
    assert (first.result.revealed_channel_id, first.result.revealed_at) == (200, int(START))
    assert not first.result.revealed
    second = await results.claim_reveal(kept.id, 300)
    assert second is not None
    assert not second.won, "a claim in progress holds off other presses"
    assert second.result == first.result

    clock.now += 5
    recorded = await results.mark_revealed(kept.id, 200, 9001)
    assert recorded is not None
    assert recorded.won
    assert recorded.result.revealed
    assert (recorded.result.revealed_message_id, recorded.result.revealed_at) == (
        9001,
        int(START) + 5,
    )

    clock.now += REVEAL_CLAIM_TIMEOUT * 10
    again = await results.claim_reveal(kept.id, 300)
    assert again is not None
    assert not again.won
    assert again.result == recorded.result
    late = await results.mark_revealed(kept.id, 300, 9002)
    assert late is not None
    assert not late.won
    assert late.result == recorded.result
    assert await results.get(kept.id) == recorded.result
    assert await results.mark_revealed("unknown-id-00000", 300, 9003) is None


async def test_a_claim_never_recorded_lapses_after_the_timeout(
    results: Results, clock: Clock
) -> None:
    kept = await keep(results)
    crashed = await results.claim_reveal(kept.id, 200)
    assert crashed is not None
    assert crashed.won

    clock.now += REVEAL_CLAIM_TIMEOUT - 1
    waiting = await results.claim_reveal(kept.id, 300)
    assert waiting is not None
    assert not waiting.won
    clock.now += 1
    taken_over = await results.claim_reveal(kept.id, 300)
    assert taken_over is not None
    assert taken_over.won
    assert taken_over.result.revealed_channel_id == 300

    assert not await results.release_reveal(crashed.result), "the lapsed claim is not its own"
    assert await results.release_reveal(taken_over.result)
    released = await results.get(kept.id)
    assert released is not None
    assert (released.revealed_channel_id, released.revealed_at) == (None, None)
    retried = await results.claim_reveal(kept.id, 400)
    assert retried is not None
    assert retried.won


async def test_revealing_a_result_not_written_yet_writes_it_first(
    results: Results, db_scalar: Scalar
) -> None:
    kept = await keep(results)
    others = [await keep(results, user) for user in (2, 3)]

    claimed = await results.claim_reveal(kept.id, 200)

    assert claimed is not None
    assert claimed.won
    assert results.unwritten == 0
    assert await db_scalar("SELECT count(*) FROM roll_results") == 3
    assert await results.get(kept.id) == claimed.result
    for other in others:
        assert await results.get(other.id) == other


async def test_exactly_one_of_two_processes_reveals_each_result(
    two_storages: tuple[Storage, Storage],
) -> None:
    first, second = two_storages
    kept = [await keep(first.results, user, visibility="private") for user in range(12)]
    await first.flush()
    message_ids = itertools.count(1)
    posted: list[tuple[str, int]] = []

    async def press_reveal(storage: Storage, result: StoredResult, channel: int) -> bool:
        claim = await storage.results.claim_reveal(result.id, channel)
        assert claim is not None
        if not claim.won:
            return False
        message = next(message_ids)
        posted.append((result.id, message))
        await asyncio.sleep(0)
        recorded = await storage.results.mark_revealed(result.id, channel, message)
        assert recorded is not None
        return recorded.won

    presses = [
        press_reveal(storage, result, channel)
        for result in kept
        for channel, storage in enumerate((first, second, first, second, second, first))
    ]
    won = await asyncio.gather(*presses)

    assert sum(won) == len(kept)
    assert sorted(result_id for result_id, _ in posted) == sorted(r.id for r in kept)
    for result_id, message in posted:
        seen = [await storage.results.get(result_id) for storage in (first, second)]
        assert seen[0] == seen[1]
        assert seen[0] is not None
        assert seen[0].revealed_message_id == message


async def test_another_process_finds_a_result_once_it_is_flushed(
    two_storages: tuple[Storage, Storage],
) -> None:
    first, second = two_storages
    kept = await keep(first.results)
    assert await first.results.get(kept.id) == kept
    assert await second.results.get(kept.id) is None
    await first.flush()
    assert await second.results.get(kept.id) == kept


async def test_results_survive_a_restart_without_an_explicit_flush(db_url: str) -> None:
    storage = await Storage.open(db_url, flush_interval=3600)
    kept = await keep(storage.results)
    await storage.close()

    reopened = await Storage.open(db_url, flush_interval=3600)
    try:
        assert await reopened.results.get(kept.id) == kept
    finally:
        await reopened.close()


async def test_the_flusher_writes_results_in_the_background(db_url: str, db_scalar: Scalar) -> None:
    storage = await Storage.open(db_url, flush_interval=0.05)
    try:
        kept = await keep(storage.results)
        async with asyncio.timeout(10):
            while storage.results.unwritten:  # noqa: ASYNC110 - polls the background flusher
                await asyncio.sleep(0.01)
        assert await db_scalar(f"SELECT user_id FROM roll_results WHERE id = '{kept.id}'") == 1
    finally:
        await storage.close()


async def test_a_failed_write_keeps_the_results_for_the_next_flush(
    storage: Storage, db_scalar: Scalar
) -> None:
    kept = await keep(storage.results)
    await db_scalar("ALTER TABLE roll_results RENAME TO results_away")
    with pytest.raises(DBAPIError):
        await storage.flush()
    later = await keep(storage.results, 2)
    assert storage.results.unwritten == 2
    assert await storage.results.get(later.id) == later

    await db_scalar("ALTER TABLE results_away RENAME TO roll_results")
    assert await storage.results.get(kept.id) == kept, "held while it is being written"
    await storage.flush()

    assert storage.results.unwritten == 0
    assert await db_scalar("SELECT count(*) FROM roll_results") == 2


async def test_a_failed_results_write_does_not_hold_back_the_statistics(
    storage: Storage, db_scalar: Scalar
) -> None:
    await keep(storage.results)
    storage.record_roll(guild_id=10, user_id=1, dice=[(20, 17)])
    await db_scalar("ALTER TABLE roll_results RENAME TO results_away")
    try:
        with pytest.raises(DBAPIError):
            await storage.flush()
        assert storage.pending_rolls == 0
        assert await db_scalar("SELECT rolls FROM bot_totals") == 1
        assert storage.results.unwritten == 1
    finally:
        await db_scalar("ALTER TABLE results_away RENAME TO roll_results")


async def test_prune_deletes_what_is_older_than_asked(
    results: Results, clock: Clock, db_scalar: Scalar
) -> None:
    old = await keep(results, 1)
    await results.flush()
    clock.now += DAY / 2
    held_old = await keep(results, 2)
    clock.now += DAY + 1
    fresh = await keep(results, 3)

    assert await results.prune() == 1, "one written result is older than the TTL"
    assert await db_scalar("SELECT count(*) FROM roll_results") == 0
    assert await results.get(old.id) is None
    assert await results.get(held_old.id) is None
    assert await results.get(fresh.id) == fresh
    await results.flush()
    assert await db_scalar("SELECT user_id FROM roll_results") == 3, "only the fresh one"

    clock.now += 10
    unwritten = await keep(results, 4)
    assert await results.prune(5) == 1
    assert await results.get(fresh.id) is None
    assert await results.get(unwritten.id) == unwritten
    await results.flush()
    assert await db_scalar("SELECT user_id FROM roll_results") == 4


def old_result_sql(result_id: str, created_at: int) -> str:
    return (
        "INSERT INTO roll_results (id, user_id, guild_id, channel_id, text, dialect, content,"
        f" visibility, created_at) VALUES ('{result_id}', 1, 10, 100, '1d20', 'nazh', '**4**',"
        f" 'public', {created_at})"
    )


async def test_start_up_prunes_results_older_than_the_ttl(db_url: str, db_scalar: Scalar) -> None:
    await (await Storage.open(db_url, flush_interval=3600)).close()
    now = int(time.time())
    await db_scalar(old_result_sql("three-days-old00", now - 3 * DAY))
    await db_scalar(old_result_sql("one-day-old00000", now - DAY + 60))

    storage = await Storage.open(db_url, flush_interval=3600, result_ttl=2 * DAY)
    try:
        assert await storage.results.get("three-days-old00") is None
        assert await db_scalar("SELECT id FROM roll_results") == "one-day-old00000"
        found = await storage.results.get("one-day-old00000")
        assert found is not None
        assert found.visibility == "public"
    finally:
        await storage.close()


async def test_results_are_pruned_periodically_until_close(
    db_url: str, db_scalar: Scalar, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(storage_module, "PRUNE_INTERVAL", 0.02)
    storage = await Storage.open(db_url, flush_interval=3600, result_ttl=DAY)
    try:
        await db_scalar(old_result_sql("stale-result0000", 1_000))
        async with asyncio.timeout(10):
            while await db_scalar("SELECT count(*) FROM roll_results"):  # noqa: ASYNC110
                await asyncio.sleep(0.02)
    finally:
        await storage.close()
    await db_scalar(old_result_sql("after-closing000", 1_000))
    await asyncio.sleep(0.1)
    assert await db_scalar("SELECT count(*) FROM roll_results") == 1


async def test_forgetting_a_player_deletes_their_results_written_or_not(
    storage: Storage, db_scalar: Scalar
) -> None:
    written = await keep(storage.results, 8)
    other = await keep(storage.results, 9)
    await storage.flush()
    held = await keep(storage.results, 8)

    await storage.forget_user(8)

    assert await storage.results.get(written.id) is None
    assert await storage.results.get(held.id) is None
    assert await storage.results.get(other.id) == other
    await storage.flush()
    assert await db_scalar("SELECT count(*) FROM roll_results") == 1
    assert await db_scalar("SELECT user_id FROM roll_results") == 9


async def test_a_closed_storage_refuses_results(db_url: str) -> None:
    storage = await Storage.open(db_url, flush_interval=3600)
    await storage.close()
    with pytest.raises(RuntimeError, match="closed"):
        await keep(storage.results)
    with pytest.raises(RuntimeError, match="closed"):
        await storage.results.get("unknown-id-00000")


def test_the_ttl_must_be_positive(tmp_path: Path) -> None:
    engine = create_engine(resolve_url(f"sqlite:///{tmp_path / 'x.sqlite3'}", tmp_path))
    with pytest.raises(ValueError, match="positive"):
        Results(engine, ttl=0)
