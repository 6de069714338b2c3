"""Start-up: a plugin that cannot load is reported and the rest of the bot serves."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from nazh.app import NazhApp
from nazh.extensions import PluginState
from nazh.loopback import LoopbackDiscord
from tests.bot.conftest import settings_for


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
