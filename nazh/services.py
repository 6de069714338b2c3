"""The shared objects that command handlers use, registered once in lightbulb's DI."""

from __future__ import annotations

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

    async def guild_prefix(self, guild_id: int | None) -> str:
        """The message-command prefix in a guild (the default in DMs); storage errors propagate."""
        default = self.settings.prefix
        if not guild_id:
            return default
        return await self.storage.get_prefix(guild_id) or default

    async def dialect_for(self, guild_id: int | None, user_id: int) -> DialectChoice:
        """The player's own dialect, else the server's, else the default.

        A setting that cannot be read (the database is away, or names a dialect this version
        does not know) counts as unset, so rolls keep working.
        """
        try:
            mine = await self.storage.user_dialect(user_id)
            server = (await self.storage.guild_settings(guild_id)).dialect if guild_id else None
        except Exception as error:
            _LOGGER.warning(
                "cannot read the dialect settings, using the default: %s",
                str(error).strip().partition("\n")[0],
            )
            return DialectChoice(NAZH, "default")
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
