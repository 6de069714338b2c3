"""The builder plugin: ``/build`` (ephemeral) and ``!build`` (a message only its author uses)."""

from __future__ import annotations

import lightbulb

from nazh.builder import BuilderHub
from nazh.invocation import Invocation, SlashInvocation
from nazh.prefix import PrefixCommand
from nazh.services import Services

loader = lightbulb.Loader()
hub = BuilderHub()
loader.add(hub)


@loader.command
class Build(
    lightbulb.SlashCommand,
    name="build",
    description="Build a roll with buttons: pick dice, modifiers, advantage, then roll",
):
    """``/build``."""

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await hub.open(SlashInvocation(services, ctx), ephemeral=True)


async def _prefix_build(invocation: Invocation, text: str) -> None:
    await hub.open(invocation, ephemeral=False)


loader.add(PrefixCommand("build", _prefix_build))
