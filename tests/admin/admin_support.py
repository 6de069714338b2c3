"""Shared by the admin tests: the probe plugin's source and reading the bot's answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nazh.loopback import Outcome, StoredMessage


def answer(outcome: Outcome) -> StoredMessage:
    """The bot's final visible answer to one action (past any 'thinking...' placeholder)."""
    shown = [message for message in outcome.messages if not message.loading]
    assert shown, f"the bot did not answer {outcome!r}"
    return shown[-1]


def command_names(commands: dict[int | None, list[dict[str, object]]]) -> set[str]:
    """The names of every synced command, in any scope."""
    return {str(command["name"]) for scope in commands.values() for command in scope}


PROBE = '''
"""A plugin for the admin tests: a slash command, a listener and a prefix command."""

import hikari
import lightbulb

from nazh.invocation import Invocation
from nazh.prefix import PrefixCommand

VERSION = "{version}"
loader = lightbulb.Loader()


@loader.command
class Probe(lightbulb.SlashCommand, name="probe", description="Says its version"):
    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        await ctx.respond(f"probe {{VERSION}}")


@loader.listener(hikari.MessageCreateEvent)
async def on_message(event: hikari.MessageCreateEvent) -> None:
    if event.message.content == "ping probe":
        await event.app.rest.create_message(event.channel_id, f"pong {{VERSION}}")


async def _prefix(invocation: Invocation, text: str) -> None:
    await invocation.respond(f"prefix probe {{VERSION}}")


loader.add(PrefixCommand("{prefix_name}", _prefix))
{extra}
'''


def probe_source(version: str, *, prefix_name: str = "probe", extra: str = "") -> str:
    """The probe plugin's source, answering with ``version``."""
    return PROBE.format(version=version, prefix_name=prefix_name, extra=extra)
