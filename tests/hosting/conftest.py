"""Fixtures: the stand-in public URL, and the real Nazh app against the loopback Discord."""

from __future__ import annotations

from tests.bot.bot_support import emu, start_app
from tests.hosting.hosting_support import public_url

__all__ = ("emu", "public_url", "start_app")
