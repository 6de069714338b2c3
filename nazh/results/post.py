"""Posting a roll's result where its visibility says, with its buttons.

A public result answers in the channel. A private one reaches the roller alone (ephemeral, or
a direct message for a prefix command in a server). A secret one reaches the roller alone and
the server's GM channel, and the table's channel gets a notice without the result. Neither is
ever written where the table reads it, nor logged.
"""

from __future__ import annotations

import dataclasses
import logging
from typing import TYPE_CHECKING

import hikari

from nazh.invocation import MessageInvocation
from nazh.results.press import NO_MENTIONS
from nazh.results.recent import recent
from nazh.results.render import buttons, secret_notice

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nazh.invocation import Invocation
    from nazh.storage import Visibility

__all__ = ("NO_GM_CHANNEL", "Rendered", "post_result", "send_private")

_LOGGER = logging.getLogger(__name__)

NO_GM_CHANNEL = (
    "-# No GM channel is set on this server, so only you see this roll. "
    "A manager can choose one: `/settings gm channel:#gm-only`."
)


@dataclasses.dataclass(frozen=True, slots=True)
class Rendered:
    """A roll's result as text: who rolled it, the dice, notes for the roller, its comment."""

    header: str
    """The first line, naming the roller."""
    body: str
    footer: str = ""
    """Reading notes, each on a line of its own (shown to the roller only)."""
    label: str | None = None
    """The roll's comment, for the notice of a secret roll."""

    @property
    def content(self) -> str:
        """The result as kept for its buttons: the header and the dice."""
        return f"{self.header}\n{self.body}"


async def post_result(
    invocation: Invocation,
    rendered: Rendered,
    *,
    text: str,
    dialect: str,
    visibility: Visibility,
    table_channel: int | None = None,
) -> None:
    """Post `rendered` as `visibility` says, with Roll again and Reveal buttons unless the
    server turned them off; `text` and `dialect` are kept to roll it again.

    `table_channel` is the channel the roll belongs to (default: where it was asked for): a
    secret roll's notice goes there. In DMs a secret roll is a private one; without a GM
    channel, it is answered privately with how to set one.
    """
    services = invocation.services
    storage = services.storage
    guild_id = invocation.guild_id
    table = table_channel if table_channel is not None else int(invocation.channel_id)
    if guild_id is None and visibility == "secret":
        visibility = "private"
    settings = await services.guild_settings(guild_id)
    components: Sequence[hikari.api.ComponentBuilder] = ()
    if settings.buttons:
        try:
            kept = await storage.results.keep(
                user_id=invocation.user.id,
                guild_id=guild_id,
                channel_id=table,
                text=text,
                dialect=dialect,
                content=rendered.content,
                visibility=visibility,
            )
        except Exception as error:
            _LOGGER.warning("cannot keep a result for its buttons: %s", _line(error))
        else:
            recent.remember(storage, kept)
            components = buttons(kept.id, visibility)
    if visibility == "public":
        await invocation.respond(f"{rendered.content}{rendered.footer}", components=components)
        return
    gm_channel = settings.gm_channel_id if visibility == "secret" else None
    if visibility == "secret" and gm_channel is None:
        mine = f"{rendered.content}{rendered.footer}\n{NO_GM_CHANNEL}"
        await send_private(invocation, mine, components, told_in_channel=False)
        return
    if gm_channel is None:
        await send_private(invocation, f"{rendered.content}{rendered.footer}", components)
        return
    notice = settings.secret_notice and gm_channel != table
    mine = f"{rendered.header} 🔒 secret, also sent to <#{gm_channel}>\n{rendered.body}"
    await send_private(invocation, f"{mine}{rendered.footer}", components, told_in_channel=notice)
    user_id = invocation.user.id
    to_gm = f"🔒 <@{user_id}> rolled secretly in <#{table}>:\n{rendered.body}"
    try:
        await services.bot.rest.create_message(
            gm_channel,
            to_gm,
            components=list(components) or hikari.UNDEFINED,
            nonce=_nonce(invocation),
            **NO_MENTIONS,
        )
    except (hikari.ForbiddenError, hikari.NotFoundError) as error:
        _LOGGER.warning("cannot post a secret roll in the GM channel: %s", _line(error))
        await send_private(
            invocation,
            f"I couldn't post your secret roll in <#{gm_channel}> (is the channel there, and may "
            "I write in it?): only you have it. A manager can fix it with `/settings gm`.",
        )
        return
    if not notice:
        return
    said = secret_notice(user_id, rendered.label)
    if table == invocation.channel_id:
        await invocation.respond(said)
        return
    try:
        await services.bot.rest.create_message(table, said, nonce=_nonce(invocation), **NO_MENTIONS)
    except hikari.HikariError as error:
        _LOGGER.warning("cannot post a secret roll's notice: %s", _line(error))


async def send_private(
    invocation: Invocation,
    content: str,
    components: Sequence[hikari.api.ComponentBuilder] = (),
    *,
    told_in_channel: bool = True,
) -> None:
    """Answer only the caller, with `components`: ephemeral where Discord allows it, else (a
    prefix command in a server) a direct message.

    A direct message is not mentioned in the channel when `told_in_channel` (something else
    answers there); else a short reply says where the answer went. Closed DMs get a reply
    saying how to get the answer with the slash command instead.
    """
    if not isinstance(invocation, MessageInvocation) or invocation.guild_id is None:
        await invocation.respond(content, components=components, ephemeral=True)
        return
    rest = invocation.services.bot.rest
    try:
        channel = await rest.create_dm_channel(invocation.user.id)
        await rest.create_message(
            channel,
            content,
            components=list(components) or hikari.UNDEFINED,
            nonce=invocation.nonce(),
            **NO_MENTIONS,
        )
    except hikari.ForbiddenError:
        await invocation.respond(
            "I can't send you a direct message (your DMs are closed here): use `/roll` "
            "instead, it answers only you."
        )
        return
    if not told_in_channel:
        await invocation.respond("I've sent you the answer in a direct message.")


def _nonce(invocation: Invocation) -> str | hikari.UndefinedType:
    """A prefix command's next nonce, so a retried post is never posted twice."""
    return invocation.nonce() if isinstance(invocation, MessageInvocation) else hikari.UNDEFINED


def _line(error: BaseException) -> str:
    return str(error).strip().partition("\n")[0] or type(error).__name__
