"""User messages edited (MESSAGE_UPDATE), webhook messages, and the Message Content intent."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import hikari
import pytest

from nazh.loopback import LoopbackError
from nazh.loopback.protocol import Intents

if TYPE_CHECKING:
    from collections.abc import Callable

    from nazh.loopback import JsonRecord, LoopbackDiscord

WITHOUT_CONTENT = hikari.Intents.GUILDS | hikari.Intents.GUILD_MESSAGES | hikari.Intents.DM_MESSAGES


async def test_an_edit_is_a_message_update_the_bot_receives(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    sent = await emu.send_message("I swing", max_wait=0.01)
    updated = asyncio.ensure_future(bot.wait_for(hikari.GuildMessageUpdateEvent, timeout=5))

    edited = await emu.edit_message(sent, "I swing [[1d20+5]]", max_wait=0.1)
    event = await updated

    message = emu.message(int(str(sent.payload["id"])))
    payload: JsonRecord = edited.payload
    assert (event.message.id, event.message.content) == (message.id, "I swing [[1d20+5]]")
    assert event.message.edited_timestamp is not None
    assert edited.kind == "edit"
    assert payload["edited_timestamp"] == message.edited_timestamp
    assert payload["member"]["roles"] == [str(emu.guilds[0].member_role_id)]
    assert [state["content"] for state in message.history] == ["I swing"]
    assert not edited.responded
    reply = await emu.send_message("!ping")
    assert reply.message is not None
    with pytest.raises(LoopbackError, match="the bot's"):
        await emu.edit_message(reply.message, "no")


async def test_webhook_messages_carry_a_webhook_id_and_no_member(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    created = asyncio.ensure_future(bot.wait_for(hikari.GuildMessageCreateEvent, timeout=5))

    hooked = await emu.send_message("!ping", webhook=True, max_wait=0.3)
    event = await created

    payload: JsonRecord = hooked.payload
    assert payload["webhook_id"] == str(emu.webhook.id)
    assert payload["author"]["id"] == str(emu.webhook.id)
    assert payload["author"]["bot"] is True
    assert "member" not in payload
    assert (event.is_webhook, event.is_human) == (True, False)
    assert not hooked.responded
    with pytest.raises(LoopbackError, match="webhooks post in guild channels"):
        await emu.send_message("hi", webhook=True, dm=True)


async def test_without_message_content_only_mentions_and_dms_keep_their_content(
    emu: LoopbackDiscord,
    make_bot: Callable[[LoopbackDiscord, hikari.Intents], hikari.GatewayBot],
) -> None:
    app = make_bot(emu, WITHOUT_CONTENT)
    await app.start(check_for_updates=False)
    try:
        await emu.wait_ready()
        plain = await emu.send_message("I swing [[1d20]]", max_wait=0.01)
        edited = await emu.edit_message(plain, "I swing [[1d20+5]]", max_wait=0.01)
        mentioned = await emu.edit_message(plain, f"{emu.bot_user.mention} [[1d20]]", max_wait=0.01)
        in_dm = await emu.send_message("[[1d20]]", dm=True, max_wait=0.01)
        edited_dm = await emu.edit_message(in_dm, "[[2d20]]", max_wait=0.01)
        from_webhook = await emu.send_message("[[1d20]]", webhook=True, max_wait=0.01)
    finally:
        await app.close()

    assert emu.shard_intents == {0: int(WITHOUT_CONTENT)}
    assert not emu.shard_intents[0] & Intents.MESSAGE_CONTENT
    assert [o.payload["content"] for o in (plain, edited, from_webhook)] == ["", "", ""]
    assert all(o.payload["embeds"] == [] for o in (plain, edited))
    assert mentioned.payload["content"] == f"{emu.bot_user.mention} [[1d20]]"
    assert (in_dm.payload["content"], edited_dm.payload["content"]) == ("[[1d20]]", "[[2d20]]")
    assert emu.message(int(str(plain.payload["id"]))).content == f"{emu.bot_user.mention} [[1d20]]"


async def test_the_intents_each_shard_asked_for_are_known(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    assert emu.shard_intents[0] & Intents.MESSAGE_CONTENT
    assert emu.intents == emu.shard_intents[0]
