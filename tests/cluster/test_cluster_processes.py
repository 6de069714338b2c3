"""Three real ``python -m nazh`` processes sharing eight shards through PostgreSQL leases:
one killed with SIGKILL, one stopped with SIGTERM, then a new one joining; every shard comes
back and every roll after is answered, with Discord's identify limit kept and never two
sessions on one shard."""

from __future__ import annotations

import asyncio
import signal
import time
from typing import TYPE_CHECKING

import aiohttp
import asyncpg

from nazh.cluster import Timing
from nazh.loopback import LoopbackDiscord
from tests.bot.process_support import bots, free_port, start_bot

if TYPE_CHECKING:
    from pathlib import Path

__all__ = ("bots",)

SHARDS = 8
TAKEOVER_LIMIT = 30.0
"""Seconds within which a killed process's shards run elsewhere (issue #14)."""
GAP_LIMIT = 10.0
"""Longest a shard may be down while a stopping process hands it over (issue #14)."""


async def leases_by_pid(url: str) -> dict[int, list[int]]:
    """The shards each live process holds, by process id."""
    connection = await asyncpg.connect(url)
    try:
        rows = await connection.fetch(
            "SELECT m.pid, l.shard_id FROM shard_leases l JOIN cluster_members m"
            " ON m.member_id = l.owner WHERE l.expires_at >"
            " (extract(epoch FROM clock_timestamp()) * 1000)::bigint ORDER BY l.shard_id"
        )
    finally:
        await connection.close()
    held: dict[int, list[int]] = {}
    for row in rows:
        held.setdefault(row["pid"], []).append(row["shard_id"])
    return held


async def settled(
    url: str, pids: set[int], shares: list[int], within: float
) -> dict[int, list[int]]:
    """Wait until exactly `pids` hold leases, in the given shares."""
    deadline = time.monotonic() + within
    while True:
        held = await leases_by_pid(url)
        if set(held) == pids and sorted(map(len, held.values())) == shares:
            return held
        if time.monotonic() > deadline:
            raise AssertionError(f"leases never settled to {shares} on {pids}: {held}")
        await asyncio.sleep(0.2)


async def every_guild_rolls(emu: LoopbackDiscord) -> None:
    for guild_id in emu.guild_ids:
        outcome = await emu.slash("roll", {"expression": "1d20"}, guild_id=guild_id, max_wait=5)
        assert "1d20" in outcome.content, (guild_id, outcome)


async def stats_show_the_cluster(emu: LoopbackDiscord, held: dict[int, list[int]]) -> None:
    """`/stats bot` answered by each process lists every process with its shards."""
    for pid, shards in held.items():
        guild_id = next(g for g in emu.guild_ids if (g >> 22) % SHARDS in shards)
        player = await emu.slash("stats bot", guild_id=guild_id)
        found = {field["name"]: field["value"] for field in player.embeds[0]["fields"]}
        here = ", ".join(map(str, shards))
        assert found["Shards"] == f"{len(shards)} of {SHARDS} here ({here})"
        assert "Cluster (shown to owners)" not in found, "host names are the owners' business"
        outcome = await emu.slash("stats bot", guild_id=guild_id, user=emu.owner)
        found = {field["name"]: field["value"] for field in outcome.embeds[0]["fields"]}
        lines = found["Cluster (shown to owners)"].splitlines()
        assert len(lines) == len(held)
        for other, theirs in held.items():
            (line,) = [line for line in lines if f" pid {other}" in line]
            assert f"shards {', '.join(map(str, theirs))}," in line
            assert ("(this one)" in line) == (other == pid)


async def get(port: int, path: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}{path}") as got:
        return got.status, await got.text()


async def test_a_cluster_survives_sigkill_hands_over_on_sigterm_and_shares_with_a_newcomer(
    postgres_url: str, tmp_path: Path, bots: list[asyncio.subprocess.Process]
) -> None:
    async with LoopbackDiscord(guilds=16, shards=SHARDS, max_concurrency=4) as emu:
        assert {(g >> 22) % SHARDS for g in emu.guild_ids} == set(range(SHARDS))
        ports = [free_port() for _ in range(3)]
        directories = [tmp_path / f"bot{i}" for i in range(3)]
        for directory in directories:
            directory.mkdir()
        processes = await asyncio.gather(
            *(
                start_bot(
                    emu,
                    directory,
                    bots,
                    PORT=str(port),
                    NAZH_SHARD_IDS="auto",
                    NAZH_SHARD_COUNT="auto",
                    NAZH_DATABASE_URL=postgres_url,
                    NAZH_ROLL_RATE="100000/1",
                )
                for directory, port in zip(directories, ports, strict=True)
            )
        )
        port_of = {p.pid: port for p, port in zip(processes, ports, strict=True)}
        by_pid = {p.pid: p for p in processes}
        await emu.wait_shards(max_wait=30)
        held = await settled(postgres_url, set(by_pid), [2, 3, 3], 30)
        await emu.wait_commands({"roll", "stats"}, max_wait=30)
        await every_guild_rolls(emu)
        await stats_show_the_cluster(emu, held)

        for pid, shards in held.items():
            status, body = await get(port_of[pid], "/readyz")
            assert status == 200, body
            status, metrics = await get(port_of[pid], "/metrics")
            assert "nazh_cluster_members 3.0" in metrics
            assert (
                "nazh_cluster_member_shards{host=" in metrics
                or "nazh_cluster_member_shards{" in metrics
            )
            assert f'pid="{pid}"}} {float(len(shards))}' in metrics
            for shard in shards:
                assert f'nazh_shard_connected{{shard="{shard}"}} 1.0' in metrics

        victim = max(held, key=lambda pid: len(held[pid]))
        killed_at = time.monotonic()
        by_pid[victim].send_signal(signal.SIGKILL)
        await by_pid[victim].wait()
        await emu.wait_shards(set(held[victim]), max_wait=5, connected=False)
        await emu.wait_shards(max_wait=TAKEOVER_LIMIT)
        took = time.monotonic() - killed_at
        assert took < Timing().ttl, f"{took:.1f} s: the freed liveness lock was not noticed"
        survivors = set(by_pid) - {victim}
        held = await settled(postgres_url, survivors, [4, 4], 10)
        await every_guild_rolls(emu)

        leaving = min(survivors)
        stopped_at = time.monotonic()
        by_pid[leaving].send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(by_pid[leaving].wait(), 30) == 0
        (last,) = survivors - {leaving}
        await settled(postgres_url, {last}, [SHARDS], 10)
        await emu.wait_shards(max_wait=10)
        gaps = emu.longest_gaps(since=stopped_at)
        assert max(gaps[shard] for shard in held[leaving]) < GAP_LIMIT, gaps
        await every_guild_rolls(emu)

        joined_at = time.monotonic()
        newcomer = await start_bot(
            emu,
            directories[0],
            bots,
            NAZH_SHARD_IDS="auto",
            NAZH_DATABASE_URL=postgres_url,
            NAZH_ROLL_RATE="100000/1",
        )
        held = await settled(postgres_url, {last, newcomer.pid}, [4, 4], 30)
        await emu.wait_shards(max_wait=10)
        gaps = emu.longest_gaps(since=joined_at)
        assert max(gaps[shard] for shard in held[newcomer.pid]) < GAP_LIMIT, gaps
        await every_guild_rolls(emu)

        assert emu.refused_identifies == []
        assert emu.double_sessions == []
