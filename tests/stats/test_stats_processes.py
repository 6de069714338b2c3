"""Roll statistics of real ``python -m nazh`` processes: killed with SIGKILL, or two sharing
one PostgreSQL database as two shards of one bot."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sqlite3
import sys
import time
from collections import Counter
from typing import TYPE_CHECKING

import aiohttp
import pytest

from nazh.loopback import LoopbackDiscord, LoopbackError
from nazh.storage import Storage

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from nazh.loopback import User

LOSS_WINDOW = 1.5
"""A kill may lose the rolls of the last flush interval (1 s) plus one flush's duration."""

_TOTAL = re.compile(r"= `(\d+)`")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


async def _wait_ready(process: asyncio.subprocess.Process, port: int) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(600):
            if process.returncode is not None:
                raise AssertionError(f"the bot exited with {process.returncode}")
            try:
                async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError("the bot never became ready")


@pytest.fixture
async def bots(tmp_path: Path) -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """Bot processes started by the test; any still running at the end are killed."""
    started: list[asyncio.subprocess.Process] = []
    yield started
    for process in started:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _start_bot(
    emu: LoopbackDiscord,
    data_dir: Path,
    bots: list[asyncio.subprocess.Process],
    **extra: str,
) -> asyncio.subprocess.Process:
    port = _free_port()
    env = {
        **os.environ,
        "DISCORD_TOKEN": emu.token,
        "NAZH_DISCORD_API_URL": emu.rest_url,
        "NAZH_GUILD_IDS": ",".join(map(str, emu.guild_ids)),
        "NAZH_HEALTH_HOST": "127.0.0.1",
        "PORT": str(port),
        "NAZH_DATA_DIR": str(data_dir),
        "NAZH_ROLL_RATE": "100000/1",
        **extra,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "nazh",
        cwd=data_dir,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    bots.append(process)
    await _wait_ready(process, port)
    return process


async def _roll(emu: LoopbackDiscord, user: User, guild_id: int) -> tuple[int, float] | None:
    """Roll 1d20; (face, when the answer arrived) or None if the bot did not answer."""
    try:
        outcome = await emu.slash(
            "roll", {"expression": "1d20"}, user=user, guild_id=guild_id, settle=0.0, max_wait=2
        )
    except LoopbackError:
        return None
    found = _TOTAL.findall(outcome.content)
    if not found or outcome.callback_at is None:
        return None
    return int(found[-1]), outcome.callback_at


async def test_sigkill_mid_load_keeps_every_roll_flushed_before_the_last_second(
    emu: LoopbackDiscord, tmp_path: Path, bots: list[asyncio.subprocess.Process]
) -> None:
    process = await _start_bot(emu, tmp_path, bots)
    await emu.wait_ready(max_wait=30)
    await emu.wait_commands({"roll"}, max_wait=30)
    user = emu.users[0]
    answered: list[float] = []
    stop = asyncio.Event()

    async def load() -> None:
        while not stop.is_set():
            rolled = await _roll(emu, user, emu.guild_id)
            if rolled is not None:
                answered.append(rolled[1])

    loaders = [asyncio.create_task(load()) for _ in range(4)]
    await asyncio.sleep(3.0)
    killed_at = time.monotonic()
    process.send_signal(signal.SIGKILL)
    await process.wait()
    stop.set()
    await asyncio.gather(*loaders)

    database = tmp_path / "nazh.sqlite3"
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
    storage = await Storage.open(f"sqlite:///{database}", flush_interval=3600)
    try:
        totals = await storage.totals()
        mine = await storage.user_stats(user.id, guild_id=emu.guild_id)
    finally:
        await storage.close()
    before = sum(1 for at in answered if at < killed_at - LOSS_WINDOW)
    assert before > 50, f"too little load to show anything: {before} rolls"
    assert before <= totals.rolls <= len(answered)
    assert mine.rolls == totals.rolls == mine.dice_by_size[20]


async def test_two_shard_processes_on_one_postgresql_lose_no_increment(
    postgres_url: str, tmp_path: Path, bots: list[asyncio.subprocess.Process]
) -> None:
    emu = LoopbackDiscord(guilds=2, shards=2)
    await emu.start()
    try:
        processes = [
            await _start_bot(
                emu,
                _directory(tmp_path / f"shard{shard}"),
                bots,
                NAZH_DATABASE_URL=postgres_url,
                NAZH_SHARD_COUNT="2",
                NAZH_SHARD_IDS=str(shard),
            )
            for shard in (0, 1)
        ]
        await emu.wait_ready(max_wait=30)
        await emu.wait_commands({"roll"}, max_wait=30)
        assert emu.connected_shards == {0, 1}
        expected: Counter[tuple[int, int, int]] = Counter()

        async def load(user: User, guild_id: int) -> None:
            for _ in range(60):
                rolled = await _roll(emu, user, guild_id)
                assert rolled is not None, "a roll went unanswered"
                expected[(guild_id, user.id, rolled[0])] += 1

        await asyncio.gather(
            *(load(user, guild_id) for user in emu.users for guild_id in emu.guild_ids)
        )
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            code = await asyncio.wait_for(process.wait(), timeout=15)
            assert process.stderr is not None
            assert code == 0, (await process.stderr.read()).decode()
    finally:
        await emu.stop()
    assert emu.violations == []

    storage = await Storage.open(postgres_url, flush_interval=3600)
    try:
        totals = await storage.totals()
        assert totals.rolls == totals.dice == sum(expected.values()) == 60 * 3 * 2
        for guild_id in emu.guild_ids:
            for user in emu.users:
                stats = await storage.user_stats(user.id, guild_id=guild_id)
                faces = {face: expected[(guild_id, user.id, face)] for face in range(1, 21)}
                assert stats.rolls == 60
                assert dict(stats.faces[20]) == faces
    finally:
        await storage.close()
