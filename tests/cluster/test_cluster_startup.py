"""Joining a running cluster: its shard count wins over auto, and a different fixed count
stops start-up with one clear line."""

from __future__ import annotations

import asyncio
import os
import sys
from typing import TYPE_CHECKING

import asyncpg

from nazh.loopback import LoopbackDiscord
from nazh.storage import Storage
from tests.bot.process_support import bots, free_port, start_bot

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ("bots",)


async def a_member_running(url: str, shard_count: int) -> None:
    """Register a live cluster member that runs `shard_count` shards."""
    storage = await Storage.open(url, flush_interval=3600)
    await storage.close()
    connection = await asyncpg.connect(url)
    try:
        await connection.execute(
            "INSERT INTO cluster_members VALUES ('other', 'elsewhere', 1, $1, NULL, 42, false,"
            " 0, (extract(epoch FROM clock_timestamp()) * 1000)::bigint + 600000)",
            shard_count,
        )
    finally:
        await connection.close()


async def test_a_different_shard_count_stops_start_up(postgres_url: str, tmp_path: Path) -> None:
    await a_member_running(postgres_url, 4)
    async with LoopbackDiscord(shards=2) as emu:
        env = {
            **os.environ,
            "DISCORD_TOKEN": emu.token,
            "NAZH_DISCORD_API_URL": emu.rest_url,
            "NAZH_HEALTH_HOST": "127.0.0.1",
            "PORT": str(free_port()),
            "NAZH_DATA_DIR": str(tmp_path),
            "NAZH_SHARD_IDS": "auto",
            "NAZH_SHARD_COUNT": "8",
            "NAZH_DATABASE_URL": postgres_url,
        }
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "nazh", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
        )
        _, stderr = await asyncio.wait_for(process.communicate(), 60)
    assert process.returncode == 1
    lines = stderr.decode().strip().splitlines()
    assert lines[-1].endswith(
        "NAZH_SHARD_COUNT is 8 but the running cluster uses 4 shards: stop every process"
        " before changing it (or set NAZH_SHARD_COUNT=auto)"
    )
    assert "Traceback" not in stderr.decode()


async def test_auto_joins_with_the_running_clusters_count_not_discords_new_advice(
    postgres_url: str, tmp_path: Path, bots: list[asyncio.subprocess.Process]
) -> None:
    await a_member_running(postgres_url, 2)
    async with LoopbackDiscord(guilds=4, shards=4) as emu:
        await start_bot(
            emu,
            tmp_path,
            bots,
            NAZH_SHARD_IDS="auto",
            NAZH_SHARD_COUNT="auto",
            NAZH_DATABASE_URL=postgres_url,
        )
        connection = await asyncpg.connect(postgres_url)
        try:
            counts = await connection.fetch(
                "SELECT member_id, shard_count FROM cluster_members ORDER BY started_at"
            )
        finally:
            await connection.close()
    assert emu.shard_count == 4
    assert [row["shard_count"] for row in counts] == [2, 2]
