"""Discord answering 5xx after it already acted: a prefix reply is still posted once."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from tests.bot.bot_support import app, emu, start_app

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord

__all__ = ("app", "emu", "start_app")


async def test_a_prefix_reply_is_posted_once_when_discord_fails_after_posting(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    fault = emu.fail_next("POST", "/channels/*/messages", status=500, after=True)
    before = len(emu.channel_messages(emu.channel_id))
    outcome = await emu.send_message("!roll 1d20 once", max_wait=10)
    assert fault.count == 0
    replies = [
        m
        for m in emu.channel_messages(emu.channel_id)[before:]
        if m.author["id"] == str(emu.bot_user.id)
    ]
    assert len(replies) == 1, replies
    assert "once" in replies[0].content
    assert outcome.content.count("1d20 (") == 1


async def test_a_slash_roll_whose_acknowledgement_is_lost_is_counted_once(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    fault = emu.fail_next("POST", "/interactions/*/callback", status=500, after=True)
    user = emu.users[1]
    outcome = await emu.slash("roll", {"expression": "3d6"}, user=user, max_wait=10)
    assert fault.count == 0
    assert outcome.content.count("3d6 (") == 1
    storage = app.storage
    assert storage is not None

    async def rolls() -> int:
        return (await storage.user_stats(user.id, guild_id=emu.guild_id)).rolls

    async with asyncio.timeout(10):  # hikari backs off a second or two before its retry
        while await rolls() == 0:  # noqa: ASYNC110 - polls the bot's own retry
            await asyncio.sleep(0.05)
    await asyncio.sleep(0.5)
    assert await rolls() == 1
