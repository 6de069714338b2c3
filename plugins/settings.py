"""The settings plugin: ``/prefix`` to show or change a server's message-command prefix."""

from __future__ import annotations

import hikari
import lightbulb

from nazh.commands import settings
from nazh.invocation import SlashInvocation
from nazh.services import Services

loader = lightbulb.Loader()


@loader.command
class Prefix(
    lightbulb.SlashCommand,
    name="prefix",
    description="Show this server's prefix for message commands, or change it",
):
    """``/prefix [value]``."""

    value = lightbulb.string(
        "value", "The new prefix (1 to 5 characters), or 'reset'", default=None, max_length=20
    )

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        member = ctx.member
        can_manage = member is not None and bool(
            member.permissions
            & (hikari.Permissions.MANAGE_GUILD | hikari.Permissions.ADMINISTRATOR)
        )
        await settings.prefix(SlashInvocation(services, ctx), self.value, can_manage=can_manage)
