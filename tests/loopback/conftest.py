"""A minimal real hikari + lightbulb + miru bot (not Nazh) driven through the emulator."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

import hikari
import lightbulb
import miru
import pytest

from nazh.loopback import LoopbackDiscord

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

BOT_INTENTS = (
    hikari.Intents.GUILDS
    | hikari.Intents.GUILD_MESSAGES
    | hikari.Intents.DM_MESSAGES
    | hikari.Intents.MESSAGE_CONTENT
)
COMMANDS = {
    "echo",
    "admin",
    "panel",
    "defer",
    "follow",
    "long",
    "ping",
    "upload",
    "inspect",
    "gm",
    "scatter",
    "ack",
}
_FRAMEWORK_LOGGERS = ("hikari", "lightbulb", "miru")


async def _suggest(ctx: lightbulb.AutocompleteContext[str]) -> None:
    typed = str(ctx.focused.value or "")
    await ctx.respond([f"{typed}{suffix}" for suffix in ("1", "2", "3")])


class Echo(lightbulb.SlashCommand, name="echo", description="Say something back"):
    text = lightbulb.string("text", "What to say", autocomplete=_suggest)
    private = lightbulb.boolean("private", "Only you see it", default=False)
    times = lightbulb.integer("times", "How often", default=1, min_value=1, max_value=3)

    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        await ctx.respond(" ".join([self.text] * self.times), ephemeral=self.private)


class Ping(lightbulb.SlashCommand, name="ping", description="A global command"):
    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        where = "dm" if ctx.guild_id is None else "guild"
        await ctx.respond(f"pong from {where}")


admin = lightbulb.Group("admin", "Administration")
config = admin.subgroup("config", "Configuration")


@admin.register
class Reload(lightbulb.SlashCommand, name="reload", description="Reload everything"):
    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        await ctx.respond("reloaded", ephemeral=True)


@config.register
class ConfigSet(lightbulb.SlashCommand, name="set", description="Set a key"):
    key = lightbulb.string("key", "Key", choices=[lightbulb.Choice("prefix", "prefix")])
    value = lightbulb.string("value", "Value")

    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        await ctx.respond(f"{self.key}={self.value}")


class AskModal(miru.Modal, title="A question"):
    answer = miru.TextInput(label="Answer", custom_id="answer", required=True)
    note = miru.TextInput(label="Note", custom_id="note", required=False)

    async def callback(self, ctx: miru.ModalContext) -> None:
        await ctx.respond(f"answer={self.answer.value} note={self.note.value or '-'}")


class Panel(miru.View):
    @miru.button(label="Hit", custom_id="hit")
    async def hit(self, ctx: miru.ViewContext, button: miru.Button) -> None:
        await ctx.edit_response(content=f"hit by {ctx.user.id}")

    @miru.text_select(
        custom_id="pick",
        options=[miru.SelectOption("Alpha", "a"), miru.SelectOption("Beta", "b")],
        max_values=2,
    )
    async def pick(self, ctx: miru.ViewContext, select: miru.TextSelect) -> None:
        await ctx.respond(f"picked {','.join(select.values)}", flags=hikari.MessageFlag.EPHEMERAL)

    @miru.button(label="Ask", custom_id="ask")
    async def ask(self, ctx: miru.ViewContext, button: miru.Button) -> None:
        await ctx.respond_with_modal(AskModal(custom_id="ask-modal"))


class Defer(lightbulb.SlashCommand, name="defer", description="Think first"):
    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        await ctx.defer(ephemeral=True)
        await ctx.respond("thought about it")


class Follow(lightbulb.SlashCommand, name="follow", description="Two messages"):
    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        await ctx.respond("first")
        await ctx.respond("second")


class Long(lightbulb.SlashCommand, name="long", description="Too long a message"):
    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        await ctx.respond("x" * 2001)


class Upload(lightbulb.SlashCommand, name="upload", description="Send a file"):
    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        await ctx.respond("here", attachment=hikari.Bytes(b"1d20 = 17", "roll.txt"))


class Inspect(lightbulb.SlashCommand, name="inspect", description="Read an attached file"):
    file = lightbulb.attachment("file", "The file to read")
    replace = lightbulb.boolean("replace", "Whether it replaces", default=False)

    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        data = await self.file.read()
        await ctx.respond(
            f"{self.file.filename} {self.file.size} {self.file.media_type} "
            f"{data.decode()} replace={self.replace}",
            attachment=hikari.Bytes(data[::-1], "reversed.txt"),
        )


class Gm(lightbulb.SlashCommand, name="gm", description="Where secrets go"):
    channel = lightbulb.channel(
        "channel", "The GM channel", channel_types=[hikari.ChannelType.GUILD_TEXT], default=None
    )
    role = lightbulb.role("role", "The GM role", default=None)
    who = lightbulb.mentionable("who", "Someone or a role", default=None)

    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        """Say what arrived: options as hikari parsed them and the invoker's member."""
        parts: list[str] = []
        if self.channel is not None:
            channel = self.channel
            assert isinstance(channel, hikari.InteractionChannel)
            parts.append(
                f"channel={channel.id}:{channel.name}:{int(channel.type)}:{int(channel.permissions)}"
            )
        if self.role is not None:
            parts.append(f"role={self.role.id}:{self.role.name}:{int(self.role.permissions)}")
        if self.who is not None:
            resolved = ctx.interaction.resolved
            assert resolved is not None
            kind = "role" if self.who in resolved.roles else "user"
            parts.append(f"who={kind}:{self.who}")
        member = ctx.member
        assert member is not None
        roles = ",".join(str(r) for r in sorted(member.role_ids))
        parts.append(f"permissions={int(member.permissions)} roles={roles}")
        await ctx.respond(" ".join(parts))


def _again_row(bot: hikari.GatewayBot, custom_id: str) -> hikari.api.MessageActionRowBuilder:
    row = bot.rest.build_message_action_row()
    return row.add_interactive_button(hikari.ButtonStyle.PRIMARY, custom_id, label="Again")


class Scatter(lightbulb.SlashCommand, name="scatter", description="Post everywhere"):
    channel = lightbulb.channel("channel", "Where the GM reads")

    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context, bot: hikari.GatewayBot) -> None:
        """Answer privately, post to another channel and to the user's DMs, then follow up;
        every message but the first has a button."""
        await ctx.respond("scattering", ephemeral=True)
        await bot.rest.create_message(
            self.channel.id, "for the GM", component=_again_row(bot, "again:gm")
        )
        dm = await bot.rest.create_dm_channel(ctx.user)
        await bot.rest.create_message(dm, "for you", component=_again_row(bot, "again:dm"))
        await ctx.respond(
            "followed up", ephemeral=True, component=_again_row(bot, "again:followup")
        )


class Ack(lightbulb.SlashCommand, name="ack", description="Acknowledge, whatever it takes"):
    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        """Respond; when the response failed yet went through, say so in a follow-up."""
        try:
            await ctx.respond("acknowledged")
        except hikari.BadRequestError as error:
            await ctx.interaction.execute(f"already acknowledged: {error.code}")


async def _on_again(event: hikari.InteractionCreateEvent) -> None:
    """Persistent buttons: any message's `again:*` button, registered at start-up."""
    interaction = event.interaction
    if isinstance(interaction, hikari.ComponentInteraction) and (
        interaction.custom_id.startswith("again:")
    ):
        await interaction.create_initial_response(
            hikari.ResponseType.MESSAGE_CREATE,
            f"{interaction.custom_id} by {interaction.user.id} on {interaction.message.id} "
            f"in {interaction.channel_id}",
        )


def build_bot(emu: LoopbackDiscord, intents: hikari.Intents = BOT_INTENTS) -> hikari.GatewayBot:
    """The test bot: lightbulb commands (guild-scoped, /ping global), a miru panel, !ping and
    persistent `again:*` buttons."""
    bot = hikari.GatewayBot(
        emu.token, rest_url=emu.rest_url, intents=intents, banner=None, logs=None
    )
    client = lightbulb.client_from_app(bot, default_enabled_guilds=[emu.guild_id])
    views = miru.Client(bot)
    bot.subscribe(hikari.StartedEvent, client.start)
    for command in (Echo, admin, Defer, Follow, Long, Upload, Inspect, Gm, Scatter, Ack):
        client.register(command)
    bot.subscribe(hikari.InteractionCreateEvent, _on_again)
    client.register(Ping, global_=True)

    @client.register
    class PanelCommand(lightbulb.SlashCommand, name="panel", description="Buttons"):
        @lightbulb.invoke
        async def invoke(self, ctx: lightbulb.Context) -> None:
            view = Panel(timeout=None)
            await ctx.respond("panel", components=view)
            views.start_view(view, bind_to=None)

    async def on_message(event: hikari.MessageCreateEvent) -> None:
        if event.is_human and event.message.content == "!ping":
            await event.message.respond("pong", reply=True)

    bot.subscribe(hikari.MessageCreateEvent, on_message)
    return bot


@pytest.fixture
async def emu() -> AsyncIterator[LoopbackDiscord]:
    emulator = LoopbackDiscord(guilds=2)
    await emulator.start()
    yield emulator
    await emulator.stop()


@pytest.fixture
def make_bot() -> Callable[[LoopbackDiscord, hikari.Intents], hikari.GatewayBot]:
    """Build (not start) the test bot for an emulator, with given intents."""
    return build_bot


@pytest.fixture
async def bot(
    emu: LoopbackDiscord, caplog: pytest.LogCaptureFixture
) -> AsyncIterator[hikari.GatewayBot]:
    """The test bot, started, identified and synced; fails on framework errors in the logs."""
    caplog.set_level(logging.WARNING)
    app = build_bot(emu)
    await app.start(check_for_updates=False)
    await emu.wait_ready()
    await emu.wait_commands(COMMANDS)
    yield app
    await app.close()
    errors = [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.ERROR and record.name.startswith(_FRAMEWORK_LOGGERS)
    ]
    assert errors == []
