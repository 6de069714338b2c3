"""`PressInvocation`: a press on a persistent button, answered through its interaction.

miru's `ComponentInvocation` needs a live view; a result's buttons have none (their handler
is registered once at start-up), so this answers the raw interaction itself.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

import hikari

from nazh.invocation import Invocation

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nazh.invocation import Source
    from nazh.services import Services

__all__ = ("NO_MENTIONS", "PressInvocation")

NO_MENTIONS: dict[str, Any] = {
    "mentions_everyone": False,
    "user_mentions": False,
    "role_mentions": False,
}
"""Every mention disabled, as each Nazh message sends them."""

_MANAGE_GUILD = hikari.Permissions.MANAGE_GUILD | hikari.Permissions.ADMINISTRATOR


def _flags(ephemeral: bool) -> hikari.MessageFlag:
    return hikari.MessageFlag.EPHEMERAL if ephemeral else hikari.MessageFlag.NONE


class PressInvocation(Invocation):
    """A button press: the first answer is the interaction's response, later ones follow up.

    `guild_id` is the server the pressed result belongs to, which a press in a DM (on a result
    sent there privately) does not say itself.
    """

    __slots__ = ("_answered", "_deferred", "_lock", "interaction")

    source: Source = "component"
    answers_expire = True

    def __init__(
        self,
        services: Services,
        interaction: hikari.ComponentInteraction,
        *,
        guild_id: hikari.Snowflake | None,
    ) -> None:
        super().__init__(services, interaction.user, guild_id, interaction.channel_id)
        self.interaction = interaction
        self._answered = False
        self._deferred = False
        self._lock = asyncio.Lock()

    @property
    def role_ids(self) -> Sequence[hikari.Snowflake]:
        member = self.interaction.member
        return member.role_ids if member is not None else ()

    @property
    def manages_guild(self) -> bool:
        member = self.interaction.member
        return member is not None and bool(member.permissions & _MANAGE_GUILD)

    async def respond(
        self,
        content: str | None = None,
        *,
        embeds: Sequence[hikari.Embed] = (),
        components: Sequence[hikari.api.ComponentBuilder] = (),
        attachments: Sequence[hikari.Resourceish] = (),
        ephemeral: bool = False,
    ) -> hikari.Snowflake | None:
        parts: dict[str, Any] = {
            "embeds": list(embeds) if embeds else hikari.UNDEFINED,
            "components": list(components) if components else hikari.UNDEFINED,
            "attachments": list(attachments) if attachments else hikari.UNDEFINED,
            **NO_MENTIONS,
        }
        text = content if content is not None else hikari.UNDEFINED
        async with self._lock:
            if self._deferred:
                self._deferred = False
                await self.interaction.edit_initial_response(text, **parts)
                return None
            if self._answered:
                sent = await self.interaction.execute(text, flags=_flags(ephemeral), **parts)
                return sent.id
            await self.interaction.create_initial_response(
                hikari.ResponseType.MESSAGE_CREATE, text, flags=_flags(ephemeral), **parts
            )
            self._answered = True
            return None

    async def defer(self, *, ephemeral: bool = False) -> None:
        async with self._lock:
            if self._answered:
                return
            await self.interaction.create_initial_response(
                hikari.ResponseType.DEFERRED_MESSAGE_CREATE, flags=_flags(ephemeral)
            )
            self._answered = self._deferred = True

    async def fetch_response_id(self) -> hikari.Snowflake:
        return (await self.interaction.fetch_initial_response()).id

    async def edit_response(
        self, content: str, *, components: Sequence[hikari.api.ComponentBuilder] = ()
    ) -> None:
        await self.interaction.edit_initial_response(
            content, components=list(components), **NO_MENTIONS
        )
