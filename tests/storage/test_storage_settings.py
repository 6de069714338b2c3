"""Saved recent rolls, guild settings and the readiness ping."""

from __future__ import annotations

import dataclasses
import tracemalloc
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any, get_type_hints

import pytest
from sqlalchemy.exc import DBAPIError

from nazh.storage import (
    MAX_EXPRESSION_LENGTH,
    RECENT_LIMIT,
    GuildSettings,
    GuildSettingsChanges,
    Storage,
    resolve_url,
)
from nazh.storage import storage as storage_module
from nazh.storage.engine import create_engine

if TYPE_CHECKING:
    from pathlib import Path

Scalar = Callable[[str], Awaitable[Any]]


async def test_recent_keeps_the_last_distinct_expressions(
    storage: Storage, db_scalar: Scalar
) -> None:
    expressions = [f"{count}d6" for count in range(1, RECENT_LIMIT + 6)]
    for expression in expressions:
        storage.remember_recent(1, expression)
    storage.remember_recent(2, "1d20")

    newest_first = expressions[::-1]
    assert await storage.recent(1) == newest_first[:RECENT_LIMIT]
    assert await db_scalar("SELECT count(*) FROM recent_rolls") == 0
    await storage.flush()
    assert await db_scalar("SELECT count(*) FROM recent_rolls WHERE user_id = 1") == RECENT_LIMIT
    assert await storage.recent(1, limit=3) == newest_first[:3]
    assert await storage.recent(2) == ["1d20"]

    storage.remember_recent(1, f" {newest_first[10]} ")
    assert await storage.recent(1, limit=3) == [newest_first[10], *newest_first[:2]]
    assert len(set(await storage.recent(1))) == RECENT_LIMIT


async def test_recent_rolls_survive_a_restart_and_merge_with_new_ones(db_url: str) -> None:
    first = await Storage.open(db_url, flush_interval=3600)
    for expression in ("1d4", "1d6", "1d8"):
        first.remember_recent(7, expression)
    await first.close()
    second = await Storage.open(db_url, flush_interval=3600)
    try:
        second.remember_recent(7, "1d4")
        assert await second.recent(7) == ["1d4", "1d8", "1d6"]
        second.remember_recent(7, "2d6")
        assert await second.recent(7) == ["2d6", "1d4", "1d8", "1d6"]
    finally:
        await second.close()


@pytest.mark.parametrize("expression", ["", "   ", "d" * (MAX_EXPRESSION_LENGTH + 1)])
async def test_recent_refuses_blank_or_huge_expressions(storage: Storage, expression: str) -> None:
    with pytest.raises(ValueError, match="characters"):
        storage.remember_recent(1, expression)
    assert await storage.recent(1) == []


async def test_prefix_is_set_changed_and_cleared(db_url: str) -> None:
    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        assert await storage.get_prefix(10) is None
        await storage.set_prefix(10, "?")
        await storage.set_prefix(11, "nazh ")
        await storage.set_prefix(10, "$")
        assert await storage.get_prefix(10) == "$"
        with pytest.raises(ValueError, match="blank"):
            await storage.set_prefix(10, " ")
    finally:
        await storage.close()

    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        assert await storage.get_prefix(10) == "$"
        assert await storage.get_prefix(11) == "nazh "
        await storage.set_prefix(10, None)
        assert await storage.get_prefix(10) is None
    finally:
        await storage.close()

    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        assert await storage.get_prefix(10) is None
        assert await storage.get_prefix(11) == "nazh "
    finally:
        await storage.close()


async def test_guild_dialect_keeps_the_prefix_and_survives_a_restart(
    db_url: str, db_scalar: Scalar
) -> None:
    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        assert await storage.guild_settings(10) == GuildSettings()
        await storage.set_prefix(10, "?")
        await storage.set_guild_dialect(10, "roll20")
        await storage.set_guild_dialect(11, "avrae")
        assert await storage.guild_settings(10) == GuildSettings(prefix="?", dialect="roll20")
    finally:
        await storage.close()

    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        assert await storage.guild_settings(10) == GuildSettings(prefix="?", dialect="roll20")
        assert await storage.guild_settings(11) == GuildSettings(dialect="avrae")
        await storage.set_guild_dialect(11, None)
        await storage.set_prefix(10, None)
        assert await storage.guild_settings(10) == GuildSettings(dialect="roll20")
    finally:
        await storage.close()
    assert await db_scalar("SELECT count(*) FROM guild_settings WHERE guild_id = 11") == 0


async def test_roll_manager_role_keeps_the_other_settings_and_survives_a_restart(
    db_url: str, db_scalar: Scalar
) -> None:
    role = 1_234_567_890_123_456_789
    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        await storage.set_guild_dialect(10, "roll20")
        await storage.set_roll_manager_role(10, role)
        await storage.set_roll_manager_role(11, 42)
        await storage.set_roll_manager_role(11, 43)
        assert await storage.guild_settings(10) == GuildSettings(
            dialect="roll20", roll_manager_role=role
        )
    finally:
        await storage.close()

    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        assert await storage.guild_settings(10) == GuildSettings(
            dialect="roll20", roll_manager_role=role
        )
        assert await storage.guild_settings(11) == GuildSettings(roll_manager_role=43)
        await storage.set_roll_manager_role(11, None)
        await storage.set_roll_manager_role(10, None)
        assert await storage.guild_settings(10) == GuildSettings(dialect="roll20")
        assert await storage.guild_settings(11) == GuildSettings()
    finally:
        await storage.close()
    assert await db_scalar("SELECT count(*) FROM guild_settings WHERE guild_id = 11") == 0
    assert (
        await db_scalar("SELECT roll_manager_role FROM guild_settings WHERE guild_id = 10") is None
    )


async def test_guild_system_keeps_the_other_settings_and_survives_a_restart(
    db_url: str, db_scalar: Scalar
) -> None:
    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        await storage.set_prefix(10, "?")
        await storage.set_guild_system(10, "fitd")
        await storage.set_guild_system(11, "pbta")
        await storage.set_guild_system(11, "v5")
        await storage.set_guild_dialect(10, "roll20")
        assert await storage.guild_settings(10) == GuildSettings(
            prefix="?", dialect="roll20", system="fitd"
        )
        with pytest.raises(ValueError, match="blank"):
            await storage.set_guild_system(10, " ")
    finally:
        await storage.close()

    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        assert await storage.guild_settings(10) == GuildSettings(
            prefix="?", dialect="roll20", system="fitd"
        )
        assert await storage.guild_settings(11) == GuildSettings(system="v5")
        await storage.set_guild_system(11, None)
        await storage.set_guild_system(10, None)
        assert await storage.guild_settings(10) == GuildSettings(prefix="?", dialect="roll20")
        assert await storage.guild_settings(11) == GuildSettings()
    finally:
        await storage.close()
    assert await db_scalar("SELECT count(*) FROM guild_settings WHERE guild_id = 11") == 0
    assert await db_scalar("SELECT system FROM guild_settings WHERE guild_id = 10") is None


def test_guild_settings_default_to_switches_for_a_table_without_secrets() -> None:
    defaults = GuildSettings()
    assert (defaults.gm_channel_id, defaults.gm_role_id) == (None, None)
    assert defaults.secret_notice
    assert defaults.buttons
    assert not defaults.reroll_anyone
    assert not defaults.inline_rolls


def test_the_changes_a_setter_takes_are_the_settings_fields() -> None:
    fields = {field.name: field.type for field in dataclasses.fields(GuildSettings)}
    changes = get_type_hints(GuildSettingsChanges)
    assert set(changes) == set(fields)
    assert changes == get_type_hints(GuildSettings)


SECRET_TABLE = GuildSettings(
    prefix="?",
    gm_channel_id=1_234_567_890_123_456_789,
    gm_role_id=77,
    secret_notice=False,
    buttons=False,
    reroll_anyone=True,
    inline_rolls=True,
)


async def test_every_guild_setting_round_trips_and_survives_a_restart(
    db_url: str, db_scalar: Scalar
) -> None:
    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        await storage.set_prefix(10, "?")
        returned = await storage.set_guild_settings(
            10,
            gm_channel_id=SECRET_TABLE.gm_channel_id,
            gm_role_id=77,
            secret_notice=False,
            buttons=False,
        )
        assert returned == dataclasses.replace(
            SECRET_TABLE, reroll_anyone=False, inline_rolls=False
        )
        await storage.set_guild_settings(10, reroll_anyone=True, inline_rolls=True)
        await storage.set_guild_settings(11, inline_rolls=True)
        assert await storage.guild_settings(10) == SECRET_TABLE
    finally:
        await storage.close()

    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        assert await storage.guild_settings(10) == SECRET_TABLE
        assert await storage.guild_settings(11) == GuildSettings(inline_rolls=True)
        assert await storage.guild_settings(12) == GuildSettings()
        await storage.set_guild_dialect(10, "roll20")
        assert await storage.guild_settings(10) == dataclasses.replace(
            SECRET_TABLE, dialect="roll20"
        )
    finally:
        await storage.close()
    assert await db_scalar("SELECT gm_role_id FROM guild_settings WHERE guild_id = 10") == 77
    assert await db_scalar("SELECT inline_rolls FROM guild_settings WHERE guild_id = 11")


async def test_settings_back_at_their_defaults_are_stored_as_null_then_as_no_row(
    storage: Storage, db_scalar: Scalar
) -> None:
    await storage.set_guild_settings(10, prefix="?", buttons=False, inline_rolls=True)
    assert await db_scalar("SELECT buttons FROM guild_settings WHERE guild_id = 10") in (False, 0)
    assert await db_scalar("SELECT secret_notice FROM guild_settings WHERE guild_id = 10") is None

    await storage.set_guild_settings(10, buttons=True, inline_rolls=False)
    assert await db_scalar("SELECT buttons FROM guild_settings WHERE guild_id = 10") is None
    assert await db_scalar("SELECT inline_rolls FROM guild_settings WHERE guild_id = 10") is None
    assert await storage.guild_settings(10) == GuildSettings(prefix="?")

    await storage.set_guild_settings(10, prefix=None, secret_notice=False)
    await storage.set_guild_settings(10, secret_notice=True)
    assert await storage.guild_settings(10) == GuildSettings()
    assert await db_scalar("SELECT count(*) FROM guild_settings") == 0


async def test_null_switches_written_by_an_older_nazh_read_as_their_defaults(
    db_url: str, db_scalar: Scalar
) -> None:
    await (await Storage.open(db_url, flush_interval=3600)).close()
    await db_scalar("INSERT INTO guild_settings (guild_id, prefix) VALUES (10, '$')")
    await db_scalar(
        "INSERT INTO guild_settings (guild_id, secret_notice, reroll_anyone, gm_channel_id)"
        " VALUES (11, false, true, 5)"
    )
    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        assert await storage.guild_settings(10) == GuildSettings(prefix="$")
        assert await storage.guild_settings(11) == GuildSettings(
            gm_channel_id=5, secret_notice=False, reroll_anyone=True
        )
    finally:
        await storage.close()


async def test_set_guild_settings_refuses_unknown_or_blank_values(storage: Storage) -> None:
    await storage.set_guild_settings(10, gm_role_id=5)
    unknown: dict[str, Any] = {"gm_channel": 5}
    with pytest.raises(TypeError):
        await storage.set_guild_settings(10, **unknown)
    with pytest.raises(ValueError, match="prefix cannot be blank"):
        await storage.set_guild_settings(10, prefix=" ", buttons=False)
    with pytest.raises(ValueError, match="game system name cannot be blank"):
        await storage.set_guild_settings(10, system="")
    assert await storage.guild_settings(10) == GuildSettings(gm_role_id=5)


async def test_user_dialect_is_shared_between_processes_within_the_cache_time(
    db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = await Storage.open(db_url, flush_interval=3600)
    second = await Storage.open(db_url, flush_interval=3600)
    try:
        assert await second.user_dialect(5) is None
        await first.set_user_dialect(5, "foundry")
        assert await first.user_dialect(5) == "foundry"
        assert await second.user_dialect(5) is None, "cached until the time runs out"
        monkeypatch.setattr(storage_module, "USER_SETTINGS_TTL", 0.0)
        assert await second.user_dialect(5) == "foundry"
        await second.set_user_dialect(5, None)
        assert await first.user_dialect(5) is None
    finally:
        await first.close()
        await second.close()


async def test_forgetting_a_user_deletes_their_dialect(storage: Storage, db_scalar: Scalar) -> None:
    await storage.set_user_dialect(8, "dicemaiden")
    await storage.set_user_dialect(9, "roll20")
    await storage.forget_user(8)
    assert await storage.user_dialect(8) is None
    assert await db_scalar("SELECT count(*) FROM user_settings") == 1
    assert await storage.user_dialect(9) == "roll20"


async def test_ping_reports_a_working_database(storage: Storage) -> None:
    assert await storage.ping()


async def test_ping_reports_an_unreachable_database(tmp_path: Path) -> None:
    engine = create_engine(resolve_url("postgresql://postgres@127.0.0.1:9/nowhere", tmp_path))
    storage = Storage(engine, schema_version=1, flush_interval=1.0)
    try:
        assert not await storage.ping()
    finally:
        await storage.close()


async def test_unflushed_recent_rolls_stay_bounded_per_user(storage: Storage) -> None:
    expression = "1d20+" + "1" * 900
    tracemalloc.start()
    try:
        before = tracemalloc.get_traced_memory()[0]
        for n in range(5000):
            storage.remember_recent(7, f"{expression}{n}")
        grown = tracemalloc.get_traced_memory()[0] - before
    finally:
        tracemalloc.stop()
    assert grown < 200 * RECENT_LIMIT * len(expression) // 100
    await storage.flush()
    assert await storage.recent(7) == [
        f"{expression}{n}" for n in range(4999, 4999 - RECENT_LIMIT, -1)
    ]


async def test_recent_rolls_kept_through_a_failed_flush_are_the_newest(
    db_url: str, db_scalar: Scalar
) -> None:
    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        await db_scalar("ALTER TABLE recent_rolls RENAME TO recent_away")
        for count in range(1, 21):
            storage.remember_recent(3, f"{count}d6")
        with pytest.raises(DBAPIError):
            await storage.flush()
        for count in (*range(21, 31), 5):
            storage.remember_recent(3, f"{count}d6")
        await db_scalar("ALTER TABLE recent_away RENAME TO recent_rolls")
        await storage.flush()
    finally:
        await storage.close()
    reopened = await Storage.open(db_url, flush_interval=3600)
    try:
        expected = ["5d6", *(f"{count}d6" for count in range(30, 5, -1))][:RECENT_LIMIT]
        assert await reopened.recent(3) == expected
    finally:
        await reopened.close()
