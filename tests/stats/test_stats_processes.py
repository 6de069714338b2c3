"""Roll statistics of real ``python -m nazh`` processes: killed with SIGKILL, or two sharing
one PostgreSQL database as two shards of one bot."""

from __future__ import annotations

import asyncio
import re
import signal
import sqlite3
import time
from collections import Counter
from typing import TYPE_CHECKING

from nazh.loopback import LoopbackDiscord, LoopbackError
from nazh.storage import Storage
from tests.bot.process_support import bots, start_bot

if TYPE_CHECKING:
    from pathlib import Path

    from nazh.loopback import User

__all__ = ("bots",)

FAST = "100000/1"
"""A roll rate no test reaches."""

LOSS_WINDOW = 1.5
"""A kill may lose the rolls of the last flush interval (1 s) plus one flush's duration."""

_TOTAL = re.compile(r"= `(\d+)`")


def _directory(path: Path) -> Path:
    path.mkdir()
    return path


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
    process = await start_bot(emu, tmp_path, bots, NAZH_ROLL_RATE=FAST)
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
            await start_bot(
                emu,
                _directory(tmp_path / f"shard{shard}"),
                bots,
                NAZH_DATABASE_URL=postgres_url,
                NAZH_SHARD_COUNT="2",
                NAZH_SHARD_IDS=str(shard),
                NAZH_ROLL_RATE=FAST,
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
