"""Start-up: a plugin that cannot load is reported and the rest of the bot serves."""

from __future__ import annotations

import asyncio
import logging
import os
import sqlite3
import sys
from typing import TYPE_CHECKING

from nazh.app import NazhApp
from nazh.extensions import PluginState
from nazh.storage import MIGRATIONS, Storage
from tests.bot.bot_support import settings_for
from tests.runtime.test_config import TOKEN

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

    from nazh.loopback import LoopbackDiscord
    from tests.bot.bot_support import StartApp


async def test_a_plugin_that_fails_to_load_does_not_stop_the_bot(
    emu: LoopbackDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = NazhApp(settings_for(emu, tmp_path), plugins=("roll", "nosuch"), health=False)
    await app.start()
    try:
        await emu.wait_commands({"roll"})
        outcome = await emu.slash("roll", {"expression": "1d6"})
        assert "1d6 (" in outcome.content
        assert app.plugin_manager.loaded == ("roll",)
        assert [s.name for s in app.plugin_manager.status() if s.state is PluginState.LOADED] == [
            "roll"
        ]
    finally:
        await app.stop()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == ["there is no plugin named 'nosuch'; starting without it (see /admin plugins)"]


async def test_a_newer_database_stops_the_command_with_one_line(tmp_path: Path) -> None:
    storage = await Storage.open(None, data_dir=tmp_path)
    await storage.close()
    with sqlite3.connect(tmp_path / "nazh.sqlite3") as db:
        db.execute("UPDATE schema_version SET version = 999")
    env = {
        **os.environ,
        "DISCORD_TOKEN": TOKEN,
        "NAZH_DATA_DIR": str(tmp_path),
        "NAZH_DATABASE_URL": "",
        "NAZH_DISCORD_API_URL": "http://127.0.0.1:9/api/v10",
        "PORT": "0",
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "nazh", env=env, cwd=tmp_path, stderr=asyncio.subprocess.PIPE
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    lines = stderr.decode().strip().splitlines()
    assert process.returncode == 1
    assert lines == [
        f"nazh: error: database schema is version 999 but this Nazh knows up to "
        f"{len(MIGRATIONS)}; upgrade Nazh"
    ]


async def test_the_result_ttl_setting_reaches_storage(start_app: StartApp) -> None:
    app = await start_app(result_ttl_days=3)
    assert app.storage is not None
    assert app.storage.results.ttl == 3 * 24 * 3600
