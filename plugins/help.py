"""The help plugin: ``/help [topic] [system]`` and ``!help`` (also what a bare mention of the
bot gets)."""

from __future__ import annotations

import lightbulb

from nazh.commands.help import TOPICS, show_help
from nazh.dice.systems import SYSTEMS
from nazh.invocation import Invocation, SlashInvocation
from nazh.prefix import PrefixCommand
from nazh.services import Services

loader = lightbulb.Loader()


@loader.command
class Help(
    lightbulb.SlashCommand,
    name="help",
    description="How to use Nazh: commands, dice notation, game systems, the builder, statistics",
):
    """``/help [topic] [system]``."""

    topic = lightbulb.string(
        "topic",
        "What to explain (all commands when left out)",
        choices=[lightbulb.Choice(name, name) for name in TOPICS],
        default=None,
    )
    system = lightbulb.string(
        "system",
        "A game system's card: its rule, outcomes and edition",
        choices=[
            lightbulb.Choice(f"{system.title} ({name})"[:100], name)
            for name, system in SYSTEMS.items()
        ],
        default=None,
    )

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await show_help(SlashInvocation(services, ctx), self.topic, self.system)


async def _prefix_help(invocation: Invocation, text: str) -> None:
    topic, *rest = text.split(maxsplit=1) or [""]
    system = rest[0] if rest and topic.casefold() == "system" else None
    await show_help(invocation, topic or None, system)


loader.add(PrefixCommand("help", _prefix_help))
