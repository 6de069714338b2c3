"""``python -m nazh`` on a PostgreSQL that goes away: SIGTERM still exits within 10 seconds, logs
how many rolls it journaled, and the next start writes them, so the statistics show every roll."""

from __future__ import annotations

import asyncio
import re
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
import pytest
from sqlalchemy import make_url

from nazh.loopback import LoopbackError
from nazh.storage.journal import JOURNAL_DIRECTORY
from tests.bot.bot_support import emu
from tests.bot.process_support import bots, start_bot

if TYPE_CHECKING:
    from nazh.loopback import LoopbackDiscord
    from tests.faults.dbproxy import DatabaseProxy

__all__ = ("bots", "emu")

EXIT_LIMIT = 10.0
"""Seconds SIGTERM may take to stop the bot, whatever the database does."""
LOSS_WINDOW = 1.5
"""A SIGKILL may lose the rolls of the last flush interval (1 s) plus one journal write's time."""

_JOURNALED = re.compile(r"journaled (\d+) rolls? and (\d+) results? to (\S+),")
_COUNTED = re.compile(r"In this server: (\d+) rolls?")


async def _start_bot(
    emu: LoopbackDiscord,
    database_url: str,
    data_dir: Path,
    bots: list[asyncio.subprocess.Process],
) -> asyncio.subprocess.Process:
    process = await start_bot(
        emu, data_dir, bots, NAZH_DATABASE_URL=database_url, NAZH_ROLL_RATE="100000/1"
    )
    await emu.wait_ready(max_wait=30)
    await emu.wait_commands({"roll"}, max_wait=30)
    return process


async def _stop(process: asyncio.subprocess.Process) -> tuple[float, str]:
    """SIGTERM `process`; how long it took to exit, and what it logged."""
    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(process.wait(), timeout=EXIT_LIMIT + 5)
    elapsed = time.monotonic() - started
    assert process.stderr is not None
    stderr = (await process.stderr.read()).decode()
    assert code == 0, stderr
    assert "Traceback" not in stderr, stderr
    assert "Nazh stopped" in stderr
    return elapsed, stderr


async def _roll(emu: LoopbackDiscord, count: int) -> None:
    outcomes = await asyncio.gather(
        *(
            emu.slash("roll", {"expression": "1d20"}, user=emu.users[0], settle=0.0)
            for _ in range(count)
        )
    )
    assert all("1d20 (" in outcome.content for outcome in outcomes), outcomes


def _journals(data_dir: Path) -> list[Path]:
    return sorted((data_dir / JOURNAL_DIRECTORY).glob("*.jsonl"))


async def _counted(postgres_url: str) -> int:
    connection = await asyncpg.connect(postgres_url)
    try:
        return await connection.fetchval("SELECT coalesce(sum(rolls), 0) FROM bot_totals")
    finally:
        await connection.close()


@pytest.mark.parametrize("outage", ["refuse", "stall"])
async def test_sigterm_in_an_outage_journals_the_rolls_and_the_next_start_counts_them(
    emu: LoopbackDiscord,
    proxy: DatabaseProxy,
    postgres_url: str,
    tmp_path: Path,
    bots: list[asyncio.subprocess.Process],
    *,
    outage: str,
) -> None:
    url = proxy.url(make_url(postgres_url).database or "test")
    process = await _start_bot(emu, url, tmp_path, bots)
    await _roll(emu, 12)
    await asyncio.sleep(1.5)
    if outage == "refuse":
        proxy.set_mode("refuse")
        proxy.drop()
    else:
        proxy.set_mode("stall")
    await _roll(emu, 8)
    rolled = 20

    elapsed, stderr = await _stop(process)

    assert elapsed < EXIT_LIMIT, elapsed
    journaled = _JOURNALED.findall(stderr)
    assert len(journaled) == 1, stderr
    (closing,) = [line for line in stderr.splitlines() if _JOURNALED.search(line)]
    assert " WARNING " in closing, "nothing was lost, so it is no error"
    rolls, _, name = journaled[0]
    journal = Path(name)
    written = await _counted(postgres_url)
    assert written == 12
    assert int(rolls) == rolled - written
    assert _journals(tmp_path) == [journal]

    proxy.set_mode("pass")
    await _start_bot(emu, url, tmp_path, bots)
    assert _journals(tmp_path) == []
    stats = await emu.slash("stats me", user=emu.users[0])
    assert stats.embeds, stats
    assert _COUNTED.findall(stats.embeds[0].get("description", "")) == [str(rolled)]
    assert await _counted(postgres_url) == rolled


async def test_sigterm_with_the_database_up_is_quick_and_journals_nothing(
    emu: LoopbackDiscord,
    proxy: DatabaseProxy,
    postgres_url: str,
    tmp_path: Path,
    bots: list[asyncio.subprocess.Process],
) -> None:
    url = proxy.url(make_url(postgres_url).database or "test")
    process = await _start_bot(emu, url, tmp_path, bots)
    await _roll(emu, 10)
    elapsed, stderr = await _stop(process)
    assert elapsed < 2.0, elapsed
    assert "journaled" not in stderr
    assert _journals(tmp_path) == []
    assert "could not save" not in stderr
    assert await _counted(postgres_url) == 10


async def test_sigkill_in_an_outage_loses_at_most_the_last_interval(
    emu: LoopbackDiscord,
    proxy: DatabaseProxy,
    postgres_url: str,
    tmp_path: Path,
    bots: list[asyncio.subprocess.Process],
) -> None:
    url = proxy.url(make_url(postgres_url).database or "test")
    process = await _start_bot(emu, url, tmp_path, bots)
    roller = emu.users[1]
    answered: list[float] = []
    stop = asyncio.Event()

    async def load() -> None:
        while not stop.is_set():
            try:
                outcome = await emu.slash(
                    "roll", {"expression": "1d20"}, user=roller, settle=0.0, max_wait=2
                )
            except LoopbackError:
                continue
            if outcome.callback_at is not None and "1d20 (" in outcome.content:
                answered.append(outcome.callback_at)
            await asyncio.sleep(0.02)

    loaders = [asyncio.create_task(load()) for _ in range(2)]
    await asyncio.sleep(1.5)
    proxy.set_mode("refuse")
    proxy.drop()
    await asyncio.sleep(3.0)
    killed_at = time.monotonic()
    process.send_signal(signal.SIGKILL)
    await process.wait()
    stop.set()
    await asyncio.gather(*loaders)

    proxy.set_mode("pass")
    await _start_bot(emu, url, tmp_path, bots)
    connection = await asyncpg.connect(postgres_url)
    try:
        counted = await connection.fetchval(
            "SELECT coalesce(sum(rolls), 0) FROM user_totals WHERE user_id = $1", roller.id
        )
    finally:
        await connection.close()
    before = sum(1 for at in answered if at < killed_at - LOSS_WINDOW)
    assert before > 50, f"too little load to show anything: {before} rolls"
    assert before <= counted <= len(answered)
    assert _journals(tmp_path) == []
