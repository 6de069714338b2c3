"""The real Nazh app against the loopback Discord (fixtures shared with tests/bot)."""

from __future__ import annotations

from tests.bot.bot_support import app, emu, start_app

__all__ = ("app", "emu", "start_app")
