"""The help plugin: ``/help [topic]`` and ``!help`` (also what a bare mention of the bot gets)."""

from __future__ import annotations

import lightbulb

from nazh.commands.help import TOPICS, show_help
from nazh.invocation import Invocation, SlashInvocation
from nazh.prefix import PrefixCommand
from nazh.services import Services

loader = lightbulb.Loader()


@loader.command
class Help(
    lightbulb.SlashCommand,
    name="help",
    description="How to use Nazh: commands, dice notation, the builder, statistics",
):
    """``/help [topic]``."""

    topic = lightbulb.string(
        "topic",
        "What to explain (all commands when left out)",
        choices=[lightbulb.Choice(name, name) for name in TOPICS],
        default=None,
    )

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await show_help(SlashInvocation(services, ctx), self.topic)


async def _prefix_help(invocation: Invocation, text: str) -> None:
    await show_help(invocation, text.split(maxsplit=1)[0] if text.strip() else None)


loader.add(PrefixCommand("help", _prefix_help))
