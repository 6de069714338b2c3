"""Roll statistics: aggregates, batching, flush failures and forgetting a user."""

from __future__ import annotations

import asyncio
import itertools
import logging
import random
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

import asyncpg
import pytest
from sqlalchemy.exc import DBAPIError

from nazh.storage import FATE_SIDES, MAX_FACE_TRACKED_SIDES, Storage, StorageClosedError
from tests.storage.storage_support import LosesAcknowledgements

Scalar = Callable[[str], Awaitable[Any]]
Roll = tuple[int | None, int, list[tuple[int, int]]]

WAIT_LIMIT = 5.0

SIZES = (FATE_SIDES, 4, 6, 8, 10, 12, 20, 20, 20, 100, 1000)


def random_rolls(rng: random.Random, count: int) -> list[Roll]:
    """Rolls by users 1-3 in guilds 10, 11 and DMs, mixing Fate, common and huge dice."""
    rolls: list[Roll] = []
    for _ in range(count):
        dice = []
        for _ in range(rng.randint(0, 6)):
            sides = rng.choice(SIZES)
            face = rng.randint(-1, 1) if sides == FATE_SIDES else rng.randint(1, sides)
            dice.append((sides, face))
        rolls.append((rng.choice((None, 10, 11)), rng.randint(1, 3), dice))
    return rolls


def dice_of(rolls: list[Roll], user: int, guild: int | None) -> tuple[int, list[tuple[int, int]]]:
    """(number of rolls, all dice) of `user` in `guild` (0 = DMs, None = everywhere)."""
    selected = [dice for g, u, dice in rolls if u == user and (guild is None or (g or 0) == guild)]
    return len(selected), [die for dice in selected for die in dice]


async def record_all(storage: Storage, rolls: list[Roll]) -> None:
    for index, (guild, user, dice) in enumerate(rolls):
        storage.record_roll(guild_id=guild, user_id=user, dice=dice)
        if index % 97 == 0:
            await storage.flush()


async def wait_for(condition: Callable[[], Awaitable[bool]]) -> None:
    """Poll `condition` until it holds; fail after `WAIT_LIMIT` seconds."""
    async with asyncio.timeout(WAIT_LIMIT):
        for _ in itertools.count():
            if await condition():
                return
            await asyncio.sleep(0.02)


@pytest.mark.parametrize("guild", [None, 0, 10, 11])
async def test_user_stats_match_the_recorded_dice(storage: Storage, guild: int | None) -> None:
    rolls = random_rolls(random.Random(5), 600)
    await record_all(storage, rolls)
    for user in (1, 2, 3):
        count, dice = dice_of(rolls, user, guild)
        faces = Counter(dice)
        stats = await storage.user_stats(user, guild_id=guild)

        assert (stats.user_id, stats.guild_id) == (user, guild)
        assert stats.rolls == count
        assert stats.dice == len(dice)
        assert stats.nat20 == faces[(20, 20)]
        assert stats.nat1 == faces[(20, 1)]
        assert dict(stats.dice_by_size) == Counter(sides for sides, _ in dice)
        sums = Counter[int]()
        for sides, face in dice:
            sums[sides] += face
        assert dict(stats.sum_by_size) == {sides: sums[sides] for sides in stats.dice_by_size}
        tracked = {sides for sides, _ in dice if sides <= MAX_FACE_TRACKED_SIDES}
        assert set(stats.faces) == tracked
        for sides in tracked:
            on_die = range(-1, 2) if sides == FATE_SIDES else range(1, sides + 1)
            assert dict(stats.faces[sides]) == {face: faces[(sides, face)] for face in on_die}
        d20 = [face for sides, face in dice if sides == 20]
        assert stats.d20_rolled == len(d20)
        assert stats.d20_mean == sum(d20) / len(d20)


async def test_server_stats_rank_with_a_minimum_sample(storage: Storage) -> None:
    rolls = random_rolls(random.Random(8), 600)
    rolls.append((10, 4, [(20, 20)]))  # a perfect but tiny d20 record must not rank
    await record_all(storage, rolls)
    in_guild = [(user, dice) for guild, user, dice in rolls if guild == 10]
    d20_by_user: dict[int, list[int]] = {}
    for user, dice in in_guild:
        d20_by_user.setdefault(user, []).extend(face for sides, face in dice if sides == 20)
    min_d20 = sorted(len(faces) for faces in d20_by_user.values())[1]
    eligible = {user: faces for user, faces in d20_by_user.items() if len(faces) >= min_d20}
    assert 4 not in eligible
    assert len(eligible) < len(d20_by_user)

    stats = await storage.server_stats(10, top=2, min_d20=min_d20)

    rolls_by_user = Counter(user for user, _ in in_guild)
    assert stats.rolls == len(in_guild)
    assert stats.dice == sum(len(dice) for _, dice in in_guild)
    assert stats.players == len(rolls_by_user)
    active = sorted(rolls_by_user.items(), key=lambda item: (-item[1], item[0]))[:2]
    assert [(entry.user_id, entry.rolls) for entry in stats.most_active] == active
    means = {user: sum(faces) / len(faces) for user, faces in eligible.items()}
    ranked = sorted(means, key=lambda user: (-means[user], user))[:2]
    assert [entry.user_id for entry in stats.luckiest] == ranked
    assert [entry.mean for entry in stats.luckiest] == [means[user] for user in ranked]
    assert [entry.d20 for entry in stats.luckiest] == [len(eligible[user]) for user in ranked]
    worst = sorted(means, key=lambda user: (means[user], user))[:2]
    assert [entry.user_id for entry in stats.unluckiest] == worst
    assert stats.min_d20 == min_d20


async def test_totals_count_every_roll_and_die(storage: Storage) -> None:
    rolls = random_rolls(random.Random(11), 300)
    await record_all(storage, rolls)
    totals = await storage.totals()
    assert totals.rolls == len(rolls)
    assert totals.dice == sum(len(dice) for _, _, dice in rolls)


async def test_empty_history_reads_as_zeros(storage: Storage) -> None:
    stats = await storage.user_stats(42, guild_id=None)
    assert (stats.rolls, stats.dice, stats.nat20, stats.nat1) == (0, 0, 0, 0)
    assert not stats.dice_by_size
    assert not stats.faces
    assert stats.d20_mean is None
    server = await storage.server_stats(7)
    assert (server.rolls, server.dice, server.players) == (0, 0, 0)
    assert server.most_active == server.luckiest == server.unluckiest == ()
    totals = await storage.totals()
    assert (totals.rolls, totals.dice) == (0, 0)


@pytest.mark.parametrize("bad", [(6, 0), (6, 7), (FATE_SIDES, 2), (-4, 1)])
async def test_impossible_faces_are_refused_whole(storage: Storage, bad: tuple[int, int]) -> None:
    with pytest.raises(ValueError, match="not on a"):
        storage.record_roll(guild_id=1, user_id=1, dice=[(20, 3), bad])
    assert storage.pending_rolls == 0
    assert (await storage.user_stats(1, guild_id=None)).dice == 0


async def test_record_roll_stays_in_memory_until_flushed(
    storage: Storage, db_scalar: Scalar
) -> None:
    for face in (1, 20, 20):
        storage.record_roll(guild_id=None, user_id=3, dice=[(20, face), (8, 8)])
    assert storage.pending_rolls == 3
    for table in ("bot_totals", "user_totals", "die_totals", "face_counts"):
        assert await db_scalar(f"SELECT count(*) FROM {table}") == 0

    await storage.flush()

    assert (storage.pending_rolls, storage.flushed_rolls, storage.flushed_dice) == (0, 3, 6)
    assert await db_scalar("SELECT rolls FROM bot_totals") == 3
    assert await db_scalar("SELECT nat20 FROM user_totals WHERE user_id = 3 AND guild_id = 0") == 2
    assert await db_scalar("SELECT n FROM face_counts WHERE sides = 8 AND face = 8") == 3


async def test_cancelled_flush_still_lands_once(storage: Storage, db_scalar: Scalar) -> None:
    storage.record_roll(guild_id=1, user_id=1, dice=[(20, 2)])
    cancelled = asyncio.create_task(storage.flush())
    await asyncio.sleep(0)
    cancelled.cancel()
    with pytest.raises(asyncio.CancelledError):
        await cancelled
    storage.record_roll(guild_id=1, user_id=1, dice=[(20, 3)])
    await storage.flush()
    assert await db_scalar("SELECT rolls FROM bot_totals") == 2
    assert await db_scalar("SELECT total FROM die_totals") == 5


async def test_background_flusher_writes_within_the_interval(
    db_url: str, db_scalar: Scalar
) -> None:
    storage = await Storage.open(db_url, flush_interval=0.1)
    try:
        for expected in (1, 2):
            storage.record_roll(guild_id=5, user_id=6, dice=[(12, 12)])

            async def flushed(expected: int = expected) -> bool:
                return await db_scalar("SELECT sum(rolls) FROM user_totals") == expected

            await wait_for(flushed)
            assert storage.pending_rolls == 0
    finally:
        await storage.close()


async def test_close_flushes_pending_rolls(db_url: str, db_scalar: Scalar) -> None:
    storage = await Storage.open(db_url, flush_interval=3600)
    storage.record_roll(guild_id=None, user_id=9, dice=[(FATE_SIDES, -1), (FATE_SIDES, 1)])
    await storage.close()
    assert await db_scalar("SELECT dice FROM bot_totals") == 2
    with pytest.raises(StorageClosedError):
        storage.record_roll(guild_id=None, user_id=9, dice=[])
    with pytest.raises(StorageClosedError):
        await storage.user_stats(9, guild_id=None)
    assert not await storage.ping()


async def test_failed_flush_keeps_everything_and_writes_nothing(
    storage: Storage, db_scalar: Scalar
) -> None:
    storage.record_roll(guild_id=1, user_id=1, dice=[(20, 20), (6, 2)])
    await storage.flush()
    await db_scalar("ALTER TABLE face_counts RENAME TO face_counts_away")
    storage.record_roll(guild_id=1, user_id=1, dice=[(20, 20)])
    with pytest.raises(DBAPIError):
        await storage.flush()
    storage.record_roll(guild_id=2, user_id=1, dice=[(20, 1)])
    with pytest.raises(DBAPIError):
        await storage.flush()

    assert (storage.pending_rolls, storage.failed_flushes, storage.flushed_rolls) == (2, 2, 1)
    assert await db_scalar("SELECT rolls FROM bot_totals") == 1
    assert await db_scalar("SELECT sum(rolls) FROM user_totals") == 1

    await db_scalar("ALTER TABLE face_counts_away RENAME TO face_counts")
    stats = await storage.user_stats(1, guild_id=None)
    assert (stats.rolls, stats.dice, stats.nat20, stats.nat1) == (3, 4, 2, 1)
    assert (stats.faces[20][20], stats.faces[20][1], stats.faces[6][2]) == (2, 1, 1)
    assert (await storage.totals()).rolls == 3


async def test_a_flush_whose_commit_landed_unacknowledged_counts_once(
    storage: Storage, db_scalar: Scalar
) -> None:
    storage.record_roll(guild_id=1, user_id=1, dice=[(20, 20)])
    storage.remember_recent(1, "1d20")
    await storage.flush()
    real = storage._engine
    storage._engine = LosesAcknowledgements(real, lost=2)  # pyright: ignore[reportAttributeAccessIssue]
    storage.record_roll(guild_id=1, user_id=1, dice=[(20, 1), (6, 6)])
    with pytest.raises(ConnectionResetError):
        await storage.flush()
    storage.record_roll(guild_id=1, user_id=1, dice=[(20, 7)])
    with pytest.raises(ConnectionResetError):
        await storage.flush()
    assert (storage.pending_rolls, storage.failed_flushes) == (2, 2)
    assert await db_scalar("SELECT rolls FROM bot_totals") == 2

    stats = await storage.user_stats(1, guild_id=1)

    assert (stats.rolls, stats.dice, stats.nat20, stats.nat1) == (3, 4, 1, 1)
    assert (storage.pending_rolls, storage.flushed_rolls) == (0, 3)
    assert await db_scalar("SELECT rolls FROM bot_totals") == 3
    assert await db_scalar("SELECT sum(n) FROM face_counts WHERE sides = 20") == 3
    assert await storage.recent(1) == ["1d20"]
    storage._engine = real


async def test_flusher_retries_after_failures(
    db_url: str, db_scalar: Scalar, caplog: pytest.LogCaptureFixture
) -> None:
    storage = await Storage.open(db_url, flush_interval=0.05)
    try:
        await db_scalar("ALTER TABLE die_totals RENAME TO die_totals_away")
        storage.record_roll(guild_id=3, user_id=4, dice=[(10, 10)])

        async def failed_twice() -> bool:
            return storage.failed_flushes >= 2

        with caplog.at_level(logging.INFO, logger="nazh.storage"):
            await wait_for(failed_twice)
            storage.record_roll(guild_id=3, user_id=4, dice=[(10, 1)])
            await db_scalar("ALTER TABLE die_totals_away RENAME TO die_totals")

            async def drained() -> bool:
                return storage.pending_rolls == 0

            await wait_for(drained)
        errors = [record for record in caplog.records if record.levelno == logging.ERROR]
        assert len(errors) == 1
        assert await db_scalar("SELECT total FROM die_totals WHERE user_id = 4") == 11
        assert await db_scalar("SELECT rolls FROM user_totals WHERE user_id = 4") == 2
    finally:
        await storage.close()


async def test_forget_user_deletes_stored_and_pending_data(
    storage: Storage, db_scalar: Scalar
) -> None:
    for guild in (None, 1, 2):
        storage.record_roll(guild_id=guild, user_id=100, dice=[(20, 20), (4, 1)])
        storage.record_roll(guild_id=guild, user_id=200, dice=[(20, 1)])
    storage.remember_recent(100, "1d20")
    storage.remember_recent(200, "2d4")
    await storage.flush()
    storage.record_roll(guild_id=1, user_id=100, dice=[(6, 6)])

    await storage.forget_user(100)

    for guild in (None, 0, 1, 2):
        stats = await storage.user_stats(100, guild_id=guild)
        assert (stats.rolls, stats.dice, stats.nat20) == (0, 0, 0)
        assert not stats.faces
    assert await storage.recent(100) == []
    for table in ("face_counts", "die_totals", "user_totals", "recent_rolls"):
        assert await db_scalar(f"SELECT count(*) FROM {table} WHERE user_id = 100") == 0
    other = await storage.user_stats(200, guild_id=None)
    assert (other.rolls, other.nat1) == (3, 3)
    assert await storage.recent(200) == ["2d4"]
    assert (await storage.totals()).rolls == 7


async def test_forget_user_cannot_deadlock_with_another_process_flushing(
    postgres_url: str,
) -> None:
    storage = await Storage.open(postgres_url, flush_interval=3600)
    other = await asyncpg.connect(postgres_url)
    try:
        storage.record_roll(
            guild_id=1, user_id=100, dice=[(20, 20)], outcomes=[("dnd", "critical")]
        )
        await storage.flush()
        # Another process's flush: it locks rows in `write_pending`'s order, tables then keys.
        flushing = other.transaction()
        await flushing.start()
        await other.execute("UPDATE bot_totals SET rolls = rolls + 1")
        await other.execute("UPDATE user_totals SET rolls = rolls + 1 WHERE user_id = 100")
        forgetting = asyncio.create_task(storage.forget_user(100))
        waiting = 0
        for _ in range(200):
            waiting = await other.fetchval(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND datname = current_database()"
            )
            if waiting:
                break
            await asyncio.sleep(0.02)
        assert waiting, "forget_user never waited for the other flush"
        await other.execute("UPDATE die_totals SET n = n + 1 WHERE user_id = 100")
        await other.execute("UPDATE face_counts SET n = n + 1 WHERE user_id = 100")
        await other.execute("UPDATE outcome_counts SET n = n + 1 WHERE user_id = 100")
        await flushing.commit()
        await asyncio.wait_for(forgetting, timeout=10)
        assert (await storage.user_stats(100, guild_id=None)).rolls == 0
    finally:
        await other.close()
        await storage.close()
