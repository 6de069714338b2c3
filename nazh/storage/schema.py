"""The current database schema, as SQLAlchemy Core tables: the source of truth.

`nazh.storage.migrations` builds it; a test checks that the migrated database matches it exactly.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Index,
    Integer,
    MetaData,
    Table,
    Text,
)

__all__ = (
    "bot_totals",
    "cluster_members",
    "die_totals",
    "face_counts",
    "flush_marks",
    "guild_settings",
    "identify_slots",
    "metadata",
    "outcome_counts",
    "recent_rolls",
    "roll_results",
    "saved_rolls",
    "schema_version",
    "shard_leases",
    "user_settings",
    "user_totals",
)

metadata = MetaData()

schema_version = Table(
    "schema_version",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("version", Integer, nullable=False),
)

face_counts = Table(
    "face_counts",
    metadata,
    Column("user_id", BigInteger, primary_key=True),
    Column("guild_id", BigInteger, primary_key=True),
    Column("sides", Integer, primary_key=True),
    Column("face", Integer, primary_key=True),
    Column("n", BigInteger, nullable=False),
)

die_totals = Table(
    "die_totals",
    metadata,
    Column("user_id", BigInteger, primary_key=True),
    Column("guild_id", BigInteger, primary_key=True),
    Column("sides", Integer, primary_key=True),
    Column("n", BigInteger, nullable=False),
    Column("total", BigInteger, nullable=False),
    Index("die_totals_guild", "guild_id", "sides"),
)

outcome_counts = Table(
    "outcome_counts",
    metadata,
    Column("user_id", BigInteger, primary_key=True),
    Column("guild_id", BigInteger, primary_key=True),
    Column("system", Text, primary_key=True),
    Column("outcome", Text, primary_key=True),
    Column("n", BigInteger, nullable=False),
    Index("outcome_counts_guild", "guild_id", "system"),
)

user_totals = Table(
    "user_totals",
    metadata,
    Column("user_id", BigInteger, primary_key=True),
    Column("guild_id", BigInteger, primary_key=True),
    Column("rolls", BigInteger, nullable=False),
    Column("dice", BigInteger, nullable=False),
    Column("nat20", BigInteger, nullable=False),
    Column("nat1", BigInteger, nullable=False),
    Index("user_totals_guild", "guild_id"),
)

bot_totals = Table(
    "bot_totals",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("rolls", BigInteger, nullable=False),
    Column("dice", BigInteger, nullable=False),
)

recent_rolls = Table(
    "recent_rolls",
    metadata,
    Column("user_id", BigInteger, primary_key=True),
    Column("expression", Text, primary_key=True),
    Column("used_at", BigInteger, nullable=False),
)

guild_settings = Table(
    "guild_settings",
    metadata,
    Column("guild_id", BigInteger, primary_key=True),
    Column("prefix", Text, nullable=True),
    Column("dialect", Text, nullable=True),
    Column("roll_manager_role", BigInteger, nullable=True),
    Column("system", Text, nullable=True),
    Column("gm_channel_id", BigInteger, nullable=True),
    Column("gm_role_id", BigInteger, nullable=True),
    Column("secret_notice", Boolean, nullable=True),
    Column("buttons", Boolean, nullable=True),
    Column("reroll_anyone", Boolean, nullable=True),
    Column("inline_rolls", Boolean, nullable=True),
)

user_settings = Table(
    "user_settings",
    metadata,
    Column("user_id", BigInteger, primary_key=True),
    Column("dialect", Text, nullable=True),
)

flush_marks = Table(
    "flush_marks",
    metadata,
    Column("writer", Text, primary_key=True),
    Column("seq", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
)

saved_rolls = Table(
    "saved_rolls",
    metadata,
    Column("scope", Text, primary_key=True),
    Column("owner_id", BigInteger, primary_key=True),
    Column("name", Text, primary_key=True),
    Column("expression", Text, nullable=False),
    Column("author_id", BigInteger, nullable=True),
    Column("created_at", BigInteger, nullable=False),
    Column("updated_at", BigInteger, nullable=False),
    CheckConstraint("scope IN ('user', 'guild')", name="saved_rolls_scope"),
    Index("saved_rolls_author", "author_id"),
)

roll_results = Table(
    "roll_results",
    metadata,
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
    Index("roll_results_created", "created_at"),
)

cluster_members = Table(
    "cluster_members",
    metadata,
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

shard_leases = Table(
    "shard_leases",
    metadata,
    Column("shard_count", Integer, primary_key=True),
    Column("shard_id", Integer, primary_key=True),
    Column("owner", Text, nullable=True),
    Column("claimed_at", BigInteger, nullable=True),
    Column("expires_at", BigInteger, nullable=False),
    Column("handover", Boolean, nullable=False),
    Column("taker", Text, nullable=True),
    Column("handover_at", BigInteger, nullable=True),
)

identify_slots = Table(
    "identify_slots",
    metadata,
    Column("bucket", Integer, primary_key=True),
    Column("next_at", BigInteger, nullable=False),
)
