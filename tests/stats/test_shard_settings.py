"""NAZH_SHARD_IDS / NAZH_SHARD_COUNT: a process running some shards of a bot."""

from __future__ import annotations

import pytest

from nazh.config import ConfigError, load_settings
from nazh.loopback import LoopbackDiscord


def env(token: str, **values: str) -> dict[str, str]:
    return {"DISCORD_TOKEN": token, **values}


def test_shard_settings() -> None:
    token = LoopbackDiscord().token
    assert load_settings(env(token)).shard_ids == ()
    assert load_settings(env(token)).shard_count is None
    settings = load_settings(env(token, NAZH_SHARD_COUNT="4", NAZH_SHARD_IDS="3, 1,1"))
    assert (settings.shard_ids, settings.shard_count) == ((1, 3), 4)
    only_count = load_settings(env(token, NAZH_SHARD_COUNT="2"))
    assert (only_count.shard_ids, only_count.shard_count) == ((), 2)
    assert load_settings(env(token, NAZH_SHARD_COUNT="auto")).shard_count is None


PG = "postgresql://nazh@db:5432/nazh"


def test_cluster_settings() -> None:
    token = LoopbackDiscord().token
    plain = load_settings(env(token))
    assert (plain.cluster, plain.shards_per_process, plain.handover_timeout) == (False, None, 25.0)
    cluster = load_settings(
        env(
            token,
            NAZH_SHARD_IDS="Auto",
            NAZH_SHARD_COUNT="auto",
            NAZH_DATABASE_URL=PG,
            NAZH_SHARDS_PER_PROCESS="4",
            NAZH_HANDOVER_TIMEOUT="0",
        )
    )
    assert (cluster.cluster, cluster.shard_ids, cluster.shard_count) == (True, (), None)
    assert (cluster.shards_per_process, cluster.handover_timeout) == (4, 0.0)
    fixed = load_settings(
        env(token, NAZH_SHARD_IDS="auto", NAZH_SHARD_COUNT="16", NAZH_DATABASE_URL=PG)
    )
    assert (fixed.cluster, fixed.shard_count) == (True, 16)


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"NAZH_SHARD_IDS": "0"}, "NAZH_SHARD_IDS needs NAZH_SHARD_COUNT"),
        ({"NAZH_SHARD_COUNT": "2", "NAZH_SHARD_IDS": "2"}, "must be below NAZH_SHARD_COUNT"),
        ({"NAZH_SHARD_COUNT": "0"}, "NAZH_SHARD_COUNT is invalid"),
        ({"NAZH_SHARD_COUNT": "2", "NAZH_SHARD_IDS": "a"}, "NAZH_SHARD_IDS is invalid"),
        ({"NAZH_SHARD_IDS": "auto"}, "NAZH_SHARD_IDS=auto needs NAZH_DATABASE_URL on PostgreSQL"),
        (
            {"NAZH_SHARD_IDS": "auto", "NAZH_DATABASE_URL": "sqlite:///x.db"},
            "NAZH_SHARD_IDS=auto needs NAZH_DATABASE_URL on PostgreSQL",
        ),
        ({"NAZH_SHARDS_PER_PROCESS": "2"}, "NAZH_SHARDS_PER_PROCESS only applies"),
        (
            {"NAZH_SHARD_IDS": "auto", "NAZH_DATABASE_URL": PG, "NAZH_SHARDS_PER_PROCESS": "0"},
            "NAZH_SHARDS_PER_PROCESS is invalid",
        ),
        (
            {"NAZH_SHARD_IDS": "auto", "NAZH_DATABASE_URL": PG, "NAZH_SHARDS_PER_PROCESS": "auto"},
            "NAZH_SHARDS_PER_PROCESS is invalid",
        ),
        ({"NAZH_HANDOVER_TIMEOUT": "-1"}, "NAZH_HANDOVER_TIMEOUT is invalid"),
        ({"NAZH_HANDOVER_TIMEOUT": "nan"}, "NAZH_HANDOVER_TIMEOUT is invalid"),
        ({"NAZH_SHARD_COUNT": "auto", "NAZH_SHARD_IDS": "0"}, "NAZH_SHARD_IDS needs"),
    ],
)
def test_bad_shard_settings(values: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(env(LoopbackDiscord().token, **values))
