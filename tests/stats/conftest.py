"""Fixtures: the real Nazh app against the loopback Discord (from tests/bot) and PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from tests.bot.bot_support import emu, start_app
from tests.storage.storage_support import postgres_server, postgres_url

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord
    from tests.bot.bot_support import StartApp

__all__ = ("emu", "postgres_server", "postgres_url", "start_app")


@pytest.fixture
async def app(emu: LoopbackDiscord, start_app: StartApp) -> NazhApp:
    """Nazh with every plugin loaded, once /stats and /odds are synced."""
    started = await start_app()
    await emu.wait_commands({"stats", "odds"})
    return started
