"""Prefix commands (``!roll 4d6kh3``): one small router that calls the slash commands' handlers."""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

import hikari
import lightbulb

from nazh.invocation import Invocation, MessageInvocation

if TYPE_CHECKING:
    from nazh.services import Services

__all__ = (
    "BARE_MENTION_COMMAND",
    "PrefixCommand",
    "PrefixHandler",
    "PrefixRouter",
    "split_command",
)

_LOGGER = logging.getLogger(__name__)

BARE_MENTION_COMMAND = "help"
"""The command a message that only mentions the bot runs."""

PrefixHandler = Callable[[Invocation, str], Awaitable[None]]
"""Called with the invocation and the text after the command name."""


@dataclasses.dataclass(frozen=True, slots=True, eq=False)
class PrefixCommand(lightbulb.Loadable):
    """A prefix command that a plugin's ``Loader`` adds and removes with the plugin.

    As lightbulb's ``Loadable`` contract asks, loading or unloading it twice is harmless.
    """

    name: str
    handler: PrefixHandler
    aliases: tuple[str, ...] = ()

    @property
    def names(self) -> tuple[str, ...]:
        """The name and its aliases."""
        return (self.name, *self.aliases)

    async def load(self, client: lightbulb.Client) -> None:
        (await _router_of(client)).add(self)

    async def unload(self, client: lightbulb.Client) -> None:
        (await _router_of(client)).remove(self)


async def _router_of(client: lightbulb.Client) -> PrefixRouter:
    async with client.di.enter_context(lightbulb.di.Contexts.DEFAULT) as container:
        return await container.get(PrefixRouter)


def split_command(content: str, prefixes: tuple[str, ...]) -> tuple[str, str] | None:
    """``("roll", "4d6kh3 fireball")`` from ``"!roll 4d6kh3 fireball"``, or None if no prefix."""
    for prefix in prefixes:
        if content.startswith(prefix):
            parts = content[len(prefix) :].split(maxsplit=1)
            if parts:
                return parts[0].lower(), parts[1].strip() if len(parts) > 1 else ""
    return None


class PrefixRouter:
    """Routes prefix messages to the :class:`PrefixCommand` registered under their name."""

    __slots__ = ("_commands", "services")

    def __init__(self, services: Services) -> None:
        self.services = services
        self._commands: dict[str, PrefixCommand] = {}

    def add(self, command: PrefixCommand) -> None:
        """Route ``command``'s names to it; adding it again changes nothing.

        A name routed to another command is a :class:`ValueError`.
        """
        taken = [name for name in command.names if self._commands.get(name, command) is not command]
        if taken:
            raise ValueError(f"prefix command name(s) already registered: {', '.join(taken)}")
        for name in command.names:
            self._commands[name] = command

    def remove(self, command: PrefixCommand) -> None:
        """Stop routing ``command``'s names; removing it again changes nothing."""
        for name in command.names:
            if self._commands.get(name) is command:
                del self._commands[name]

    @property
    def commands(self) -> dict[str, PrefixCommand]:
        """Every routed name and its command."""
        return dict(self._commands)

    async def prefixes(self, guild_id: hikari.Snowflake | None) -> tuple[str, ...]:
        """The prefixes that address the bot: a mention of it, and the guild's or the default."""
        me = self.services.bot.get_me()
        mentions = (f"<@{me.id}>", f"<@!{me.id}>") if me is not None else ()
        try:
            prefix = await self.services.guild_prefix(guild_id)
        except Exception as error:
            # Guessing the prefix could answer a server that chose another; mentions are safe.
            _LOGGER.warning(
                "cannot read the prefix of guild %s, serving mentions only: %s",
                guild_id,
                str(error).strip().partition("\n")[0],
            )
            return mentions
        return (*mentions, prefix)

    async def on_message(self, event: hikari.MessageCreateEvent) -> None:
        """Dispatch a message to its prefix command, if it is one."""
        message = event.message
        if event.author.is_bot or message.webhook_id is not None or not message.content:
            return
        prefixes = await self.prefixes(message.guild_id)
        found = split_command(message.content, prefixes)
        if found is None:
            bare = message.content.strip()
            if not bare.startswith("<@") or bare not in prefixes:
                return
            found = (BARE_MENTION_COMMAND, "")
        name, args = found
        command = self._commands.get(name)
        if command is None:
            return
        invocation = MessageInvocation(self.services, message)
        try:
            await command.handler(invocation, args)
        except Exception:
            _LOGGER.exception("prefix command %r failed", name)
            self.services.metrics.errors.labels("prefix").inc()
            try:
                await invocation.respond("Something went wrong on my side; the error is logged.")
            except hikari.HikariError:
                _LOGGER.warning("could not report the failure of %r", name)
