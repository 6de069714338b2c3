"""Discord answering 5xx after it already acted: a prefix reply is still posted once."""

from __future__ import annotations

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
