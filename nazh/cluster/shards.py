"""The hikari side of a cluster member: starting and stopping shards on a running bot."""

from __future__ import annotations

import hikari

from nazh.compat import start_shard, stop_shard

__all__ = ("BotShards", "ShardRefusedError")


class ShardRefusedError(Exception):
    """Discord refused to start a shard for a reason that retrying will not change."""


class BotShards:
    """Implements `nazh.cluster.coordinator.ShardControl` on a started ``GatewayBot``."""

    __slots__ = ("_bot", "_shard_count", "_url")

    def __init__(self, bot: hikari.GatewayBot, *, shard_count: int, url: str) -> None:
        self._bot = bot
        self._shard_count = shard_count
        self._url = url

    async def start(self, shard_id: int) -> None:
        """Connect and IDENTIFY `shard_id`; returns once it is ready.

        Raises `ShardRefusedError` when Discord refuses the bot's intents.
        """
        try:
            await start_shard(self._bot, shard_id, self._shard_count, self._url)
        except hikari.GatewayServerClosedConnectionError as error:
            if error.code != hikari.ShardCloseCode.DISALLOWED_INTENT:
                raise
            raise ShardRefusedError(
                "Discord refused the message content intent: enable it in the Developer Portal "
                "(a cluster process cannot fall back to slash commands only)"
            ) from None

    async def stop(self, shard_id: int) -> None:
        """Close `shard_id` if it runs here."""
        await stop_shard(self._bot, shard_id)

    def connected(self, shard_id: int) -> bool:
        """Whether `shard_id` runs here and is connected."""
        shard = self._bot.shards.get(shard_id)
        return shard is not None and shard.is_connected
