"""The admin plugin: ``/admin plugins|reload|load|unload|sync`` and ``!admin ...``, owners only."""

from __future__ import annotations

import hikari
import lightbulb

from nazh.commands.admin import Action, Admin
from nazh.invocation import SlashInvocation
from nazh.services import Services

loader = lightbulb.Loader()
tools = Admin()
loader.add(tools)

admin = lightbulb.Group(
    "admin",
    "Owner tools: list, load, unload and reload plugins",
    default_member_permissions=hikari.Permissions.ADMINISTRATOR,
)


@admin.register
class Plugins(
    lightbulb.SlashCommand, name="plugins", description="List the plugins and their state"
):
    """``/admin plugins``."""

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await tools.run(SlashInvocation(services, ctx), Action.PLUGINS)


def _plugin_command(action: Action, description: str) -> type[lightbulb.SlashCommand]:
    """``/admin <action> <plugin>``, the plugin name autocompleted for owners."""

    async def complete(ctx: lightbulb.AutocompleteContext[str]) -> None:
        names = await tools.suggest(ctx.interaction.user.id, action, str(ctx.focused.value))
        await ctx.respond([(name, name) for name in names])

    class PluginCommand(lightbulb.SlashCommand, name=action.value, description=description):
        plugin = lightbulb.string(
            "plugin", f"The plugin to {action.value}", autocomplete=complete, max_length=32
        )

        @lightbulb.invoke
        async def invoke(
            self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
        ) -> None:
            await tools.run(SlashInvocation(services, ctx), action, self.plugin)

    return PluginCommand


admin.register(_plugin_command(Action.RELOAD, "Reload a plugin from its source"))
admin.register(_plugin_command(Action.LOAD, "Load a plugin that is not loaded"))
admin.register(_plugin_command(Action.UNLOAD, "Unload a plugin"))


@admin.register
class Sync(lightbulb.SlashCommand, name="sync", description="Resync the application commands"):
    """``/admin sync``."""

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await tools.run(SlashInvocation(services, ctx), Action.SYNC)


loader.command(admin)
