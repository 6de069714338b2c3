"""Saved rolls: CRUD, names, limits, renames, imports, several processes and forgetting a user."""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import asyncpg
import pytest
from sqlalchemy import event, make_url
from sqlalchemy.engine import Engine

from nazh.storage import (
    MAX_GUILD_ROLLS,
    MAX_USER_ROLLS,
    ImportResult,
    RenameOutcome,
    SavedRollLimitError,
    SavedRolls,
    Storage,
    StorageClosedError,
    resolve_url,
    roll_limit,
)
from nazh.storage.engine import create_engine

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from nazh.storage import SavedRoll, Scope

Scalar = Callable[[str], Awaitable[Any]]

SCOPES: tuple[Scope, ...] = ("user", "guild")


def names(rolls: list[SavedRoll]) -> list[tuple[str, str, str]]:
    """(scope, name, expression) of each roll, in order."""
    return [(roll.scope, roll.name, roll.expression) for roll in rolls]


def numbered(count: int, prefix: str = "roll") -> list[tuple[str, str]]:
    return [(f"{prefix}{n:03}", f"1d20+{n}") for n in range(count)]


@pytest.fixture
async def two_storages(db_url: str) -> AsyncIterator[tuple[Storage, Storage]]:
    """Two `Storage` on one database, as two processes of the bot would have."""
    first = await Storage.open(db_url, flush_interval=3600)
    second = await Storage.open(db_url, flush_interval=3600)
    yield first, second
    await first.close()
    await second.close()


async def test_save_get_list_and_delete(storage: Storage, db_scalar: Scalar) -> None:
    saved = storage.saved
    first = await saved.save("user", 1, "attack", "1d20+7 attack")
    await saved.save("user", 1, "damage", "2d6+4")
    await saved.save("user", 2, "attack", "1d20+2")

    assert first.created
    assert first.previous is None
    assert (first.roll.scope, first.roll.owner_id, first.roll.name) == ("user", 1, "attack")
    assert await saved.get("user", 1, "attack") == first.roll
    assert names(await saved.list_rolls("user", 1)) == [
        ("user", "attack", "1d20+7 attack"),
        ("user", "damage", "2d6+4"),
    ]
    assert await saved.count("user", 1) == 2

    assert await saved.delete("user", 1, "attack") == first.roll
    assert await saved.delete("user", 1, "attack") is None
    assert await saved.get("user", 1, "attack") is None
    assert names(await saved.list_rolls("user", 1)) == [("user", "damage", "2d6+4")]
    assert (await saved.get("user", 2, "attack")) is not None
    assert await db_scalar("SELECT count(*) FROM saved_rolls") == 2


async def test_saving_a_name_again_replaces_it_and_returns_the_old_expression(
    storage: Storage,
) -> None:
    await storage.saved.save("user", 1, "attack", "1d20+7")

    again = await storage.saved.save("user", 1, "attack", "1d20+8")

    assert not again.created
    assert again.previous == "1d20+7"
    assert again.roll.expression == "1d20+8"
    assert names(await storage.saved.list_rolls("user", 1)) == [("user", "attack", "1d20+8")]


async def test_names_are_stripped_and_match_whatever_their_case(storage: Storage) -> None:
    saved = storage.saved
    result = await saved.save("user", 1, "  Sneak Attack ", "  1d20+9  ")
    assert (result.roll.name, result.roll.expression) == ("sneak attack", "1d20+9")

    assert await saved.get("user", 1, "SNEAK ATTACK") == result.roll
    replaced = await saved.save("user", 1, "sneak ATTACK", "1d20+10")
    assert replaced.previous == "1d20+9"
    assert await saved.count("user", 1) == 1
    renamed = await saved.rename("user", 1, "Sneak attack", "STAB")
    assert renamed.outcome is RenameOutcome.RENAMED
    deleted = await saved.delete("user", 1, " Stab ")
    assert deleted is not None
    assert (deleted.name, deleted.expression) == ("stab", "1d20+10")


@pytest.mark.parametrize(
    ("name", "expression", "message"),
    [("", "1d20", "name"), ("   ", "1d20", "name"), ("attack", " ", "expression")],
)
async def test_blank_names_and_expressions_are_refused(
    storage: Storage, name: str, expression: str, message: str
) -> None:
    with pytest.raises(ValueError, match=message):
        await storage.saved.save("user", 1, name, expression)
    assert await storage.saved.count("user", 1) == 0


async def test_only_server_rolls_have_an_author(storage: Storage) -> None:
    with pytest.raises(ValueError, match="author"):
        await storage.saved.save("user", 1, "attack", "1d20", author_id=1)
    result = await storage.saved.save("guild", 10, "init", "1d20+2", author_id=1)
    assert result.roll.author_id == 1
    assert await storage.saved.get("guild", 10, "init") == result.roll


async def test_an_unknown_scope_is_refused(storage: Storage) -> None:
    bad: Any = "channel"
    with pytest.raises(ValueError, match="scope 'channel'"):
        await storage.saved.save(bad, 1, "attack", "1d20")
    with pytest.raises(ValueError, match="scope 'channel'"):
        await storage.saved.list_rolls(bad, 1)
    with pytest.raises(ValueError, match="scope 'channel'"):
        roll_limit(bad)


async def test_players_and_servers_of_one_id_keep_their_own_rolls(storage: Storage) -> None:
    await storage.saved.save("user", 5, "attack", "1d20+1")
    await storage.saved.save("guild", 5, "attack", "1d20+2")

    assert names(await storage.saved.list_rolls("user", 5)) == [("user", "attack", "1d20+1")]
    assert names(await storage.saved.list_rolls("guild", 5)) == [("guild", "attack", "1d20+2")]
    assert await storage.saved.delete("guild", 5, "attack") is not None
    assert await storage.saved.count("user", 5) == 1


async def test_for_roller_gives_the_players_and_the_servers_rolls(storage: Storage) -> None:
    saved = storage.saved
    await saved.save("user", 1, "attack", "1d20+7")
    await saved.save("user", 1, "zap", "3d4")
    await saved.save("guild", 10, "attack", "1d20+3", author_id=2)
    await saved.save("guild", 10, "init", "1d20+2", author_id=2)
    await saved.save("user", 2, "other", "1d6")
    await saved.save("guild", 11, "elsewhere", "1d8")
    await saved.save("guild", 1, "guild one", "1d10")
    await saved.save("user", 10, "user ten", "1d12")

    assert names(await saved.for_roller(1, 10)) == [
        ("user", "attack", "1d20+7"),
        ("guild", "attack", "1d20+3"),
        ("guild", "init", "1d20+2"),
        ("user", "zap", "3d4"),
    ]
    assert names(await saved.for_roller(1, None)) == [
        ("user", "attack", "1d20+7"),
        ("user", "zap", "3d4"),
    ]
    assert names(await saved.for_roller(3, 11)) == [("guild", "elsewhere", "1d8")]
    assert await saved.for_roller(3, None) == []


async def test_for_roller_is_one_query_the_primary_key_serves(
    storage: Storage, db_url: str
) -> None:
    await storage.saved.save("user", 1, "attack", "1d20+7")
    await storage.saved.save("guild", 10, "init", "1d20+2")
    statements: list[tuple[str, Any]] = []

    def record(*args: Any) -> None:
        _, _, statement, parameters, _, _ = args
        if not statement.startswith("BEGIN"):
            statements.append((statement, parameters))

    event.listen(Engine, "before_cursor_execute", record)
    try:
        assert len(await storage.saved.for_roller(1, 10)) == 2
        storage.saved.cache.invalidate()
        assert len(await storage.saved.for_roller(1, None)) == 1
    finally:
        event.remove(Engine, "before_cursor_execute", record)

    assert len(statements) == 2, statements
    for statement, parameters in statements:
        plan = await explain(db_url, statement, parameters)
        assert "saved_rolls" in plan
        if storage.backend == "sqlite":
            assert "SCAN saved_rolls" not in plan
            assert "USING INDEX sqlite_autoindex_saved_rolls_1 (scope=? AND owner_id=?)" in plan
        else:
            assert "Seq Scan" not in plan
            assert "saved_rolls_pkey" in plan


async def explain(db_url: str, statement: str, parameters: Any) -> str:
    """The query plan of `statement` as the driver ran it; PostgreSQL's with sequential scans
    priced out, so it shows whether any index can serve the query."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        assert url.database is not None
        with sqlite3.connect(url.database) as connection:
            rows = connection.execute(f"EXPLAIN QUERY PLAN {statement}", parameters).fetchall()
        return "\n".join(str(row[-1]) for row in rows)
    connection = await asyncpg.connect(db_url)
    try:
        await connection.execute("SET enable_seqscan = off")
        rows = await connection.fetch(f"EXPLAIN {statement}", *parameters)
    finally:
        await connection.close()
    return "\n".join(row[0] for row in rows)


@pytest.mark.parametrize("scope", SCOPES)
async def test_the_limit_allows_exactly_its_number_of_rolls(storage: Storage, scope: Scope) -> None:
    limit = roll_limit(scope)
    author = 9 if scope == "guild" else None
    await storage.saved.import_rolls(scope, 1, numbered(limit - 1), replace=False, author_id=author)

    last = await storage.saved.save(scope, 1, "last", "1d4", author_id=author)
    assert last.created
    assert await storage.saved.count(scope, 1) == limit

    with pytest.raises(SavedRollLimitError) as refused:
        await storage.saved.save(scope, 1, "one too many", "1d6", author_id=author)
    error = refused.value
    assert (error.scope, error.limit, error.current, error.resulting) == (
        scope,
        limit,
        limit,
        limit + 1,
    )
    assert await storage.saved.get(scope, 1, "one too many") is None

    replaced = await storage.saved.save(scope, 1, "ROLL000", "1d100", author_id=author)
    assert replaced.previous == "1d20+0"
    assert await storage.saved.count(scope, 1) == limit
    assert (await storage.saved.save(scope, 2, "elsewhere", "1d8", author_id=author)).created


def test_the_limits_are_per_scope() -> None:
    assert (MAX_USER_ROLLS, MAX_GUILD_ROLLS) == (200, 500)
    assert (roll_limit("user"), roll_limit("guild")) == (MAX_USER_ROLLS, MAX_GUILD_ROLLS)


async def test_rename_moves_a_roll_to_a_free_name(storage: Storage, db_scalar: Scalar) -> None:
    await storage.saved.save("user", 1, "atack", "1d20+7")

    result = await storage.saved.rename("user", 1, "atack", "Attack")

    assert result.outcome is RenameOutcome.RENAMED
    assert result.roll is not None
    assert (result.roll.name, result.roll.expression) == ("attack", "1d20+7")
    assert names(await storage.saved.list_rolls("user", 1)) == [("user", "attack", "1d20+7")]
    assert await db_scalar("SELECT count(*) FROM saved_rolls") == 1


async def test_rename_of_a_missing_roll_changes_nothing(storage: Storage) -> None:
    await storage.saved.save("user", 2, "attack", "1d20+7")

    result = await storage.saved.rename("user", 1, "attack", "hit")

    assert (result.outcome, result.roll) == (RenameOutcome.MISSING, None)
    assert await storage.saved.count("user", 1) == 0
    assert names(await storage.saved.list_rolls("user", 2)) == [("user", "attack", "1d20+7")]


async def test_rename_to_a_taken_name_changes_nothing(storage: Storage) -> None:
    await storage.saved.save("user", 1, "attack", "1d20+7")
    taken = await storage.saved.save("user", 1, "hit", "1d20+5")

    result = await storage.saved.rename("user", 1, "attack", "HIT")

    assert result.outcome is RenameOutcome.TAKEN
    assert result.roll == taken.roll
    assert names(await storage.saved.list_rolls("user", 1)) == [
        ("user", "attack", "1d20+7"),
        ("user", "hit", "1d20+5"),
    ]


async def test_rename_to_its_own_name_in_another_case_keeps_the_roll(storage: Storage) -> None:
    await storage.saved.save("user", 1, "attack", "1d20+7")

    result = await storage.saved.rename("user", 1, "attack", "ATTACK")

    assert result.outcome is RenameOutcome.RENAMED
    assert names(await storage.saved.list_rolls("user", 1)) == [("user", "attack", "1d20+7")]


async def test_a_merging_import_adds_and_overwrites(storage: Storage) -> None:
    saved = storage.saved
    await saved.import_rolls("user", 1, [("a", "1d4"), ("b", "1d6"), ("c", "1d8")], replace=False)

    result = await saved.import_rolls(
        "user", 1, [("B", "2d6"), ("c", "1d8"), ("d", "1d10"), ("d", "1d12")], replace=False
    )

    assert result == ImportResult(added=1, changed=1, removed=0, total=4)
    assert names(await saved.list_rolls("user", 1)) == [
        ("user", "a", "1d4"),
        ("user", "b", "2d6"),
        ("user", "c", "1d8"),
        ("user", "d", "1d12"),
    ]


async def test_a_replacing_import_leaves_exactly_the_given_rolls(storage: Storage) -> None:
    saved = storage.saved
    await saved.import_rolls("guild", 10, [("a", "1d4"), ("b", "1d6"), ("c", "1d8")], replace=True)
    await saved.save("guild", 11, "a", "1d20")

    result = await saved.import_rolls(
        "guild", 10, [("b", "1d6"), ("c", "3d8"), ("e", "1d2")], replace=True, author_id=4
    )

    assert result == ImportResult(added=1, changed=1, removed=1, total=3)
    rolls = await saved.list_rolls("guild", 10)
    assert names(rolls) == [("guild", "b", "1d6"), ("guild", "c", "3d8"), ("guild", "e", "1d2")]
    assert [roll.author_id for roll in rolls] == [None, 4, 4], "an unchanged roll keeps its author"
    assert names(await saved.list_rolls("guild", 11)) == [("guild", "a", "1d20")]

    emptied = await saved.import_rolls("guild", 10, [], replace=True)
    assert emptied == ImportResult(added=0, changed=0, removed=3, total=0)
    assert await saved.count("guild", 11) == 1


@pytest.mark.parametrize("replace", [False, True], ids=["merge", "replace"])
async def test_an_import_past_the_limit_changes_nothing(storage: Storage, *, replace: bool) -> None:
    saved = storage.saved
    await saved.import_rolls("user", 1, numbered(150, "old"), replace=False)
    before = await saved.list_rolls("user", 1)
    given = [("old000", "9d9"), *numbered(201 if replace else 51, "new")]

    with pytest.raises(SavedRollLimitError) as refused:
        await saved.import_rolls("user", 1, given, replace=replace)

    error = refused.value
    resulting = 202 if replace else 201
    assert (error.scope, error.limit, error.current, error.resulting) == (
        "user",
        200,
        150,
        resulting,
    )
    assert str(error) == f"user saved rolls are limited to 200: this would make {resulting}" + (
        " (there are 150)"
    )
    assert await saved.list_rolls("user", 1) == before


@pytest.mark.parametrize("replace", [False, True], ids=["merge", "replace"])
async def test_an_import_up_to_the_limit_goes_through(storage: Storage, *, replace: bool) -> None:
    await storage.saved.import_rolls("user", 1, numbered(150, "old"), replace=False)
    given = numbered(200 if replace else 50, "new")

    result = await storage.saved.import_rolls("user", 1, given, replace=replace)

    assert result == ImportResult(
        added=len(given), changed=0, removed=150 if replace else 0, total=200
    )
    assert await storage.saved.count("user", 1) == 200


async def test_an_import_with_a_blank_entry_changes_nothing(storage: Storage) -> None:
    await storage.saved.save("user", 1, "keep", "1d4")
    with pytest.raises(ValueError, match="name"):
        await storage.saved.import_rolls(
            "user", 1, [("fine", "1d6"), (" ", "1d8"), ("later", "1d10")], replace=True
        )
    assert names(await storage.saved.list_rolls("user", 1)) == [("user", "keep", "1d4")]


async def test_time_stamps_follow_saves_and_renames(db_url: str, db_scalar: Scalar) -> None:
    await (await Storage.open(db_url, flush_interval=3600)).close()
    engine = create_engine(resolve_url(db_url, Path()))
    now = [1_000.6]
    saved = SavedRolls(engine, clock=lambda: now[0])
    try:
        assert (await saved.save("user", 1, "attack", "1d20")).roll.updated_at == 1_000
        now[0] = 2_000.0
        assert (await saved.save("user", 1, "attack", "1d20+1")).roll.updated_at == 2_000
        now[0] = 3_000.0
        renamed = await saved.rename("user", 1, "attack", "hit")
        assert renamed.roll is not None
        assert renamed.roll.updated_at == 3_000
        now[0] = 4_000.0
        await saved.import_rolls("user", 1, [("hit", "1d20+2"), ("new", "1d4")], replace=False)
        assert [roll.updated_at for roll in await saved.list_rolls("user", 1)] == [4_000, 4_000]
    finally:
        await engine.dispose()
    assert await db_scalar("SELECT created_at FROM saved_rolls WHERE name = 'hit'") == 1_000
    assert await db_scalar("SELECT created_at FROM saved_rolls WHERE name = 'new'") == 4_000


async def test_processes_see_each_others_changes_at_once(
    two_storages: tuple[Storage, Storage],
) -> None:
    first, second = two_storages
    assert await second.saved.for_roller(1, 10) == []

    await first.saved.save("user", 1, "attack", "1d20+7")
    await first.saved.save("guild", 10, "init", "1d20+2")
    assert names(await second.saved.for_roller(1, 10)) == [
        ("user", "attack", "1d20+7"),
        ("guild", "init", "1d20+2"),
    ]

    await second.saved.save("user", 1, "attack", "1d20+8")
    await second.saved.delete("guild", 10, "init")
    assert names(await first.saved.for_roller(1, 10)) == [("user", "attack", "1d20+8")]


@pytest.mark.parametrize("scope", SCOPES)
async def test_racing_processes_cannot_pass_the_limit(
    two_storages: tuple[Storage, Storage], scope: Scope
) -> None:
    first, second = two_storages
    limit = roll_limit(scope)
    free = 5
    await first.saved.import_rolls(scope, 1, numbered(limit - free), replace=False)

    async def attempt(storage: Storage, name: str) -> SavedRollLimitError | None:
        try:
            await storage.saved.save(scope, 1, name, "1d6")
        except SavedRollLimitError as error:
            return error
        return None

    outcomes = await asyncio.gather(
        *(
            attempt(storage, f"race {n} in {which}")
            for n in range(12)
            for which, storage in enumerate(two_storages)
        )
    )

    refusals = [outcome for outcome in outcomes if outcome is not None]
    assert len(outcomes) - len(refusals) == free
    assert {(error.current, error.resulting) for error in refusals} == {(limit, limit + 1)}
    assert await first.saved.count(scope, 1) == await second.saved.count(scope, 1) == limit


async def test_racing_imports_cannot_pass_the_limit(
    two_storages: tuple[Storage, Storage],
) -> None:
    first = two_storages[0]
    await first.saved.import_rolls("user", 1, numbered(100), replace=False)

    async def attempt(storage: Storage, prefix: str) -> bool:
        try:
            await storage.saved.import_rolls("user", 1, numbered(60, prefix), replace=False)
        except SavedRollLimitError:
            return False
        return True

    succeeded = await asyncio.gather(
        *(
            attempt(storage, f"race {n} in {which} ")
            for n in range(3)
            for which, storage in enumerate(two_storages)
        )
    )

    assert sum(succeeded) == 1
    assert await first.saved.count("user", 1) == 160


async def test_forgetting_a_player_deletes_their_rolls_and_not_their_servers(
    storage: Storage, db_scalar: Scalar
) -> None:
    saved = storage.saved
    await saved.save("user", 8, "attack", "1d20+7")
    await saved.save("user", 8, "damage", "2d6")
    await saved.save("user", 9, "attack", "1d20+1")
    await saved.save("guild", 10, "init", "1d20+2", author_id=8)
    await saved.save("guild", 11, "fireball", "8d6", author_id=8)
    await saved.save("guild", 11, "heal", "2d4+2", author_id=9)
    await saved.save("guild", 8, "server eight", "1d12", author_id=9)

    await storage.forget_user(8)

    assert await saved.for_roller(8, None) == []
    assert await saved.count("user", 9) == 1
    assert [(roll.name, roll.author_id) for roll in await saved.list_rolls("guild", 10)] == [
        ("init", None)
    ]
    assert [(roll.name, roll.author_id) for roll in await saved.list_rolls("guild", 11)] == [
        ("fireball", None),
        ("heal", 9),
    ]
    assert names(await saved.list_rolls("guild", 8)) == [("guild", "server eight", "1d12")]
    assert await db_scalar("SELECT count(*) FROM saved_rolls WHERE author_id = 8") == 0


async def test_a_closed_storage_refuses_saved_rolls(db_url: str) -> None:
    storage = await Storage.open(db_url, flush_interval=3600)
    await storage.close()
    with pytest.raises(StorageClosedError):
        await storage.saved.for_roller(1, 10)
    with pytest.raises(StorageClosedError):
        await storage.saved.save("user", 1, "attack", "1d20")
