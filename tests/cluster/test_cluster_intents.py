"""A cluster process whose message content intent Discord refuses says what to do in one line
and releases the shard, rather than crash or retry in a loop."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from nazh.app import NazhApp
from tests.bot.bot_support import emu, settings_for

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

    from nazh.loopback import LoopbackDiscord

__all__ = ("emu",)


async def test_a_refused_intent_is_one_clear_error_and_the_shard_is_released(
    postgres_url: str, emu: LoopbackDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    emu.refuse_privileged_intents = True
    app = NazhApp(settings_for(emu, tmp_path, database_url=postgres_url, cluster=True))
    await app.start()
    try:
        errors: list[logging.LogRecord] = []
        for _ in range(100):
            errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
            if errors:
                break
            await asyncio.sleep(0.1)
        assert [r.getMessage() for r in errors] == [
            "shard 0 could not start here: Discord refused the message content intent: enable it"
            " in the Developer Portal (a cluster process cannot fall back to slash commands only)"
        ]
        assert errors[0].exc_info is None
        assert len(emu.refused_intents) == 1
        assert app.cluster is not None
        assert app.cluster.held == frozenset()
        assert emu.connected_shards == set()
        await asyncio.sleep(1.5)
        assert len(emu.refused_intents) == 1, "no retry before the back-off"
        assert app.cluster.held == frozenset(), "the shard stays free for another process"
    finally:
        await app.stop()
