"""The migrations build exactly the schema declared in `nazh.storage.schema`, on both backends."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from alembic.autogenerate import produce_migrations, render_python_code
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from nazh.storage import MIGRATIONS, resolve_url
from nazh.storage.engine import create_engine
from nazh.storage.migrations import migrate
from nazh.storage.schema import metadata

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from sqlalchemy import Connection
    from sqlalchemy.ext.asyncio import AsyncEngine


@pytest.fixture
async def engine(db_url: str) -> AsyncIterator[AsyncEngine]:
    created = create_engine(resolve_url(db_url, Path()))
    yield created
    await created.dispose()


def _missing_operations(connection: Connection) -> str:
    """Alembic code that would turn the database into the declared schema ('' when it matches)."""
    context = MigrationContext.configure(
        connection, opts={"compare_type": True, "compare_server_default": True}
    )
    upgrade = produce_migrations(context, metadata).upgrade_ops
    assert upgrade is not None
    if upgrade.is_empty():
        return ""
    return render_python_code(upgrade, render_as_batch=True)


def _primary_keys(connection: Connection) -> dict[str, list[str]]:
    inspector = inspect(connection)
    return {
        name: inspector.get_pk_constraint(name)["constrained_columns"]
        for name in inspector.get_table_names()
    }


async def _differences(engine: AsyncEngine) -> tuple[str, dict[str, list[str]]]:
    async with engine.connect() as connection:
        missing = await connection.run_sync(_missing_operations)
        keys = await connection.run_sync(_primary_keys)
    return missing, keys


@pytest.mark.parametrize("start", range(len(MIGRATIONS)), ids=lambda start: f"from-v{start}")
async def test_migrations_build_the_declared_schema(engine: AsyncEngine, start: int) -> None:
    assert await migrate(engine, MIGRATIONS[:start]) == start
    assert await migrate(engine) == len(MIGRATIONS)

    missing, keys = await _differences(engine)

    assert missing == "", f"the migrations do not build nazh.storage.schema; missing:\n{missing}"
    declared = metadata.tables.values()
    assert keys == {table.name: [column.name for column in table.primary_key] for table in declared}


async def test_the_comparison_names_what_is_missing(engine: AsyncEngine) -> None:
    await migrate(engine, MIGRATIONS[:1])

    missing, keys = await _differences(engine)

    assert "op.create_table('flush_marks'" in missing
    assert "flush_marks" not in keys


@pytest.mark.parametrize(
    "statement",
    [
        "INSERT INTO guild_settings (guild_id, prefix) VALUES (NULL, '!')",
        "INSERT INTO flush_marks (writer, seq, updated_at) VALUES (NULL, 1, 0)",
        "INSERT INTO outcome_counts (user_id, guild_id, system, outcome, n)"
        " VALUES (1, 0, NULL, 'success', 1)",
        "INSERT INTO outcome_counts (user_id, guild_id, system, outcome, n)"
        " VALUES (1, 0, 'fitd', NULL, 1)",
        "INSERT INTO saved_rolls (scope, owner_id, name, expression, created_at, updated_at)"
        " VALUES ('user', 1, NULL, '1d20', 0, 0)",
        "INSERT INTO saved_rolls (scope, owner_id, name, expression, created_at, updated_at)"
        " VALUES ('channel', 1, 'attack', '1d20', 0, 0)",
        "INSERT INTO roll_results (id, user_id, guild_id, channel_id, text, dialect, content,"
        " visibility, created_at) VALUES (NULL, 1, 0, 2, '1d20', 'nazh', '**3**', 'public', 0)",
        "INSERT INTO roll_results (id, user_id, guild_id, channel_id, text, dialect, content,"
        " visibility, created_at) VALUES ('abc', 1, 0, 2, '1d20', 'nazh', '**3**', 'everyone', 0)",
        "INSERT INTO roll_results (id, user_id, guild_id, channel_id, text, dialect, content,"
        " visibility, created_at) VALUES ('abc', 1, 0, 2, '1d20', 'nazh', NULL, 'public', 0)",
    ],
)
async def test_keys_refuse_null_and_scopes_refuse_strangers(
    engine: AsyncEngine, statement: str
) -> None:
    await migrate(engine)
    with pytest.raises(IntegrityError):
        async with engine.begin() as connection:
            await connection.execute(text(statement))


async def test_rebuilt_tables_keep_their_rows(engine: AsyncEngine) -> None:
    await migrate(engine, MIGRATIONS[:2])
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO bot_totals VALUES (1, 41, 90)"))
        await connection.execute(text("INSERT INTO guild_settings VALUES (5, '?'), (6, NULL)"))
        await connection.execute(text("INSERT INTO flush_marks VALUES ('shard-0', 3, 17)"))

    await migrate(engine, MIGRATIONS[:3])

    async with engine.connect() as connection:
        bots = (await connection.execute(text("SELECT * FROM bot_totals"))).all()
        guilds = (await connection.execute(text("SELECT * FROM guild_settings ORDER BY 1"))).all()
        marks = (await connection.execute(text("SELECT * FROM flush_marks"))).all()
        version = await connection.scalar(text("SELECT version FROM schema_version"))
    assert [tuple(row) for row in bots] == [(1, 41, 90)]
    assert [tuple(row) for row in guilds] == [(5, "?"), (6, None)]
    assert [tuple(row) for row in marks] == [("shard-0", 3, 17)]
    assert version == 3
