"""The shared objects that command handlers use, registered once in lightbulb's DI."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from typing import TYPE_CHECKING, Literal, NamedTuple

import lightbulb

from nazh.dice.dialects import NAZH, get_dialect
from nazh.dice.errors import DiceError
from nazh.notices import NoteBook

if TYPE_CHECKING:
    import hikari

    from nazh.config import Settings
    from nazh.dice.dialects import Dialect
    from nazh.metrics import Metrics
    from nazh.ratelimit import SlidingWindowLimiter
    from nazh.stats.offload import OffloadPool
    from nazh.storage import Storage

__all__ = ("DialectChoice", "DialectSource", "Services", "services_of")

_LOGGER = logging.getLogger(__name__)

SETTINGS_WAIT = 1.0
"""Seconds a roll waits for the player's and the server's settings before using defaults."""


DialectSource = Literal["default", "server", "player"]


class DialectChoice(NamedTuple):
    """The dialect a player's rolls are read in, and who chose it."""

    dialect: Dialect
    source: DialectSource


@dataclasses.dataclass(slots=True, eq=False)
class Services:
    """What a command handler may use: settings, the bot, metrics, limits, storage and workers."""

    settings: Settings
    bot: hikari.GatewayBot
    metrics: Metrics
    roll_limiter: SlidingWindowLimiter
    storage: Storage
    offload: OffloadPool
    """Worker processes for CPU-heavy jobs (exact odds, charts)."""
    started_at: float = dataclasses.field(default_factory=time.time)
    notes: NoteBook = dataclasses.field(default_factory=NoteBook)
    """The reading notes each player has been shown."""
    settings_unreadable: bool = False
    """Whether the last read of a player's or server's settings failed (warned once)."""

    async def guild_prefix(self, guild_id: int | None) -> str:
        """The message-command prefix in a guild (the default in DMs); storage errors propagate."""
        default = self.settings.prefix
        if not guild_id:
            return default
        return await self.storage.get_prefix(guild_id) or default

    async def dialect_for(self, guild_id: int | None, user_id: int) -> DialectChoice:
        """The player's own dialect, else the server's, else the default.

        A setting that cannot be read within `SETTINGS_WAIT` seconds (the database is away or
        stalled, or names a dialect this version does not know) counts as unset, so rolls keep
        working; the first failure of an outage is one WARNING, its end one INFO.
        """
        try:
            async with asyncio.timeout(SETTINGS_WAIT):
                mine = await self.storage.user_dialect(user_id)
                guild = await self.storage.guild_settings(guild_id) if guild_id else None
        except Exception as error:
            if not self.settings_unreadable:
                self.settings_unreadable = True
                reason = str(error).strip().partition("\n")[0] or type(error).__name__
                _LOGGER.warning("cannot read settings, using the defaults: %s", reason)
            return DialectChoice(NAZH, "default")
        if self.settings_unreadable:
            self.settings_unreadable = False
            _LOGGER.info("reading settings works again")
        server = guild.dialect if guild is not None else None
        sources: tuple[tuple[str | None, DialectSource], ...] = (
            (mine, "player"),
            (server, "server"),
        )
        for name, source in sources:
            if name is None:
                continue
            try:
                return DialectChoice(get_dialect(name), source)
            except DiceError:
                _LOGGER.warning("ignoring the unknown stored dialect %r", name)
        return DialectChoice(NAZH, "default")


async def services_of(client: lightbulb.Client) -> Services:
    """The :class:`Services` registered in ``client``'s dependency injection."""
    async with client.di.enter_context(lightbulb.di.Contexts.DEFAULT) as container:
        return await container.get(Services)
