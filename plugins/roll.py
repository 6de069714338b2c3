"""The roll plugin: ``/roll`` with autocomplete, ``!roll`` / ``!r``, ``!gmroll`` / ``!gr``, and
the Roll again and Reveal buttons of every result."""

from __future__ import annotations

import lightbulb

from nazh.commands import roll as rolling
from nazh.commands.help import server_system
from nazh.commands.rolls import saved_for_completion
from nazh.invocation import Invocation, SlashInvocation
from nazh.prefix import PrefixCommand
from nazh.results.buttons import ResultButtons
from nazh.services import Services

loader = lightbulb.Loader()


async def _complete_expression(
    ctx: lightbulb.AutocompleteContext[str], services: Services = lightbulb.di.INJECTED
) -> None:
    partial = str(ctx.focused.value or "")
    user_id = ctx.interaction.user.id
    guild_id = ctx.interaction.guild_id
    recent = await services.storage.recent(user_id)
    saved = await saved_for_completion(services.storage, user_id, guild_id)
    system = await server_system(services.storage, guild_id)
    await ctx.respond(rolling.suggest(partial, recent, saved, system=system))


@loader.command
class Roll(
    lightbulb.SlashCommand,
    name="roll",
    description="Roll dice: 1d20+5 attack, 4d6kh3, 2d20kh1, 8d6 fireball ...",
):
    """``/roll expression [private] [secret]``."""

    expression = lightbulb.string(
        "expression",
        "What to roll, then an optional comment: 1d20+5 attack the goblin",
        autocomplete=_complete_expression,
        max_length=1000,
    )
    private = lightbulb.boolean("private", "Only you see the result", default=False)
    secret = lightbulb.boolean(
        "secret",
        "Only you and the GM see the result; the table sees that you rolled",
        default=False,
    )

    @lightbulb.invoke
    async def invoke(
        self, ctx: lightbulb.Context, services: Services = lightbulb.di.INJECTED
    ) -> None:
        await rolling.roll(
            SlashInvocation(services, ctx),
            self.expression,
            private=self.private,
            secret=self.secret,
        )


async def _prefix_roll(invocation: Invocation, text: str) -> None:
    await rolling.roll(invocation, text)


async def _prefix_gmroll(invocation: Invocation, text: str) -> None:
    await rolling.roll(invocation, text, secret=True)


loader.add(PrefixCommand("roll", _prefix_roll, aliases=("r",)))
loader.add(PrefixCommand("gmroll", _prefix_gmroll, aliases=("gr",)))
loader.add(ResultButtons())
