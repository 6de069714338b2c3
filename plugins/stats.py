"""The stats plugin: ``/stats me|server|bot|forget-me``, ``/odds``, ``!stats`` and ``!odds``."""

from __future__ import annotations

import hikari
import lightbulb

from nazh.commands import odds as odds_command
from nazh.commands import stats as stats_command
from nazh.invocation import Invocation, SlashInvocation
from nazh.prefix import PrefixCommand
from nazh.services import Services

loader = lightbulb.Loader()
forget_me = stats_command.ForgetMe()
loader.add(forget_me)

stats = lightbulb.Group("stats", "Roll statistics: yours, this server's and the bot's")


@stats.register
class Me(
    lightbulb.SlashCommand, name="me", description="Your roll statistics, or another player's"
):
    """``/stats me [user] [scope]``."""

    user = lightbulb.user("user", "Whose statistics (default: yours)", default=None)
    scope = lightbulb.string(
        "scope",
        "This server only, or everywhere (all servers and DMs)",
        choices=[
            lightbulb.Choice("this server", "server"),
            lightbulb.Choice("everywhere", "everywhere"),
        ],
        default="server",
    )

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        user: hikari.User | None = self.user
        await stats_command.stats_me(SlashInvocation(services, ctx), user, self.scope)


@stats.register
class Server(
    lightbulb.SlashCommand,
    name="server",
    description="This server's rolls, most active players, luckiest and unluckiest d20s",
):
    """``/stats server``."""

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await stats_command.stats_server(SlashInvocation(services, ctx))


@stats.register
class Bot(
    lightbulb.SlashCommand,
    name="bot",
    description="Uptime, servers, shards, latency, rolls served, memory and version",
):
    """``/stats bot``."""

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await stats_command.stats_bot(SlashInvocation(services, ctx))


@stats.register
class ForgetMe(
    lightbulb.SlashCommand,
    name="forget-me",
    description="Delete all your roll statistics and recent rolls (asks first)",
):
    """``/stats forget-me``."""

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await forget_me.prompt(SlashInvocation(services, ctx))


loader.command(stats)


@loader.command
class Odds(
    lightbulb.SlashCommand,
    name="odds",
    description="Exact odds of a roll, or of a game system's outcomes (fitd(3)), with a chart",
):
    """``/odds expression [target]``."""

    expression = lightbulb.string(
        "expression", "What to work out, like 4d6kh3 or 2d20kh1+5", max_length=200
    )
    target = lightbulb.integer(
        "target", "Show the chance of rolling this total or more", default=None
    )

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await odds_command.odds(SlashInvocation(services, ctx), self.expression, self.target)


async def _prefix_stats(invocation: Invocation, text: str) -> None:
    await stats_command.prefix_stats(invocation, text, forget_me)


async def _prefix_odds(invocation: Invocation, text: str) -> None:
    await odds_command.odds(invocation, text)


loader.add(PrefixCommand("stats", _prefix_stats))
loader.add(PrefixCommand("odds", _prefix_odds))
