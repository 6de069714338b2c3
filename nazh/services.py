"""The shared objects that command handlers use, registered once in lightbulb's DI."""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from typing import TYPE_CHECKING, Any, Literal, NamedTuple, TypeVar

import lightbulb

from nazh.dice.dialects import NAZH, get_dialect
from nazh.dice.errors import DiceError
from nazh.notices import NoteBook
from nazh.storage import GuildSettings

if TYPE_CHECKING:
    from collections.abc import Coroutine

    import hikari

    from nazh.cluster import ShardCoordinator
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
SETTINGS_RETRY = 5.0
"""Seconds after a failed settings read during which rolls use the defaults without asking."""

_T = TypeVar("_T")


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
    cluster: ShardCoordinator | None = None
    """This process's part of a cluster that claims its shards (`NAZH_SHARD_IDS=auto`)."""
    settings_unreadable: bool = False
    """Whether the last read of a player's or server's settings failed (warned once)."""
    settings_skip_until: float = 0.0
    """While storage is failing: the monotonic time before which settings are not read at all
    (defaults are used at once), so an outage costs each roll nothing."""

    async def guild_prefix(self, guild_id: int | None) -> str:
        """The message-command prefix in a guild (the default in DMs); storage errors propagate."""
        default = self.settings.prefix
        if not guild_id:
            return default
        return await self.storage.get_prefix(guild_id) or default

    async def guild_settings(self, guild_id: int | None) -> GuildSettings:
        """The server's settings: the defaults in DMs, and while storage fails (see `_read`)."""
        if not guild_id:
            return GuildSettings()
        return await self._read(self.storage.guild_settings(guild_id), GuildSettings())

    async def _read(self, reading: Coroutine[Any, Any, _T], default: _T) -> _T:
        """`reading`'s value, or `default` when storage does not answer within `SETTINGS_WAIT`
        seconds; after a failure, for `SETTINGS_RETRY` seconds, `default` at once. The first
        failure of an outage is one WARNING, its end one INFO."""
        if time.monotonic() < self.settings_skip_until:
            reading.close()
            return default
        # A stalled database can take longer to cancel than to wait for: the read goes on in
        # its own task, left to finish (or time out) in the background.
        task = asyncio.ensure_future(reading)
        try:
            value = await asyncio.wait_for(asyncio.shield(task), SETTINGS_WAIT)
        except Exception as error:
            task.add_done_callback(_consume)
            self.settings_skip_until = time.monotonic() + SETTINGS_RETRY
            if not self.settings_unreadable:
                self.settings_unreadable = True
                reason = str(error).strip().partition("\n")[0] or type(error).__name__
                _LOGGER.warning("cannot read settings, using the defaults: %s", reason)
            return default
        if self.settings_unreadable:
            self.settings_unreadable = False
            _LOGGER.info("reading settings works again")
        return value

    async def dialect_for(self, guild_id: int | None, user_id: int) -> DialectChoice:
        """The player's own dialect, else the server's, else the default.

        A setting that cannot be read within `SETTINGS_WAIT` seconds (the database is away or
        stalled, or names a dialect this version does not know) counts as unset, so rolls keep
        working; the first failure of an outage is one WARNING, its end one INFO.
        """
        mine = await self._read(self.storage.user_dialect(user_id), None)
        server = (await self.guild_settings(guild_id)).dialect
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


def _consume(task: asyncio.Future[Any]) -> None:
    """Retrieve an abandoned read's outcome, so a late failure is not reported as unhandled."""
    if not task.cancelled():
        task.exception()


async def services_of(client: lightbulb.Client) -> Services:
    """The :class:`Services` registered in ``client``'s dependency injection."""
    async with client.di.enter_context(lightbulb.di.Contexts.DEFAULT) as container:
        return await container.get(Services)
