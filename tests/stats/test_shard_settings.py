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


@pytest.mark.parametrize(
    ("values", "message"),
    [
        ({"NAZH_SHARD_IDS": "0"}, "NAZH_SHARD_IDS needs NAZH_SHARD_COUNT"),
        ({"NAZH_SHARD_COUNT": "2", "NAZH_SHARD_IDS": "2"}, "must be below NAZH_SHARD_COUNT"),
        ({"NAZH_SHARD_COUNT": "0"}, "NAZH_SHARD_COUNT is invalid"),
        ({"NAZH_SHARD_COUNT": "2", "NAZH_SHARD_IDS": "a"}, "NAZH_SHARD_IDS is invalid"),
    ],
)
def test_bad_shard_settings(values: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        load_settings(env(LoopbackDiscord().token, **values))
