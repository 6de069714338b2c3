"""The real Nazh app (hikari, lightbulb, miru and our plugins) against the loopback Discord.

Shared by the bot, builder and stats tests: their ``conftest.py`` import the fixtures.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import pytest

from nazh.app import NazhApp
from nazh.config import Settings
from nazh.loopback import LoopbackDiscord

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

__all__ = ("StartApp", "app", "emu", "settings_for", "start_app")

StartApp = Callable[..., Awaitable[NazhApp]]
"""Starts Nazh with settings overrides (the ``start_app`` fixture)."""


def settings_for(emu: LoopbackDiscord, data_dir: Path, **overrides: object) -> Settings:
    """Settings that point Nazh at ``emu``, its guilds as dev guilds, health on a free port."""
    base = Settings(
        token=emu.token,
        port=0,
        health_host="127.0.0.1",
        api_url=emu.rest_url,
        guild_ids=tuple(emu.guild_ids),
        data_dir=data_dir,
        roll_rate=(1000, 1.0),
    )
    return dataclasses.replace(base, **overrides)  # type: ignore[arg-type]


@pytest.fixture
async def emu() -> AsyncIterator[LoopbackDiscord]:
    emulator = LoopbackDiscord(guilds=2)
    await emulator.start()
    yield emulator
    await emulator.stop()
    assert emulator.violations == []


@pytest.fixture
async def start_app(
    emu: LoopbackDiscord, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[StartApp]:
    """Start Nazh with optional settings overrides; stops it and checks the logs afterwards."""
    caplog.set_level(logging.INFO)
    apps: list[NazhApp] = []

    async def start(**overrides: object) -> NazhApp:
        app = NazhApp(settings_for(emu, tmp_path, **overrides))
        apps.append(app)
        await app.start()
        await emu.wait_ready()
        await emu.wait_commands({"roll"})
        return app

    yield start
    for app in apps:
        await app.stop()
    errors = [
        f"{record.name}: {record.getMessage()}"
        for record in caplog.records
        if record.levelno >= logging.ERROR
    ]
    assert errors == []


@pytest.fixture
async def app(start_app: StartApp) -> NazhApp:
    return await start_app()
