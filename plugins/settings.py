"""The settings plugin: ``/prefix``, ``/settings notation`` (``!settings notation ...``),
``/settings system`` (``!settings system`` shows it), ``/settings roll-managers``,
``/settings inline``, ``/settings gm`` and ``/settings buttons``."""

from __future__ import annotations

import hikari
import lightbulb

from nazh.commands import settings
from nazh.dice.dialects import DIALECTS
from nazh.dice.systems import SYSTEMS
from nazh.invocation import Invocation, SlashInvocation
from nazh.prefix import PrefixCommand
from nazh.services import Services

loader = lightbulb.Loader()

_MANAGE = hikari.Permissions.MANAGE_GUILD | hikari.Permissions.ADMINISTRATOR
_NOTATION_USAGE = (
    "Usage: `settings notation` shows the notation in force; "
    "`settings notation <dialect> [me]` sets the server's (or with `me`, your own). "
    "Dialects: " + ", ".join(DIALECTS) + ", or `default`. "
    "`settings system` shows the server's game system."
)

_SERVER_BY_SLASH = (
    "Change the server's notation with `/settings notation` (Discord checks Manage Server "
    "there), or your own with `settings notation <dialect> me`."
)

_SYSTEM_BY_SLASH = (
    "Choose the server's game system with `/settings system` (Discord checks Manage Server "
    "there); `settings system` shows the current one."
)


def _can_manage(member: hikari.InteractionMember | None) -> bool:
    return member is not None and bool(member.permissions & _MANAGE)


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
        await settings.prefix(
            SlashInvocation(services, ctx), self.value, can_manage=_can_manage(ctx.member)
        )


group = lightbulb.Group("settings", "Server and personal settings")
loader.command(group)


@group.register
class Notation(
    lightbulb.SlashCommand,
    name="notation",
    description="Which roller's notation your rolls follow (Roll20, Foundry, Avrae ...)",
):
    """``/settings notation [dialect] [scope]``."""

    dialect = lightbulb.string(
        "dialect",
        "The roller whose notation to follow; leave out to see the current one",
        default=None,
        choices=[lightbulb.Choice(name, name) for name in (*DIALECTS, "default")],
    )
    scope = lightbulb.string(
        "scope",
        "This server's setting (Manage Server) or your own",
        default="server",
        choices=[lightbulb.Choice("this server", "server"), lightbulb.Choice("just me", "me")],
    )

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        scope: settings.Scope = "me" if self.scope == "me" else "server"
        await settings.notation(
            SlashInvocation(services, ctx), self.dialect, scope, can_manage=_can_manage(ctx.member)
        )


@group.register
class GameSystem(
    lightbulb.SlashCommand,
    name="system",
    description="This server's game system: its roll comes first as you type /roll",
):
    """``/settings system [name]``."""

    chosen = lightbulb.string(
        "name",
        "The game system to use (Manage Server); leave out to see the current one",
        default=None,
        choices=[
            *(
                lightbulb.Choice(f"{system.title} ({name})"[:100], name)
                for name, system in SYSTEMS.items()
            ),
            lightbulb.Choice("none (clear the setting)", "default"),
        ],
    )

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await settings.game_system(
            SlashInvocation(services, ctx), self.chosen, can_manage=_can_manage(ctx.member)
        )


@group.register
class RollManagers(
    lightbulb.SlashCommand,
    name="roll-managers",
    description="The role that may change this server's saved rolls (besides Manage Server)",
):
    """``/settings roll-managers [role] [reset]``."""

    role = lightbulb.role("role", "Members with this role manage the server's rolls", default=None)
    reset = lightbulb.boolean("reset", "Leave it to Manage Server alone", default=False)

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await settings.roll_managers(
            SlashInvocation(services, ctx),
            None if self.role is None else int(self.role.id),
            reset=self.reset,
            can_manage=_can_manage(ctx.member),
        )


@group.register
class InlineRolls(
    lightbulb.SlashCommand,
    name="inline",
    description="Roll [[1d20+5]] written inside ordinary messages on this server",
):
    """``/settings inline [state]``."""

    state = lightbulb.string(
        "state",
        "Turn inline rolls on or off (Manage Server); leave out to see the current setting",
        default=None,
        choices=[lightbulb.Choice("on", "on"), lightbulb.Choice("off", "off")],
    )

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await settings.inline_rolls(
            SlashInvocation(services, ctx),
            None if self.state is None else self.state == "on",
            can_manage=_can_manage(ctx.member),
        )


@group.register
class GameMaster(
    lightbulb.SlashCommand,
    name="gm",
    description="Where secret rolls go: the GM channel, the GM role, the table's notice",
):
    """``/settings gm [channel] [role] [notice] [reset]``."""

    channel = lightbulb.channel(
        "channel",
        "The channel secret rolls go to (Manage Server)",
        default=None,
        channel_types=[hikari.ChannelType.GUILD_TEXT],
    )
    role = lightbulb.role("role", "The game masters: they may reveal anyone's result", default=None)
    notice = lightbulb.boolean(
        "notice", "Tell the table, without the result, that someone rolled secretly", default=None
    )
    reset = lightbulb.boolean("reset", "Clear the GM channel and role", default=False)

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await settings.game_master(
            SlashInvocation(services, ctx),
            channel_id=None if self.channel is None else int(self.channel.id),
            role_id=None if self.role is None else int(self.role.id),
            notice=self.notice,
            reset=self.reset,
            can_manage=_can_manage(ctx.member),
        )


@group.register
class ResultButtons(
    lightbulb.SlashCommand,
    name="buttons",
    description="Roll again and Reveal buttons under results, and who may roll again",
):
    """``/settings buttons [state] [anyone]``."""

    state = lightbulb.string(
        "state",
        "Turn the buttons on or off (Manage Server); leave out to see the current setting",
        default=None,
        choices=[lightbulb.Choice("on", "on"), lightbulb.Choice("off", "off")],
    )
    anyone = lightbulb.boolean(
        "anyone", "Let anyone press Roll again, not only the roller", default=None
    )

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await settings.result_buttons(
            SlashInvocation(services, ctx),
            None if self.state is None else self.state == "on",
            self.anyone,
            can_manage=_can_manage(ctx.member),
        )


async def _prefix_settings(invocation: Invocation, text: str) -> None:
    topic, _, rest = text.strip().partition(" ")
    if topic.casefold() == "system":
        if rest.strip() and invocation.guild_id is not None:
            await invocation.respond(_SYSTEM_BY_SLASH, ephemeral=True)
            return
        await settings.game_system(invocation, rest.strip() or None, can_manage=False)
        return
    if topic.casefold() in ("gm", "buttons"):
        if rest.strip() and invocation.guild_id is not None:
            await invocation.respond(
                f"Change it with `/settings {topic.casefold()}` (Discord checks Manage Server "
                f"there); `settings {topic.casefold()}` shows the current setting.",
                ephemeral=True,
            )
            return
        if topic.casefold() == "gm":
            await settings.game_master(
                invocation,
                channel_id=None,
                role_id=None,
                notice=None,
                reset=False,
                can_manage=False,
            )
        else:
            await settings.result_buttons(invocation, None, None, can_manage=False)
        return
    parsed = settings.parse_notation_args(rest) if topic.casefold() == "notation" else None
    if parsed is None:
        await invocation.respond(_NOTATION_USAGE, ephemeral=True)
        return
    dialect, scope = parsed
    if dialect is not None and scope == "server" and invocation.guild_id is not None:
        await invocation.respond(_SERVER_BY_SLASH, ephemeral=True)
        return
    await settings.notation(invocation, dialect, scope, can_manage=False)


loader.add(PrefixCommand("settings", _prefix_settings))
