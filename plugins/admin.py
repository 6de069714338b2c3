"""The admin plugin: ``/admin plugins|reload|load|unload|sync`` and ``!admin ...``, owners only."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import hikari
import lightbulb

from nazh.commands.admin import Action, Admin, AdminPrefix
from nazh.extensions import PluginManager
from nazh.invocation import SlashInvocation
from nazh.services import Services

loader = lightbulb.Loader()

admin = lightbulb.Group(
    "admin",
    "Owner tools: list, load, unload and reload plugins",
    default_member_permissions=hikari.Permissions.ADMINISTRATOR,
)

Completer = Callable[..., Awaitable[None]]


def _completer(action: Action) -> Completer:
    async def complete(
        ctx: lightbulb.AutocompleteContext[str],
        manager: PluginManager = lightbulb.di.INJECTED,
        services: Services = lightbulb.di.INJECTED,
    ) -> None:
        names = await Admin(ctx.client, manager).suggest(
            ctx.interaction.user.id, services.settings.owner_ids, action, str(ctx.focused.value)
        )
        await ctx.respond([(name, name) for name in names])

    return complete


async def _run(
    ctx: lightbulb.Context,
    services: Services,
    manager: PluginManager,
    action: Action,
    plugin: str | None = None,
) -> None:
    await Admin(ctx.client, manager).run(SlashInvocation(services, ctx), action, plugin)


@admin.register
class Plugins(
    lightbulb.SlashCommand, name="plugins", description="List the plugins and their state"
):
    """``/admin plugins``."""

    @lightbulb.invoke
    async def invoke(
        self,
        ctx: lightbulb.Context,
        services: Services = lightbulb.di.INJECTED,
        manager: PluginManager = lightbulb.di.INJECTED,
    ) -> None:
        await _run(ctx, services, manager, Action.PLUGINS)


@admin.register
class Reload(lightbulb.SlashCommand, name="reload", description="Reload a plugin from its source"):
    """``/admin reload <plugin>``: a broken edit keeps the old version running."""

    plugin = lightbulb.string(
        "plugin", "The plugin to reload", autocomplete=_completer(Action.RELOAD), max_length=32
    )

    @lightbulb.invoke
    async def invoke(
        self,
        ctx: lightbulb.Context,
        services: Services = lightbulb.di.INJECTED,
        manager: PluginManager = lightbulb.di.INJECTED,
    ) -> None:
        await _run(ctx, services, manager, Action.RELOAD, self.plugin)


@admin.register
class Load(lightbulb.SlashCommand, name="load", description="Load a plugin that is not loaded"):
    """``/admin load <plugin>``."""

    plugin = lightbulb.string(
        "plugin", "The plugin to load", autocomplete=_completer(Action.LOAD), max_length=32
    )

    @lightbulb.invoke
    async def invoke(
        self,
        ctx: lightbulb.Context,
        services: Services = lightbulb.di.INJECTED,
        manager: PluginManager = lightbulb.di.INJECTED,
    ) -> None:
        await _run(ctx, services, manager, Action.LOAD, self.plugin)


@admin.register
class Unload(lightbulb.SlashCommand, name="unload", description="Unload a plugin"):
    """``/admin unload <plugin>``."""

    plugin = lightbulb.string(
        "plugin", "The plugin to unload", autocomplete=_completer(Action.UNLOAD), max_length=32
    )

    @lightbulb.invoke
    async def invoke(
        self,
        ctx: lightbulb.Context,
        services: Services = lightbulb.di.INJECTED,
        manager: PluginManager = lightbulb.di.INJECTED,
    ) -> None:
        await _run(ctx, services, manager, Action.UNLOAD, self.plugin)


@admin.register
class Sync(lightbulb.SlashCommand, name="sync", description="Resync the application commands"):
    """``/admin sync``."""

    @lightbulb.invoke
    async def invoke(
        self,
        ctx: lightbulb.Context,
        services: Services = lightbulb.di.INJECTED,
        manager: PluginManager = lightbulb.di.INJECTED,
    ) -> None:
        await _run(ctx, services, manager, Action.SYNC)


loader.command(admin)
loader.add(AdminPrefix())
