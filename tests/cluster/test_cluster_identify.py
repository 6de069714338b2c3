"""A cluster process records every IDENTIFY its gateway library sends, also one hikari sends on
its own after a session is invalidated, so the next identify slot keeps its distance."""

from __future__ import annotations

import asyncio
import time
from typing import TYPE_CHECKING

import asyncpg

from nazh.app import NazhApp
from tests.bot.bot_support import emu, settings_for

if TYPE_CHECKING:
    from pathlib import Path

    from nazh.loopback import LoopbackDiscord

__all__ = ("emu",)


async def next_slot_in(url: str) -> float:
    """Seconds from now to the next free identify slot of bucket 0."""
    connection = await asyncpg.connect(url)
    try:
        value = await connection.fetchval(
            "SELECT next_at - (extract(epoch FROM clock_timestamp()) * 1000)::bigint"
            " FROM identify_slots WHERE bucket = 0"
        )
    finally:
        await connection.close()
    return int(value) / 1000


async def test_a_new_session_hikari_starts_by_itself_moves_the_next_slot(
    postgres_url: str, emu: LoopbackDiscord, tmp_path: Path
) -> None:
    emu.identify_window = 0
    app = NazhApp(settings_for(emu, tmp_path, database_url=postgres_url, cluster=True))
    await app.start()
    try:
        await emu.wait_shards(max_wait=20)
        await asyncio.sleep(6.0)
        assert await next_slot_in(postgres_url) < 0, "the start's slot has passed"
        identified = len(emu.accepted_identifies)
        await emu.send_invalid_session(resumable=False)
        started = time.monotonic()
        while len(emu.accepted_identifies) == identified:
            assert time.monotonic() - started < 15, "hikari never identified again"
            await asyncio.sleep(0.05)
        await emu.wait_shards(max_wait=5)
        for _ in range(40):
            if await next_slot_in(postgres_url) > 4.0:
                break
            await asyncio.sleep(0.05)
        assert 4.0 < await next_slot_in(postgres_url) <= 5.5
    finally:
        await app.stop()
