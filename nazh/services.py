"""The shared objects that command handlers use, registered once in lightbulb's DI."""

from __future__ import annotations

import dataclasses
import time
from typing import TYPE_CHECKING

import lightbulb

if TYPE_CHECKING:
    import hikari

    from nazh.config import Settings
    from nazh.metrics import Metrics
    from nazh.ratelimit import SlidingWindowLimiter
    from nazh.stats.offload import OffloadPool
    from nazh.storage import Storage

__all__ = ("Services", "services_of")


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

    async def guild_prefix(self, guild_id: int | None) -> str:
        """The message-command prefix in a guild (the default in DMs); storage errors propagate."""
        default = self.settings.prefix
        if not guild_id:
            return default
        return await self.storage.get_prefix(guild_id) or default


async def services_of(client: lightbulb.Client) -> Services:
    """The :class:`Services` registered in ``client``'s dependency injection."""
    async with client.di.enter_context(lightbulb.di.Contexts.DEFAULT) as container:
        return await container.get(Services)
