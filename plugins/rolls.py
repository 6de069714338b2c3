"""The saved-rolls plugin: ``/rolls save|list|show|delete|rename|export|import`` and ``!rolls``."""

from __future__ import annotations

import hikari
import lightbulb

from nazh.commands import rolls
from nazh.invocation import Invocation, MessageInvocation, SlashInvocation
from nazh.prefix import PrefixCommand
from nazh.services import Services

loader = lightbulb.Loader()

_SCOPES = [lightbulb.Choice("just me", "me"), lightbulb.Choice("this server", "server")]


def _scope(value: str) -> rolls.Scope:
    return "server" if value == "server" else "me"


def _upload(attachment: hikari.Attachment) -> rolls.Upload:
    return rolls.Upload(attachment.filename, attachment.size, attachment.read)


async def _complete_name(
    ctx: lightbulb.AutocompleteContext[str], services: Services = lightbulb.di.INJECTED
) -> None:
    choices = await rolls.name_choices(
        services.storage,
        str(ctx.focused.value or ""),
        user_id=ctx.interaction.user.id,
        guild_id=ctx.interaction.guild_id,
    )
    await ctx.respond(choices)


group = lightbulb.Group("rolls", "Your saved rolls, and the server's: roll them by name")
loader.command(group)


def _name(description: str) -> str:
    return lightbulb.string("name", description, autocomplete=_complete_name, max_length=40)


@group.register
class Save(lightbulb.SlashCommand, name="save", description="Save a roll under a name"):
    """``/rolls save name expression [scope]``."""

    name = lightbulb.string("name", "Letters, digits, _ and -: attack, sneak-attack", max_length=40)
    expression = lightbulb.string(
        "expression",
        "What it rolls, with {param=default} for parameters: {level=1}d8+{bonus=0} radiant",
        max_length=1000,
    )
    scope = lightbulb.string("scope", "Yours, or the server's", default="me", choices=_SCOPES)

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await rolls.save(
            SlashInvocation(services, ctx), self.name, self.expression, _scope(self.scope)
        )


@group.register
class List(lightbulb.SlashCommand, name="list", description="Your saved rolls and the server's"):
    """``/rolls list``."""

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await rolls.list_rolls(SlashInvocation(services, ctx))


@group.register
class Show(lightbulb.SlashCommand, name="show", description="A saved roll and what it rolls"):
    """``/rolls show name``."""

    name = _name("The saved roll (server:name for the server's)")

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await rolls.show(SlashInvocation(services, ctx), self.name)


@group.register
class Delete(lightbulb.SlashCommand, name="delete", description="Delete a saved roll"):
    """``/rolls delete name [scope]``."""

    name = _name("The saved roll to delete")
    scope = lightbulb.string("scope", "Yours, or the server's", default="me", choices=_SCOPES)

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await rolls.delete(SlashInvocation(services, ctx), self.name, _scope(self.scope))


@group.register
class Rename(lightbulb.SlashCommand, name="rename", description="Give a saved roll a new name"):
    """``/rolls rename old new [scope]``."""

    old = lightbulb.string("old", "Its name now", autocomplete=_complete_name, max_length=40)
    new = lightbulb.string("new", "Its new name", max_length=40)
    scope = lightbulb.string("scope", "Yours, or the server's", default="me", choices=_SCOPES)

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await rolls.rename(SlashInvocation(services, ctx), self.old, self.new, _scope(self.scope))


@group.register
class Export(lightbulb.SlashCommand, name="export", description="Your saved rolls as a file"):
    """``/rolls export [scope]``."""

    scope = lightbulb.string("scope", "Yours, or the server's", default="me", choices=_SCOPES)

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await rolls.export(SlashInvocation(services, ctx), _scope(self.scope))


@group.register
class Import(lightbulb.SlashCommand, name="import", description="Read a saved-rolls file"):
    """``/rolls import file [replace] [scope]``."""

    file = lightbulb.attachment("file", "A file from /rolls export (JSON)")
    replace = lightbulb.boolean(
        "replace", "Drop the saved rolls the file does not have", default=False
    )
    scope = lightbulb.string("scope", "Yours, or the server's", default="me", choices=_SCOPES)

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await rolls.import_file(
            SlashInvocation(services, ctx),
            _upload(self.file),
            replace=self.replace,
            scope=_scope(self.scope),
        )


async def _prefix_rolls(invocation: Invocation, text: str) -> None:
    attached = invocation.message.attachments if isinstance(invocation, MessageInvocation) else ()
    await rolls.prefix(invocation, text, [_upload(a) for a in attached])


loader.add(PrefixCommand("rolls", _prefix_rolls))
