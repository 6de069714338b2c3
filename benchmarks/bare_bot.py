"""A bare lightbulb bot answering ``/roll`` with a constant: the framework's own limit.

Run by ``bot_throughput.py`` as the peer; reads DISCORD_TOKEN, NAZH_DISCORD_API_URL and
NAZH_GUILD_IDS like Nazh, with the same intents and cache settings.
"""

from __future__ import annotations

import asyncio
import os
import signal

import hikari
import lightbulb

from nazh.app import PREFIX_INTENTS


class Roll(lightbulb.SlashCommand, name="roll", description="Answers a constant"):
    expression = lightbulb.string("expression", "ignored")

    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        await ctx.respond("4d6kh3 (5, 4, ~~1~~, 3) = `12`")


async def main() -> None:
    bot = hikari.GatewayBot(
        os.environ["DISCORD_TOKEN"],
        intents=PREFIX_INTENTS,
        rest_url=os.environ["NAZH_DISCORD_API_URL"],
        cache_settings=hikari.impl.CacheSettings(
            components=hikari.api.CacheComponents.GUILDS | hikari.api.CacheComponents.ME
        ),
        logs=None,
        banner=None,
        suppress_optimization_warning=True,
    )
    guilds = [int(g) for g in os.environ["NAZH_GUILD_IDS"].split(",")]
    client = lightbulb.client_from_app(bot, default_enabled_guilds=guilds)
    client.register(Roll)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    await bot.start(check_for_updates=False)
    await client.start()
    await stop.wait()
    await bot.close()


if __name__ == "__main__":
    asyncio.run(main())
