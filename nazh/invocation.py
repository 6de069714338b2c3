"""One command call, whether it came as a slash command or a prefix message."""

from __future__ import annotations

import abc
import contextlib
import logging
import time
from typing import TYPE_CHECKING, Any, Literal

import hikari

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Sequence

    import lightbulb
    import miru

    from nazh.services import Services

__all__ = (
    "ALREADY_ACKNOWLEDGED",
    "ComponentInvocation",
    "Invocation",
    "MessageInvocation",
    "SlashInvocation",
    "Source",
    "landed_anyway",
)

Source = Literal["slash", "prefix", "component"]


_LOGGER = logging.getLogger(__name__)

_MANAGE_GUILD = hikari.Permissions.MANAGE_GUILD | hikari.Permissions.ADMINISTRATOR

_NO_MENTIONS: dict[str, Any] = {
    "mentions_everyone": False,
    "user_mentions": False,
    "role_mentions": False,
}


def _parts(
    embeds: Sequence[hikari.Embed],
    components: Sequence[hikari.api.ComponentBuilder],
    attachments: Sequence[hikari.Resourceish],
) -> dict[str, Any]:
    """Message parts as hikari takes them, with every mention disabled."""
    return {
        "embeds": list(embeds) if embeds else hikari.UNDEFINED,
        "components": list(components) if components else hikari.UNDEFINED,
        "attachments": list(attachments) if attachments else hikari.UNDEFINED,
        **_NO_MENTIONS,
    }


class Invocation(abc.ABC):
    """Who called a command, where, and how to answer them.

    Every answer is sent with all mentions disabled, so no text a user typed can ping anyone.
    """

    __slots__ = ("channel_id", "guild_id", "services", "started", "user")

    source: Source
    answers_expire: bool
    """Whether the first answer can only be edited for a while (an interaction token's life)."""

    def __init__(
        self,
        services: Services,
        user: hikari.User,
        guild_id: hikari.Snowflake | None,
        channel_id: hikari.Snowflake,
    ) -> None:
        self.services = services
        self.user = user
        self.guild_id = guild_id
        self.channel_id = channel_id
        self.started = time.perf_counter()

    @abc.abstractmethod
    async def respond(
        self,
        content: str | None = None,
        *,
        embeds: Sequence[hikari.Embed] = (),
        components: Sequence[hikari.api.ComponentBuilder] = (),
        attachments: Sequence[hikari.Resourceish] = (),
        ephemeral: bool = False,
    ) -> hikari.Snowflake | None:
        """Answer the caller; ``ephemeral`` answers only them where Discord allows it.

        Returns the id of the message sent, where it is known without another request.
        """

    @abc.abstractmethod
    async def defer(self, *, ephemeral: bool = False) -> None:
        """Tell Discord the answer will take a moment (a no-op for messages)."""

    @abc.abstractmethod
    async def fetch_response_id(self) -> hikari.Snowflake:
        """The id of the first answer sent (one request for interactions, none for messages)."""

    @abc.abstractmethod
    async def edit_response(
        self, content: str, *, components: Sequence[hikari.api.ComponentBuilder] = ()
    ) -> None:
        """Replace the text and components of the first answer sent."""

    async def respond_private(
        self, content: str, *, attachments: Sequence[hikari.Resourceish] = ()
    ) -> None:
        """Answer only the caller: ephemeral where Discord allows it (see `MessageInvocation`)."""
        await self.respond(content, attachments=attachments, ephemeral=True)

    @property
    def elapsed(self) -> float:
        """Seconds since the command arrived."""
        return time.perf_counter() - self.started

    @property
    def role_ids(self) -> Sequence[hikari.Snowflake]:
        """The caller's roles in the server (none in DMs)."""
        return ()

    @property
    def manages_guild(self) -> bool:
        """Whether Discord says the caller has Manage Server here (False when it does not say)."""
        return False


ALREADY_ACKNOWLEDGED = 40060
"""Discord's error code for an interaction answered already."""


@contextlib.asynccontextmanager
async def landed_anyway() -> AsyncGenerator[None]:
    """Treat "already acknowledged" as success: Discord took an answer, failed with a 5xx, and
    hikari's retry was told the first one landed. The player saw it, so it counts."""
    try:
        yield
    except hikari.BadRequestError as error:
        if error.code != ALREADY_ACKNOWLEDGED:
            raise
        _LOGGER.info("an answer's acknowledgement was lost, but Discord had taken it")


def _member_manages(member: hikari.InteractionMember | None) -> bool:
    return member is not None and bool(member.permissions & _MANAGE_GUILD)


class SlashInvocation(Invocation):
    """A slash command, answered through its interaction."""

    __slots__ = ("context",)

    source: Source = "slash"
    answers_expire = True

    def __init__(self, services: Services, context: lightbulb.Context) -> None:
        super().__init__(services, context.user, context.guild_id, context.channel_id)
        self.context = context

    @property
    def role_ids(self) -> Sequence[hikari.Snowflake]:
        member = self.context.member
        return member.role_ids if member is not None else ()

    @property
    def manages_guild(self) -> bool:
        return _member_manages(self.context.member)

    async def respond(
        self,
        content: str | None = None,
        *,
        embeds: Sequence[hikari.Embed] = (),
        components: Sequence[hikari.api.ComponentBuilder] = (),
        attachments: Sequence[hikari.Resourceish] = (),
        ephemeral: bool = False,
    ) -> hikari.Snowflake | None:
        async with landed_anyway():
            await self.context.respond(
                content if content is not None else hikari.UNDEFINED,
                ephemeral=ephemeral,
                **_parts(embeds, components, attachments),
            )
        return None

    async def defer(self, *, ephemeral: bool = False) -> None:
        await self.context.defer(ephemeral=ephemeral)

    async def fetch_response_id(self) -> hikari.Snowflake:
        return (await self.context.interaction.fetch_initial_response()).id

    async def edit_response(
        self, content: str, *, components: Sequence[hikari.api.ComponentBuilder] = ()
    ) -> None:
        await self.context.interaction.edit_initial_response(
            content,
            components=list(components),
            **_NO_MENTIONS,
        )


class MessageInvocation(Invocation):
    """A prefix command, answered with a reply in the same channel."""

    __slots__ = ("message", "replies", "sent")

    source: Source = "prefix"
    answers_expire = False

    def __init__(self, services: Services, message: hikari.Message) -> None:
        super().__init__(services, message.author, message.guild_id, message.channel_id)
        self.message = message
        self.sent: hikari.Snowflake | None = None
        """The id of the first reply sent."""
        self.replies = 0
        """Messages sent so far, numbering each one's nonce."""

    def nonce(self) -> str:
        """The nonce of the next message this command sends: the command message's id and the
        message's number, so a retried request (or a command delivered twice) is never posted
        twice: Discord keeps the first message of a nonce (`enforce_nonce`)."""
        self.replies += 1
        return f"{self.message.id}-{self.replies}"

    @property
    def role_ids(self) -> Sequence[hikari.Snowflake]:
        member = self.message.member
        return member.role_ids if member is not None else ()

    async def respond_private(
        self, content: str, *, attachments: Sequence[hikari.Resourceish] = ()
    ) -> None:
        """In DMs a reply; in a server a direct message, and a short reply saying so (or, when
        the caller's DMs are closed, how to get the answer with the slash command)."""
        if self.guild_id is None:
            await self.respond(content, attachments=attachments)
            return
        rest = self.services.bot.rest
        try:
            channel = await rest.create_dm_channel(self.user.id)
            await rest.create_message(
                channel,
                content,
                attachments=list(attachments) or hikari.UNDEFINED,
                nonce=self.nonce(),
                **_NO_MENTIONS,
            )
        except hikari.ForbiddenError:
            await self.respond(
                "I can't send you a direct message (your DMs are closed here): "
                "use the slash command instead, it answers only you."
            )
            return
        await self.respond("I've sent you the answer in a direct message.")

    async def respond(
        self,
        content: str | None = None,
        *,
        embeds: Sequence[hikari.Embed] = (),
        components: Sequence[hikari.api.ComponentBuilder] = (),
        attachments: Sequence[hikari.Resourceish] = (),
        ephemeral: bool = False,
    ) -> hikari.Snowflake | None:
        sent = await self.services.bot.rest.create_message(
            self.channel_id,
            content if content is not None else hikari.UNDEFINED,
            nonce=self.nonce(),
            reply=self.message,
            reply_must_exist=False,
            mentions_reply=False,
            **_parts(embeds, components, attachments),
        )
        if self.sent is None:
            self.sent = sent.id
        return sent.id

    async def defer(self, *, ephemeral: bool = False) -> None:
        return None

    async def fetch_response_id(self) -> hikari.Snowflake:
        if self.sent is None:
            raise RuntimeError("nothing was sent yet")
        return self.sent

    async def edit_response(
        self, content: str, *, components: Sequence[hikari.api.ComponentBuilder] = ()
    ) -> None:
        await self.services.bot.rest.edit_message(
            self.channel_id,
            await self.fetch_response_id(),
            content,
            components=list(components),
            **_NO_MENTIONS,
        )


class ComponentInvocation(Invocation):
    """A press on a component (button, select or modal) of a miru view, answered through it."""

    __slots__ = ("context",)

    source: Source = "component"
    answers_expire = True

    def __init__(self, services: Services, context: miru.ViewContext | miru.ModalContext) -> None:
        interaction = context.interaction
        super().__init__(services, context.user, context.guild_id, interaction.channel_id)
        self.context = context

    @property
    def role_ids(self) -> Sequence[hikari.Snowflake]:
        member = self.context.member
        return member.role_ids if member is not None else ()

    @property
    def manages_guild(self) -> bool:
        return _member_manages(self.context.member)

    async def respond(
        self,
        content: str | None = None,
        *,
        embeds: Sequence[hikari.Embed] = (),
        components: Sequence[hikari.api.ComponentBuilder] = (),
        attachments: Sequence[hikari.Resourceish] = (),
        ephemeral: bool = False,
    ) -> hikari.Snowflake | None:
        async with landed_anyway():
            await self.context.respond(
                content if content is not None else hikari.UNDEFINED,
                flags=hikari.MessageFlag.EPHEMERAL if ephemeral else hikari.MessageFlag.NONE,
                **_parts(embeds, components, attachments),
            )
        return None

    async def defer(self, *, ephemeral: bool = False) -> None:
        await self.context.defer(
            flags=hikari.MessageFlag.EPHEMERAL if ephemeral else hikari.MessageFlag.NONE
        )

    async def fetch_response_id(self) -> hikari.Snowflake:
        return (await self.context.interaction.fetch_initial_response()).id

    async def edit_response(
        self, content: str, *, components: Sequence[hikari.api.ComponentBuilder] = ()
    ) -> None:
        await self.context.edit_response(
            content,
            components=list(components),
            **_NO_MENTIONS,
        )
