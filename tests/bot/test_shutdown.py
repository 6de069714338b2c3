"""Shutting down: statistics are saved last, and a failure to save them is one logged line."""

from __future__ import annotations

import asyncio
import logging
import sqlite3
from typing import TYPE_CHECKING

from nazh.app import NazhApp
from tests.bot.bot_support import settings_for

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

    from nazh.loopback import LoopbackDiscord


async def test_a_database_lost_at_shutdown_is_logged_not_raised(
    emu: LoopbackDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = NazhApp(settings_for(emu, tmp_path), plugins=("roll",), health=False)
    await app.start()
    try:
        await emu.wait_commands({"roll"})
        outcome = await emu.slash("roll", {"expression": "1d20"})
        assert "1d20 (" in outcome.content
        with sqlite3.connect(tmp_path / "nazh.sqlite3") as db:
            db.execute("ALTER TABLE face_counts RENAME TO face_counts_away")
        storage = app.storage
        assert storage is not None
        storage.record_roll(guild_id=None, user_id=1, dice=[(6, 6)])
    finally:
        await app.stop()
    await app.stop()
    said = [r for r in caplog.records if r.levelno >= logging.WARNING and r.name == "nazh"]
    assert len(said) == 1
    message = said[0].getMessage()
    assert "statistics" in message
    assert "journaled 2 rolls" in message
    assert said[0].levelno == logging.WARNING, "journaled, so nothing was lost"
    assert "\n" not in message
    assert said[0].exc_info is None


async def test_a_stop_request_during_a_stalled_start_shuts_down_promptly(
    emu: LoopbackDiscord, tmp_path: Path
) -> None:
    emu.fail_next("PUT", "/applications/*/guilds/*/commands", retry_after=60, count=100)
    app = NazhApp(settings_for(emu, tmp_path), plugins=("roll",), health=False)
    running = asyncio.create_task(app.run())
    await emu.wait_ready()
    await asyncio.sleep(0.5)
    assert not running.done()
    app.request_stop()
    await asyncio.wait_for(running, timeout=10)
    assert 0 not in emu.connected_shards
