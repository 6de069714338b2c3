"""Per-server settings as one value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TypedDict

__all__ = ("GuildSettings", "GuildSettingsChanges")


@dataclass(frozen=True, slots=True)
class GuildSettings:
    """A server's settings; the defaults everywhere mean no row in the database.

    A column holding NULL reads as its field's default, and a field set to its default is
    stored as NULL.
    """

    prefix: str | None = None
    """The message-command prefix, None for the bot's default."""
    dialect: str | None = None
    """The notation dialect of the server's rolls, None for the default."""
    roll_manager_role: int | None = None
    """The role allowed to manage the server's saved rolls, None when none is set."""
    system: str | None = None
    """The name of the server's game system (``fitd``), None when it has not chosen one."""
    gm_channel_id: int | None = None
    """The channel secret rolls go to, None when none is set."""
    gm_role_id: int | None = None
    """The game masters' role (it may reveal anyone's result), None when none is set."""
    secret_notice: bool = True
    """Whether a secret roll leaves a short notice, without its result, in the table's channel."""
    buttons: bool = True
    """Whether results carry their Roll again and Reveal buttons."""
    reroll_anyone: bool = False
    """Whether anyone may press Roll again, not only the roller."""
    inline_rolls: bool = False
    """Whether ``[[1d20]]`` in ordinary messages is rolled."""


class GuildSettingsChanges(TypedDict, total=False):
    """Fields of `GuildSettings` to change, for `Storage.set_guild_settings`."""

    prefix: str | None
    dialect: str | None
    roll_manager_role: int | None
    system: str | None
    gm_channel_id: int | None
    gm_role_id: int | None
    secret_notice: bool
    buttons: bool
    reroll_anyone: bool
    inline_rolls: bool
