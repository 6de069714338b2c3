"""Secret rolls: ``/roll secret:true`` and ``!gmroll`` reach the roller and the GM channel; the
table's channel gets a notice without the result, or nothing; no GM channel, DMs, /settings gm."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pytest

    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord, StoredMessage, User
    from tests.bot.bot_support import StartApp

TOTAL = re.compile(r"= `(-?\d+)`")
RESULT_IDS = re.compile(r"nazh:(again|reveal):([A-Za-z0-9_-]+)")


def dice_line(content: str) -> str:
    """The line of a result message that shows the dice (the second)."""
    lines = content.split("\n")
    assert len(lines) >= 2, content
    assert TOTAL.search(lines[1]), content
    return lines[1]


def public(emu: LoopbackDiscord, channel_id: int) -> list[StoredMessage]:
    """The bot's messages that everyone in the channel reads."""
    return [
        message
        for message in emu.channel_messages(channel_id)
        if message.author_id == emu.bot_user.id and not message.ephemeral
    ]


def buttons_of(message: StoredMessage) -> list[tuple[str, str]]:
    """(kind, result id) of each result button on a message."""
    found = [RESULT_IDS.fullmatch(custom_id) for custom_id in message.custom_ids]
    return [(match[1], match[2]) for match in found if match is not None]


async def gm_channel(emu: LoopbackDiscord, guild_id: int | None = None) -> int:
    """A new channel that a manager names the server's GM channel."""
    guild = guild_id or emu.guild_id
    channel = await emu.add_channel(guild, "gm-only")
    chosen = await emu.slash(
        "settings gm", {"channel": channel}, user=emu.owner, guild_id=guild, channel_id=None
    )
    assert chosen.ephemeral
    assert f"Secret rolls go to <#{channel}>" in chosen.content, chosen
    return channel


async def test_a_secret_slash_roll_reaches_the_roller_and_the_gm_and_the_table_sees_a_notice(
    emu: LoopbackDiscord, app: NazhApp, caplog: pytest.LogCaptureFixture
) -> None:
    player: User = emu.users[0]
    gm = await gm_channel(emu)
    rolled = await emu.slash(
        "roll", {"expression": "1d20+3 sneaking-past-the-ogre", "secret": True}, user=player
    )

    assert rolled.ephemeral
    assert rolled.content.startswith(f"<@{player.id}> :game_die: 🔒 secret, also sent to <#{gm}>")
    mine = dice_line(rolled.content)
    assert "sneaking" in mine
    assert 4 <= int(TOTAL.findall(mine)[-1]) <= 23

    (to_gm,) = public(emu, gm)
    assert to_gm.content.startswith(f"🔒 <@{player.id}> rolled secretly in <#{emu.channel_id}>:\n")
    assert dice_line(to_gm.content) == mine
    assert not to_gm.pings.anyone

    (notice,) = public(emu, emu.channel_id)
    assert notice.content == f"🎲 <@{player.id}> rolled secretly: sneaking\\-past\\-the\\-ogre"
    assert not TOTAL.search(notice.content)
    assert not notice.pings.anyone
    assert notice.custom_ids == []

    message = rolled.message
    assert message is not None
    (again, reveal) = buttons_of(message)
    assert again[0] == "again"
    assert reveal[0] == "reveal"
    assert again[1] == reveal[1]
    assert buttons_of(to_gm) == [again, reveal]

    leaked = [
        record.getMessage()
        for record in caplog.records
        if record.levelno >= logging.INFO
        and ("ogre" in record.getMessage() or mine in record.getMessage())
    ]
    assert leaked == []


async def test_gmroll_and_gr_send_the_result_by_dm_and_to_the_gm_and_leave_a_notice(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player = emu.users[1]
    gm = await gm_channel(emu)
    for command, label in (
        ("!gmroll 1d20+3 stealth", "stealth"),
        ("!gr 2d6 perception", "perception"),
    ):
        reply = await emu.send_message(command, user=player)
        (notice,) = reply.messages
        assert notice.content == f"🎲 <@{player.id}> rolled secretly: {label}"
        assert not notice.pings.anyone
        dm = emu.dm_messages(player)[-1]
        assert dm.content.startswith(f"<@{player.id}> :game_die: 🔒 secret, also sent to <#{gm}>")
        assert label in dm.content
        assert [kind for kind, _ in buttons_of(dm)] == ["again", "reveal"]
        to_gm = public(emu, gm)[-1]
        assert dice_line(to_gm.content) == dice_line(dm.content)
        assert buttons_of(to_gm) == buttons_of(dm)
    table = public(emu, emu.channel_id)
    assert len(table) == 2
    assert not any(TOTAL.search(message.content) for message in table)


async def test_without_the_notice_the_table_sees_nothing(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player = emu.users[0]
    gm = await gm_channel(emu)
    quiet = await emu.slash("settings gm", {"notice": False}, user=emu.owner)
    assert "The table's channel gets no notice" in quiet.content
    assert f"<#{gm}>" in quiet.content

    rolled = await emu.slash("roll", {"expression": "1d20 hide", "secret": True}, user=player)
    assert rolled.ephemeral
    assert len(public(emu, gm)) == 1
    assert public(emu, emu.channel_id) == []

    reply = await emu.send_message("!gmroll 1d20 hide", user=player)
    assert [m.content for m in reply.messages] == ["I've sent you the answer in a direct message."]
    assert TOTAL.search(emu.dm_messages(player)[-1].content)
    assert len(public(emu, gm)) == 2


async def test_without_a_gm_channel_a_secret_roll_answers_privately_and_says_how_to_set_one(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player = emu.users[0]
    rolled = await emu.slash("roll", {"expression": "1d20 listen", "secret": True}, user=player)
    assert rolled.ephemeral
    assert TOTAL.search(rolled.content)
    assert "No GM channel is set" in rolled.content
    assert "`/settings gm channel:#gm-only`" in rolled.content
    assert public(emu, emu.channel_id) == []

    reply = await emu.send_message("!gr 1d20 listen", user=player)
    assert [m.content for m in reply.messages] == ["I've sent you the answer in a direct message."]
    dm = emu.dm_messages(player)[-1]
    assert TOTAL.search(dm.content)
    assert "`/settings gm channel:#gm-only`" in dm.content
    assert [kind for kind, _ in buttons_of(dm)] == ["again", "reveal"]


async def test_in_dms_a_secret_roll_is_a_private_one(
    emu: LoopbackDiscord, start_app: StartApp
) -> None:
    await start_app(guild_ids=())
    player = emu.users[2]
    await gm_channel(emu)
    rolled = await emu.slash(
        "roll", {"expression": "1d20 alone", "secret": True}, user=player, dm=True
    )
    assert rolled.ephemeral
    assert rolled.content.startswith(f"<@{player.id}> :game_die:\n")
    assert "GM" not in rolled.content
    reply = await emu.send_message("!gmroll 1d20 alone", user=player, dm=True)
    (answer,) = reply.messages
    assert answer.channel_id == emu.dm_channel_id(player)
    assert TOTAL.search(answer.content)
    assert [kind for kind, _ in buttons_of(answer)] == ["again", "reveal"]


async def test_a_gm_channel_the_bot_cannot_post_in_leaves_the_roll_with_the_roller_alone(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player = emu.users[0]
    gm = await gm_channel(emu)
    emu.fail_next("POST", f"/channels/{gm}/messages", status=403)
    rolled = await emu.slash(
        "roll", {"expression": "1d20 pick the lock", "secret": True}, user=player
    )
    assert rolled.ephemeral
    assert TOTAL.search(rolled.content)
    (told,) = rolled.followups
    assert told.ephemeral
    assert f"I couldn't post your secret roll in <#{gm}>" in told.content
    assert public(emu, gm) == []
    assert public(emu, emu.channel_id) == []


async def test_settings_gm_is_shown_to_all_and_changed_by_managers(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player = emu.users[0]
    shown = await emu.slash("settings gm", user=player)
    assert shown.ephemeral
    assert "No GM channel is set" in shown.content
    assert "members with Manage Server may reveal" in shown.content

    gm_only = await emu.add_channel(emu.guild_id, "gm-only")
    gm_role = await emu.add_role(emu.guild_id, "GM")
    refused = await emu.slash("settings gm", {"channel": gm_only}, user=player)
    assert "Only members with the Manage Server permission" in refused.content
    assert "No GM channel is set" in (await emu.slash("settings gm", user=player)).content

    chosen = await emu.slash("settings gm", {"channel": gm_only, "role": gm_role}, user=emu.owner)
    assert f"Secret rolls go to <#{gm_only}>" in chosen.content
    assert f"members with <@&{gm_role}> may reveal" in chosen.content
    assert chosen.message is not None
    assert not chosen.message.pings.anyone
    assert f"<#{gm_only}>" in (await emu.send_message("!settings gm", user=player)).content
    by_prefix = await emu.send_message("!settings gm #elsewhere", user=emu.owner)
    assert "/settings gm" in by_prefix.content

    cleared = await emu.slash("settings gm", {"reset": True}, user=emu.owner)
    assert "No GM channel is set" in cleared.content
    rolled = await emu.slash("roll", {"expression": "1d4", "secret": True}, user=player)
    assert "No GM channel is set" in rolled.content
    assert public(emu, gm_only) == []
