"""Versioned schema migrations, applied in order at start-up.

`nazh.storage.schema` declares the current schema and is the source of truth; the migrations are
the history that builds it, and tests/storage/test_storage_schema.py checks, on SQLite and
PostgreSQL, that every path through them (from empty and from each older version) ends at exactly
the declared schema.

Each migration runs in its own transaction together with the bump of ``schema_version``, so a
failed migration leaves the database at the previous version. Concurrent start-ups serialise on a
PostgreSQL advisory lock (SQLite: on the write lock taken by ``BEGIN IMMEDIATE``) and re-read the
version under it, so each migration is applied exactly once. A database already past the last
migration stops start-up with `SchemaTooNewError`.

To add a migration:

1. Change the tables in `nazh.storage.schema`.
2. Write a function taking Alembic's `Operations` (``op.create_table``, ``op.add_column``,
   ``op.create_index``, ...) and append ``Migration(<next number>, "<what it adds>", <function>)``
   to `MIGRATIONS`. Spell the columns out in the function rather than use the tables of
   `nazh.storage.schema`: those will change again, a migration must not. Change columns of an
   existing table inside ``with op.batch_alter_table(name) as batch:``, which SQLite carries out
   by copying the table.
3. Run tests/storage: the schema test fails until the migrations build the declared schema, and
   its message lists the operations still missing, written as Alembic code.

Never edit a migration that has been released; write a new one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Integer,
    Text,
    insert,
    select,
    text,
    update,
)

from nazh.storage.errors import SchemaTooNewError
from nazh.storage.schema import schema_version

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy import Connection
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

__all__ = ("MIGRATIONS", "MIGRATION_LOCK_KEY", "Migration", "current_version", "migrate")

MIGRATION_LOCK_KEY = 0x4E415A48_4D494752  # "NAZHMIGR"


@dataclass(frozen=True, slots=True)
class Migration:
    """One schema step: `upgrade` applies it through Alembic operations on either backend."""

    version: int
    description: str
    upgrade: Callable[[Operations], None]


def _statements(*sql: str) -> Callable[[Operations], None]:
    """An upgrade running raw SQL statements (how the first migrations were written)."""

    def upgrade(op: Operations) -> None:
        for statement in sql:
            op.execute(statement)

    return upgrade


def _primary_keys_not_null(op: Operations) -> None:
    # SQLite leaves a primary-key column declared without NOT NULL nullable (a BIGINT or TEXT one
    # really stores NULLs), and the first migrations wrote four; PostgreSQL made them NOT NULL.
    if op.get_context().dialect.name != "sqlite":
        return
    for table, column in (
        ("schema_version", "id"),
        ("bot_totals", "id"),
        ("guild_settings", "guild_id"),
        ("flush_marks", "writer"),
    ):
        with op.batch_alter_table(table) as batch:
            batch.alter_column(column, nullable=False)


def _dialect_settings(op: Operations) -> None:
    op.add_column("guild_settings", Column("dialect", Text, nullable=True))
    op.create_table(
        "user_settings",
        Column("user_id", BigInteger, primary_key=True),
        Column("dialect", Text, nullable=True),
    )


def _saved_rolls(op: Operations) -> None:
    op.create_table(
        "saved_rolls",
        Column("scope", Text, primary_key=True),
        Column("owner_id", BigInteger, primary_key=True),
        Column("name", Text, primary_key=True),
        Column("expression", Text, nullable=False),
        Column("author_id", BigInteger, nullable=True),
        Column("created_at", BigInteger, nullable=False),
        Column("updated_at", BigInteger, nullable=False),
        CheckConstraint("scope IN ('user', 'guild')", name="saved_rolls_scope"),
    )
    op.create_index("saved_rolls_author", "saved_rolls", ["author_id"])
    op.add_column("guild_settings", Column("roll_manager_role", BigInteger, nullable=True))


def _game_systems(op: Operations) -> None:
    op.create_table(
        "outcome_counts",
        Column("user_id", BigInteger, primary_key=True),
        Column("guild_id", BigInteger, primary_key=True),
        Column("system", Text, primary_key=True),
        Column("outcome", Text, primary_key=True),
        Column("n", BigInteger, nullable=False),
    )
    op.create_index("outcome_counts_guild", "outcome_counts", ["guild_id", "system"])
    op.add_column("guild_settings", Column("system", Text, nullable=True))


def _roll_results(op: Operations) -> None:
    op.create_table(
        "roll_results",
        Column("id", Text, primary_key=True),
        Column("user_id", BigInteger, nullable=False),
        Column("guild_id", BigInteger, nullable=False),
        Column("channel_id", BigInteger, nullable=False),
        Column("text", Text, nullable=False),
        Column("dialect", Text, nullable=False),
        Column("content", Text, nullable=False),
        Column("visibility", Text, nullable=False),
        Column("created_at", BigInteger, nullable=False),
        Column("revealed_message_id", BigInteger, nullable=True),
        Column("revealed_channel_id", BigInteger, nullable=True),
        Column("revealed_at", BigInteger, nullable=True),
        CheckConstraint(
            "visibility IN ('public', 'private', 'secret')", name="roll_results_visibility"
        ),
    )
    op.create_index("roll_results_created", "roll_results", ["created_at"])
    for name in ("gm_channel_id", "gm_role_id"):
        op.add_column("guild_settings", Column(name, BigInteger, nullable=True))
    for name in ("secret_notice", "buttons", "reroll_anyone", "inline_rolls"):
        op.add_column("guild_settings", Column(name, Boolean, nullable=True))


def _shard_leases(op: Operations) -> None:
    op.create_table(
        "cluster_members",
        Column("member_id", Text, primary_key=True),
        Column("host", Text, nullable=False),
        Column("pid", BigInteger, nullable=False),
        Column("shard_count", Integer, nullable=False),
        Column("shards_max", Integer, nullable=True),
        Column("lock_key", BigInteger, nullable=False),
        Column("draining", Boolean, nullable=False),
        Column("started_at", BigInteger, nullable=False),
        Column("seen_at", BigInteger, nullable=False),
    )
    op.create_table(
        "shard_leases",
        Column("shard_count", Integer, primary_key=True),
        Column("shard_id", Integer, primary_key=True),
        Column("owner", Text, nullable=True),
        Column("claimed_at", BigInteger, nullable=True),
        Column("expires_at", BigInteger, nullable=False),
        Column("handover", Boolean, nullable=False),
        Column("taker", Text, nullable=True),
        Column("handover_at", BigInteger, nullable=True),
    )
    op.create_table(
        "identify_slots",
        Column("bucket", Integer, primary_key=True),
        Column("next_at", BigInteger, nullable=False),
    )


MIGRATIONS: tuple[Migration, ...] = (
    Migration(
        1,
        "roll statistics, recent rolls, guild settings",
        _statements(
            "CREATE TABLE face_counts (user_id BIGINT NOT NULL, guild_id BIGINT NOT NULL,"
            " sides INTEGER NOT NULL, face INTEGER NOT NULL, n BIGINT NOT NULL,"
            " PRIMARY KEY (user_id, guild_id, sides, face))",
            "CREATE TABLE die_totals (user_id BIGINT NOT NULL, guild_id BIGINT NOT NULL,"
            " sides INTEGER NOT NULL, n BIGINT NOT NULL, total BIGINT NOT NULL,"
            " PRIMARY KEY (user_id, guild_id, sides))",
            "CREATE INDEX die_totals_guild ON die_totals (guild_id, sides)",
            "CREATE TABLE user_totals (user_id BIGINT NOT NULL, guild_id BIGINT NOT NULL,"
            " rolls BIGINT NOT NULL, dice BIGINT NOT NULL, nat20 BIGINT NOT NULL,"
            " nat1 BIGINT NOT NULL, PRIMARY KEY (user_id, guild_id))",
            "CREATE INDEX user_totals_guild ON user_totals (guild_id)",
            "CREATE TABLE bot_totals (id INTEGER PRIMARY KEY, rolls BIGINT NOT NULL,"
            " dice BIGINT NOT NULL)",
            "CREATE TABLE recent_rolls (user_id BIGINT NOT NULL, expression TEXT NOT NULL,"
            " used_at BIGINT NOT NULL, PRIMARY KEY (user_id, expression))",
            "CREATE TABLE guild_settings (guild_id BIGINT PRIMARY KEY, prefix TEXT)",
        ),
    ),
    Migration(
        2,
        "the last batch each running process flushed, so a retried flush is applied once",
        _statements(
            "CREATE TABLE flush_marks (writer TEXT PRIMARY KEY, seq BIGINT NOT NULL,"
            " updated_at BIGINT NOT NULL)",
        ),
    ),
    Migration(3, "primary-key columns NOT NULL on SQLite too", _primary_keys_not_null),
    Migration(4, "notation dialects of servers and players", _dialect_settings),
    Migration(5, "saved rolls of players and servers, and who may manage a server's", _saved_rolls),
    Migration(6, "game-system outcomes of players, and the game system of servers", _game_systems),
    Migration(
        7,
        "roll results kept for their buttons, and servers' secret-roll, button and inline settings",
        _roll_results,
    ),
    Migration(8, "shard leases and identify slots of a cluster of processes", _shard_leases),
)

_CREATE_VERSION_TABLE = text(
    "CREATE TABLE IF NOT EXISTS schema_version (id INTEGER PRIMARY KEY, version INTEGER NOT NULL)"
)


async def current_version(connection: AsyncConnection) -> int:
    """The schema version recorded in the database (0 when it has never been migrated)."""
    await connection.execute(_CREATE_VERSION_TABLE)
    found = await connection.scalar(
        select(schema_version.c.version).where(schema_version.c.id == 1)
    )
    return found or 0


def _apply(connection: Connection, migration: Migration) -> None:
    migration.upgrade(Operations(MigrationContext.configure(connection)))


async def migrate(engine: AsyncEngine, migrations: Sequence[Migration] = MIGRATIONS) -> int:
    """Bring the database up to the last of `migrations` and return that version.

    Raises `SchemaTooNewError` when the database is already past it.
    """
    for position, migration in enumerate(migrations, start=1):
        if migration.version != position:
            raise ValueError(f"migration {migration.version} is out of order at {position}")
    latest = len(migrations)
    while True:
        async with engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                await connection.execute(
                    text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
                )
            version = await current_version(connection)
            if version > latest:
                raise SchemaTooNewError(version, latest)
            if version == latest:
                return version
            await connection.run_sync(_apply, migrations[version])
            if version == 0:
                await connection.execute(insert(schema_version).values(id=1, version=1))
            else:
                await connection.execute(
                    update(schema_version)
                    .where(schema_version.c.id == 1)
                    .values(version=version + 1)
                )
