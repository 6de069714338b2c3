"""Per-server settings as one value."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ("GuildSettings",)


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """A server's settings; None everywhere is the default (and no row in the database)."""

    prefix: str | None = None
    """The message-command prefix, None for the bot's default."""
    dialect: str | None = None
    """The notation dialect of the server's rolls, None for the default."""
    roll_manager_role: int | None = None
    """The role allowed to manage the server's saved rolls, None when none is set."""
    system: str | None = None
    """The name of the server's game system (``fitd``), None when it has not chosen one."""
