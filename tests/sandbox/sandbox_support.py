"""Shared by the sandbox tests: plugins with components and with files; output helpers."""

from __future__ import annotations

import re

WIDGETS = '''
"""Buttons, a select menu, an embed, a modal, and posts elsewhere, for the sandbox tests."""

import hikari
import lightbulb

loader = lightbulb.Loader()


@loader.command
class Widgets(lightbulb.SlashCommand, name="widgets", description="A panel of components"):
    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        buttons = hikari.impl.MessageActionRowBuilder()
        buttons.add_interactive_button(hikari.ButtonStyle.PRIMARY, "w:roll", label="Roll")
        buttons.add_interactive_button(hikari.ButtonStyle.SECONDARY, "w:form", label="Form")
        buttons.add_interactive_button(
            hikari.ButtonStyle.DANGER, "w:off", label="Off", is_disabled=True
        )
        menu = hikari.impl.MessageActionRowBuilder()
        select = menu.add_text_menu("w:die", placeholder="d20", min_values=1)
        for sides in (4, 8, 20):
            select.add_option(f"d{sides}", f"d{sides}", description=f"{sides} sides")
        embed = hikari.Embed(title="Widgets", description="A *test* panel", color=0x3366FF)
        embed.add_field("Die", "d20")
        embed.set_footer("made for tests")
        await ctx.respond("Pick one", embed=embed, components=[buttons, menu])


@loader.command
class Where(lightbulb.SlashCommand, name="where", description="Post in another channel"):
    channel = lightbulb.channel("channel", "Where to post")
    role = lightbulb.role("role", "Whom it is for", default=None)

    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        rest = ctx.interaction.app.rest
        named = f"For <@&{self.role.id}>" if self.role is not None else "For nobody"
        await rest.create_message(self.channel.id, named, role_mentions=False)
        dm = await rest.create_dm_channel(ctx.user)
        await rest.create_message(dm, f"Sent to <#{self.channel.id}>")
        await ctx.respond(f"Posted in <#{self.channel.id}>")


@loader.listener(hikari.InteractionCreateEvent)
async def on_interaction(event: hikari.InteractionCreateEvent) -> None:
    interaction = event.interaction
    if isinstance(interaction, hikari.ComponentInteraction):
        if interaction.custom_id == "w:roll":
            await interaction.create_initial_response(
                hikari.ResponseType.MESSAGE_UPDATE, "Rolled a 4"
            )
        elif interaction.custom_id == "w:die":
            await interaction.create_initial_response(
                hikari.ResponseType.MESSAGE_UPDATE, f"Die: {interaction.values[0]}"
            )
        elif interaction.custom_id == "w:form":
            await interaction.create_modal_response(
                "Character",
                "w:modal",
                components=[
                    hikari.impl.ModalActionRowBuilder().add_text_input("name", "Name"),
                    hikari.impl.ModalActionRowBuilder().add_text_input(
                        "level", "Level", required=False, value="1"
                    ),
                ],
            )
    elif isinstance(interaction, hikari.ModalInteraction) and interaction.custom_id == "w:modal":
        fields = {
            item.custom_id: item.value
            for row in interaction.components
            for item in getattr(row, "components", ())
        }
        await interaction.create_initial_response(
            hikari.ResponseType.MESSAGE_CREATE,
            f"Created {fields['name']} at level {fields['level']}",
            flags=hikari.MessageFlag.EPHEMERAL,
        )
'''

EXPORTED = b'{"rolls": ["4d6kh3"]}'
"""The bytes of the file ``/files export`` sends."""

FILES = '''
"""A file option and a file answer, for the sandbox tests."""

import hikari
import lightbulb

loader = lightbulb.Loader()
files = lightbulb.Group("files", "Files in and out")


@files.register
class Import(lightbulb.SlashCommand, name="import", description="Read a file"):
    file = lightbulb.attachment("file", "The file to read")
    replace = lightbulb.boolean("replace", "Whether it replaces", default=False)

    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        data = await self.file.read()
        await ctx.respond(
            f"Read {self.file.filename}: {data.decode()} replace={self.replace}", ephemeral=True
        )


@files.register
class Export(lightbulb.SlashCommand, name="export", description="Send a file"):
    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        await ctx.respond("Your rolls", attachment=hikari.Bytes(EXPORTED, "rolls.json"))


loader.command(files)
'''.replace("EXPORTED", repr(EXPORTED))
"""A plugin (``filetest``): ``/files import file:<attachment> [replace]``, ``/files export``."""

_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def strip_ansi(text: str) -> str:
    """``text`` without ANSI styles."""
    return _ANSI.sub("", text)
