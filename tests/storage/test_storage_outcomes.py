"""Game-system outcomes in the roll statistics: counted, flushed once, scoped and forgotten."""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy.exc import DBAPIError

from tests.storage.storage_support import LosesAcknowledgements

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nazh.storage import Storage

Scalar = Callable[[str], Awaitable[Any]]
Pair = tuple[str, str]
Roll = tuple[int | None, int, list[Pair]]

OUTCOMES: dict[str, tuple[str, ...]] = {
    "fitd": ("failure", "partial success", "success", "critical"),
    "pbta": ("miss", "weak hit", "strong hit"),
    "v5": ("bestial failure", "failure", "success", "messy critical"),
}


def random_rolls(rng: random.Random, count: int) -> list[Roll]:
    """Rolls by users 1-3 in guilds 10, 11 and DMs: most without a system, some with one to
    three system rolls (like `fitd(2); pbta(1)` or `3#pbta(1)`)."""
    rolls: list[Roll] = []
    for _ in range(count):
        pairs: list[Pair] = []
        for _ in range(rng.choice((0, 0, 1, 1, 2, 3))):
            system = rng.choice(sorted(OUTCOMES))
            pairs.append((system, rng.choice(OUTCOMES[system])))
        rolls.append((rng.choice((None, 10, 11)), rng.randint(1, 3), pairs))
    return rolls


def expected(rolls: list[Roll], user: int, guild: int | None) -> dict[str, Counter[str]]:
    """System -> outcome counts of `user` in `guild` (0 = DMs, None = everywhere)."""
    found: dict[str, Counter[str]] = {}
    for g, u, pairs in rolls:
        if u == user and (guild is None or (g or 0) == guild):
            for system, outcome in pairs:
                found.setdefault(system, Counter())[outcome] += 1
    return found


async def record_all(storage: Storage, rolls: list[Roll]) -> None:
    for index, (guild, user, pairs) in enumerate(rolls):
        storage.record_roll(guild_id=guild, user_id=user, dice=[(6, 6)], outcomes=pairs)
        if index % 61 == 0:
            await storage.flush()


def as_dicts(outcomes: Mapping[str, Mapping[str, int]]) -> dict[str, dict[str, int]]:
    return {system: dict(counts) for system, counts in outcomes.items()}


@pytest.mark.parametrize("guild", [None, 0, 10, 11])
async def test_outcomes_are_counted_per_player_and_scope(
    storage: Storage, guild: int | None
) -> None:
    rolls = random_rolls(random.Random(12), 500)
    await record_all(storage, rolls)
    for user in (1, 2, 3):
        stats = await storage.user_stats(user, guild_id=guild)
        want = expected(rolls, user, guild)
        assert as_dicts(stats.outcomes) == {system: dict(c) for system, c in want.items()}
        order = sorted(want, key=lambda system: (-want[system].total(), system))
        assert list(stats.outcomes) == order
        for counts in stats.outcomes.values():
            assert list(counts) == sorted(counts)


async def test_server_stats_count_the_system_rolls_made_there(storage: Storage) -> None:
    rolls = random_rolls(random.Random(13), 400)
    await record_all(storage, rolls)
    in_guild = Counter(system for g, _, pairs in rolls if g == 11 for system, _ in pairs)

    stats = await storage.server_stats(11)

    assert dict(stats.system_rolls) == dict(in_guild)
    assert list(stats.system_rolls) == sorted(in_guild, key=lambda s: (-in_guild[s], s))
    assert stats.rolls == sum(1 for g, _, _ in rolls if g == 11)


async def test_rolls_without_a_system_count_no_outcome(storage: Storage, db_scalar: Scalar) -> None:
    storage.record_roll(guild_id=1, user_id=1, dice=[(20, 4)])
    storage.record_roll(guild_id=1, user_id=1, dice=[(20, 5)], outcomes=[])
    stats = await storage.user_stats(1, guild_id=None)
    assert stats.rolls == 2
    assert dict(stats.outcomes) == {}
    assert await db_scalar("SELECT count(*) FROM outcome_counts") == 0
    assert dict((await storage.server_stats(1)).system_rolls) == {}


@pytest.mark.parametrize("bad", [("", "success"), ("fitd", "")])
async def test_a_nameless_outcome_is_refused_with_its_whole_roll(
    storage: Storage, bad: Pair
) -> None:
    with pytest.raises(ValueError, match="system and an outcome"):
        storage.record_roll(
            guild_id=1, user_id=1, dice=[(20, 3)], outcomes=[("fitd", "success"), bad]
        )
    assert storage.pending_rolls == 0
    stats = await storage.user_stats(1, guild_id=None)
    assert (stats.rolls, dict(stats.outcomes)) == (0, {})


async def test_outcomes_stay_in_memory_until_flushed(storage: Storage, db_scalar: Scalar) -> None:
    for _ in range(3):
        storage.record_roll(
            guild_id=None, user_id=3, dice=[(6, 6)], outcomes=[("fitd", "partial success")]
        )
    assert await db_scalar("SELECT count(*) FROM outcome_counts") == 0
    await storage.flush()
    assert (
        await db_scalar(
            "SELECT n FROM outcome_counts WHERE user_id = 3 AND guild_id = 0"
            " AND system = 'fitd' AND outcome = 'partial success'"
        )
        == 3
    )


async def test_a_batch_whose_commit_landed_unacknowledged_counts_its_outcomes_once(
    storage: Storage, db_scalar: Scalar
) -> None:
    storage.record_roll(guild_id=1, user_id=1, dice=[(6, 6)], outcomes=[("fitd", "critical")])
    await storage.flush()
    real = storage._engine
    storage._engine = LosesAcknowledgements(real, lost=2)  # pyright: ignore[reportAttributeAccessIssue]
    storage.record_roll(guild_id=1, user_id=1, dice=[(6, 4)], outcomes=[("fitd", "success")])
    with pytest.raises(ConnectionResetError):
        await storage.flush()
    storage.record_roll(
        guild_id=1,
        user_id=1,
        dice=[(6, 2), (6, 6)],
        outcomes=[("fitd", "success"), ("pbta", "miss")],
    )
    with pytest.raises(ConnectionResetError):
        await storage.flush()
    assert await db_scalar("SELECT sum(n) FROM outcome_counts") == 2

    stats = await storage.user_stats(1, guild_id=1)

    assert as_dicts(stats.outcomes) == {
        "fitd": {"critical": 1, "success": 2},
        "pbta": {"miss": 1},
    }
    assert await db_scalar("SELECT sum(n) FROM outcome_counts") == 4
    assert (storage.pending_rolls, storage.flushed_rolls) == (0, 3)
    storage._engine = real


async def test_a_failed_flush_keeps_the_outcomes_and_writes_none(
    storage: Storage, db_scalar: Scalar
) -> None:
    await db_scalar("ALTER TABLE outcome_counts RENAME TO outcome_counts_away")
    storage.record_roll(guild_id=2, user_id=5, dice=[(10, 10)], outcomes=[("v5", "success")])
    with pytest.raises(DBAPIError):
        await storage.flush()
    storage.record_roll(guild_id=2, user_id=5, dice=[(10, 1)], outcomes=[("v5", "failure")])
    with pytest.raises(DBAPIError):
        await storage.flush()
    assert await db_scalar("SELECT count(*) FROM user_totals") == 0

    await db_scalar("ALTER TABLE outcome_counts_away RENAME TO outcome_counts")
    stats = await storage.user_stats(5, guild_id=2)

    assert as_dicts(stats.outcomes) == {"v5": {"failure": 1, "success": 1}}
    assert stats.rolls == 2


async def test_forget_user_deletes_stored_unsure_and_pending_outcomes(
    storage: Storage, db_scalar: Scalar
) -> None:
    for guild in (None, 1, 2):
        storage.record_roll(
            guild_id=guild, user_id=100, dice=[(6, 6)], outcomes=[("fitd", "critical")]
        )
        storage.record_roll(guild_id=guild, user_id=200, dice=[(6, 1)], outcomes=[("pbta", "miss")])
    await storage.flush()
    real = storage._engine
    storage._engine = LosesAcknowledgements(real, lost=1)  # pyright: ignore[reportAttributeAccessIssue]
    storage.record_roll(guild_id=1, user_id=100, dice=[(6, 5)], outcomes=[("fitd", "success")])
    with pytest.raises(ConnectionResetError):
        await storage.flush()
    storage._engine = real
    storage.record_roll(guild_id=1, user_id=100, dice=[(6, 4)], outcomes=[("fitd", "failure")])

    await storage.forget_user(100)

    for guild in (None, 0, 1, 2):
        assert dict((await storage.user_stats(100, guild_id=guild)).outcomes) == {}
    assert await db_scalar("SELECT count(*) FROM outcome_counts WHERE user_id = 100") == 0
    other = await storage.user_stats(200, guild_id=None)
    assert as_dicts(other.outcomes) == {"pbta": {"miss": 3}}
    assert dict((await storage.server_stats(1)).system_rolls) == {"pbta": 1}
