"""Schema migrations: from empty, re-opening, refusing newer schemas, atomic steps."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import Column, Integer
from sqlalchemy.exc import DBAPIError

from nazh.storage import MIGRATIONS, GuildSettings, SchemaTooNewError, Storage, resolve_url
from nazh.storage.engine import create_engine
from nazh.storage.migrations import Migration, migrate

if TYPE_CHECKING:
    from alembic.operations import Operations

Scalar = Callable[[str], Awaitable[Any]]

TABLES = (
    "face_counts",
    "die_totals",
    "user_totals",
    "bot_totals",
    "recent_rolls",
    "guild_settings",
    "flush_marks",
    "saved_rolls",
    "outcome_counts",
    "roll_results",
)


async def test_migrates_an_empty_database(db_url: str, db_scalar: Scalar) -> None:
    storage = await Storage.open(db_url, flush_interval=3600)
    await storage.close()
    assert storage.schema_version == len(MIGRATIONS)
    assert await db_scalar("SELECT version FROM schema_version") == len(MIGRATIONS)
    for table in TABLES:
        assert await db_scalar(f"SELECT count(*) FROM {table}") == 0


async def test_reopening_keeps_data_and_version(db_url: str, db_scalar: Scalar) -> None:
    for expected_rolls in (1, 2, 3):
        storage = await Storage.open(db_url, flush_interval=3600)
        storage.record_roll(guild_id=1, user_id=2, dice=[(20, 7)])
        await storage.close()
        assert storage.schema_version == len(MIGRATIONS)
        assert await db_scalar("SELECT rolls FROM bot_totals") == expected_rolls
    assert await db_scalar("SELECT count(*) FROM schema_version") == 1


async def test_upgrading_from_the_first_schema_keeps_the_statistics(
    db_url: str, db_scalar: Scalar
) -> None:
    engine = create_engine(resolve_url(db_url, Path()))
    try:
        assert await migrate(engine, MIGRATIONS[:1]) == 1
    finally:
        await engine.dispose()
    await db_scalar("INSERT INTO bot_totals (id, rolls, dice) VALUES (1, 41, 90)")

    storage = await Storage.open(db_url, flush_interval=3600)
    storage.record_roll(guild_id=1, user_id=2, dice=[(20, 7)])
    await storage.close()

    assert storage.schema_version == len(MIGRATIONS) > 1
    assert await db_scalar("SELECT rolls FROM bot_totals") == 42


async def test_upgrading_to_saved_rolls_keeps_the_server_settings(
    db_url: str, db_scalar: Scalar
) -> None:
    engine = create_engine(resolve_url(db_url, Path()))
    try:
        assert await migrate(engine, MIGRATIONS[:4]) == 4
    finally:
        await engine.dispose()
    await db_scalar("INSERT INTO guild_settings VALUES (5, '?', 'roll20'), (6, NULL, 'avrae')")

    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        assert await storage.guild_settings(5) == GuildSettings(prefix="?", dialect="roll20")
        await storage.set_roll_manager_role(6, 77)
        assert await storage.guild_settings(6) == GuildSettings(
            dialect="avrae", roll_manager_role=77
        )
        assert (await storage.saved.save("guild", 5, "init", "1d20+2")).created
    finally:
        await storage.close()
    assert await db_scalar("SELECT count(*) FROM saved_rolls") == 1


async def test_upgrading_to_game_systems_keeps_settings_and_statistics(
    db_url: str, db_scalar: Scalar
) -> None:
    engine = create_engine(resolve_url(db_url, Path()))
    try:
        assert await migrate(engine, MIGRATIONS[:5]) == 5
    finally:
        await engine.dispose()
    await db_scalar("INSERT INTO guild_settings VALUES (5, '?', 'roll20', 77), (6, NULL, NULL, 8)")
    await db_scalar("INSERT INTO user_totals VALUES (2, 5, 4, 9, 1, 0)")

    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        assert await storage.guild_settings(5) == GuildSettings(
            prefix="?", dialect="roll20", roll_manager_role=77
        )
        await storage.set_guild_system(6, "fitd")
        assert await storage.guild_settings(6) == GuildSettings(roll_manager_role=8, system="fitd")
        before = await storage.user_stats(2, guild_id=5)
        assert (before.rolls, before.dice, dict(before.outcomes)) == (4, 9, {})
        storage.record_roll(guild_id=5, user_id=2, dice=[(6, 6)], outcomes=[("fitd", "success")])
        after = await storage.user_stats(2, guild_id=5)
        assert after.rolls == 5
        assert {system: dict(counts) for system, counts in after.outcomes.items()} == {
            "fitd": {"success": 1}
        }
    finally:
        await storage.close()
    assert await db_scalar("SELECT system FROM guild_settings WHERE guild_id = 6") == "fitd"


async def test_upgrading_to_kept_results_keeps_settings_and_reads_the_new_defaults(
    db_url: str, db_scalar: Scalar
) -> None:
    engine = create_engine(resolve_url(db_url, Path()))
    try:
        assert await migrate(engine, MIGRATIONS[:6]) == 6
    finally:
        await engine.dispose()
    await db_scalar(
        "INSERT INTO guild_settings VALUES (5, '?', 'roll20', 77, 'fitd'), (6, NULL, NULL, 8, NULL)"
    )
    await db_scalar("INSERT INTO user_totals VALUES (2, 5, 4, 9, 1, 0)")

    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        assert storage.schema_version == len(MIGRATIONS)
        assert await storage.guild_settings(5) == GuildSettings(
            prefix="?", dialect="roll20", roll_manager_role=77, system="fitd"
        )
        await storage.set_guild_settings(6, gm_channel_id=900, buttons=False)
        assert await storage.guild_settings(6) == GuildSettings(
            roll_manager_role=8, gm_channel_id=900, buttons=False
        )
        assert (await storage.user_stats(2, guild_id=5)).rolls == 4
        kept = await storage.results.keep(
            user_id=2,
            guild_id=5,
            channel_id=100,
            text="1d20 stealth",
            dialect="roll20",
            content="**12**",
            visibility="secret",
        )
        await storage.flush()
    finally:
        await storage.close()
    assert await db_scalar("SELECT gm_channel_id FROM guild_settings WHERE guild_id = 6") == 900
    assert await db_scalar(f"SELECT visibility FROM roll_results WHERE id = '{kept.id}'") == (
        "secret"
    )


async def test_flush_marks_go_with_their_process(db_url: str, db_scalar: Scalar) -> None:
    storage = await Storage.open(db_url, flush_interval=3600)
    storage.record_roll(guild_id=1, user_id=2, dice=[(6, 3)])
    await storage.flush()
    assert await db_scalar("SELECT seq FROM flush_marks") == 1
    await storage.close()
    assert await db_scalar("SELECT count(*) FROM flush_marks") == 0

    await db_scalar("INSERT INTO flush_marks VALUES ('crashed', 7, 0)")
    await db_scalar(f"INSERT INTO flush_marks VALUES ('recent', 7, {int(time.time())})")
    await (await Storage.open(db_url, flush_interval=3600)).close()
    assert await db_scalar("SELECT writer FROM flush_marks") == "recent"


async def test_concurrent_start_ups_migrate_once(db_url: str, db_scalar: Scalar) -> None:
    opened = await asyncio.gather(*(Storage.open(db_url, flush_interval=3600) for _ in range(4)))
    for storage in opened:
        assert storage.schema_version == len(MIGRATIONS)
        await storage.close()
    assert await db_scalar("SELECT count(*) FROM schema_version") == 1


async def test_newer_schema_stops_start_up(db_url: str, db_scalar: Scalar) -> None:
    await (await Storage.open(db_url, flush_interval=3600)).close()
    newer = len(MIGRATIONS) + 4
    await db_scalar(f"UPDATE schema_version SET version = {newer}")
    with pytest.raises(SchemaTooNewError) as caught:
        await Storage.open(db_url, flush_interval=3600)
    message = str(caught.value)
    assert message == (
        f"database schema is version {newer} but this Nazh knows up to {len(MIGRATIONS)};"
        " upgrade Nazh"
    )
    assert "\n" not in message
    assert (caught.value.found, caught.value.known) == (newer, len(MIGRATIONS))


def _create_extra(op: Operations) -> None:
    op.create_table("extra", Column("id", Integer))


def _create_extra_then_fail(op: Operations) -> None:
    _create_extra(op)
    op.execute("CREATE TABLE broken (")


async def test_failed_migration_leaves_previous_version(db_url: str, db_scalar: Scalar) -> None:
    engine = create_engine(resolve_url(db_url, Path()))
    broken = Migration(len(MIGRATIONS) + 1, "half-broken step", _create_extra_then_fail)
    try:
        assert await migrate(engine) == len(MIGRATIONS)
        with pytest.raises(DBAPIError):
            await migrate(engine, (*MIGRATIONS, broken))
        assert await db_scalar("SELECT version FROM schema_version") == len(MIGRATIONS)
        with pytest.raises(DBAPIError):
            await db_scalar("SELECT count(*) FROM extra")

        fixed = Migration(broken.version, "fixed step", _create_extra)
        assert await migrate(engine, (*MIGRATIONS, fixed)) == fixed.version
        assert await db_scalar("SELECT count(*) FROM extra") == 0
    finally:
        await engine.dispose()
    with pytest.raises(SchemaTooNewError):
        await Storage.open(db_url, flush_interval=3600)


async def test_migrations_must_be_numbered_in_order(sqlite_url: str) -> None:
    engine = create_engine(resolve_url(sqlite_url, Path()))
    skipped = Migration(len(MIGRATIONS) + 2, "skips a number", _create_extra)
    try:
        with pytest.raises(ValueError, match="out of order"):
            await migrate(engine, (*MIGRATIONS, skipped))
    finally:
        await engine.dispose()
