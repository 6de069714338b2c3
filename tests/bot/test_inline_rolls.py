"""Inline rolls (``I swing [[1d20+5]] and deal [[2d6+3]]``) through the real bot and the loopback
Discord: the setting, the one reply, its labels and limits, and the messages left alone."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nazh.inline import MAX_INLINE, InlineRoll, find_inline
from nazh.loopback.protocol import Intents

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord, Outcome, User
    from tests.bot.bot_support import StartApp

D20_PLUS_5 = re.compile(r"1d20 \(\**(\d+)\**\) \+ 5 = `(\d+)`")
TWO_D6_PLUS_3 = re.compile(r"2d6 \((\d), (\d)\) \+ 3 = `(\d+)`")


async def _inline_on(emu: LoopbackDiscord, guild_id: int | None = None) -> None:
    outcome = await emu.slash(
        "settings inline", {"state": "on"}, user=emu.owner, guild_id=guild_id or emu.guild_id
    )
    assert "Inline rolls are on" in outcome.content


def _reply(outcome: Outcome, user: User) -> list[str]:
    """The lines of the one reply to an inline message, after its header."""
    (message,) = outcome.messages
    assert not message.pings.anyone
    assert len(message.content) <= 2000
    header, *lines = message.content.split("\n")
    assert header == f"<@{user.id}> :game_die:"
    return lines


async def test_one_reply_labels_each_roll_with_the_words_before_it(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    await _inline_on(emu)
    player = emu.users[0]
    outcome = await emu.send_message("I swing [[1d20+5]] and deal [[2d6+3]] slashing", user=player)
    swing, deal = _reply(outcome, player)
    assert swing.startswith("**I swing:** 1d20 (")
    hit = D20_PLUS_5.search(swing)
    assert hit is not None
    assert int(hit[2]) == int(hit[1]) + 5
    assert 1 <= int(hit[1]) <= 20
    assert deal.startswith("**and deal:** 2d6 (")
    damage = TWO_D6_PLUS_3.search(deal)
    assert damage is not None
    assert int(damage[3]) == int(damage[1]) + int(damage[2]) + 3
    (reply,) = outcome.messages
    assert reply.message_reference is not None
    assert reply.message_reference["message_id"] == outcome.payload["id"]

    single = await emu.send_message("[[1d20+5]]", user=player)
    (line,) = _reply(single, player)
    assert D20_PLUS_5.fullmatch(line.partition(" · ")[0])


async def test_messages_without_inline_rolls_get_no_reply(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    await _inline_on(emu)
    for content in (
        "just chatting about 1d20+5",
        "an empty [[ ]] and an unclosed [[1d20",
        "the syntax is `[[1d20+5]]`, see ```\n[[2d6]]\n```",
    ):
        outcome = await emu.send_message(content, max_wait=0.5)
        assert outcome.messages == [], content


async def test_ten_inline_rolls_are_answered_and_an_eleventh_gets_a_note(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    await _inline_on(emu)
    player = emu.users[1]
    ten = " ".join(f"goblin {n} [[1d{n + 1}]]" for n in range(1, MAX_INLINE + 1))
    lines = _reply(await emu.send_message(ten, user=player), player)
    assert len(lines) == MAX_INLINE
    for n, line in enumerate(lines, start=1):
        assert line.startswith(f"**goblin {n}:** 1d{n + 1} ("), line

    eleven = ten + " and the boss [[1d100]]"
    lines = _reply(await emu.send_message(eleven, user=player), player)
    *rolled, note = lines
    assert len(rolled) == MAX_INLINE
    assert not any("boss" in line or "1d100" in line for line in rolled)
    assert note == (
        f"-# Only the first {MAX_INLINE} inline rolls of a message are rolled; this one has 11."
    )


async def test_an_invalid_inline_roll_gets_its_own_line_and_the_others_roll(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    await _inline_on(emu)
    player = emu.users[0]
    outcome = await emu.send_message(
        "I swing [[1d20+5]], then [[1d20+]] and deal [[2d6+3]]", user=player
    )
    swing, broken, deal = _reply(outcome, player)
    assert D20_PLUS_5.search(swing)
    assert broken.startswith("**then:** couldn't roll `1d20+`: unexpected end of input")
    assert "\n" not in broken
    assert TWO_D6_PLUS_3.search(deal)

    assert app.storage is not None
    stats = await app.storage.user_stats(player.id, guild_id=emu.guild_id)
    assert stats.rolls == 2
    assert dict(stats.dice_by_size) == {20: 1, 6: 2}

    (only,) = _reply(await emu.send_message("oops [[2d]]", user=player), player)
    assert only.startswith("**oops:** couldn't roll `2d`:")


async def test_long_results_labels_and_errors_stay_within_one_message(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    await _inline_on(emu)
    player = emu.users[0]
    huge = " ".join(f"{'<@&1>*' * 10} [[20#50d100 {'x' * 20}]]" for _ in range(MAX_INLINE - 1))
    lines = _reply(await emu.send_message(huge + " [[1d4]]", user=player), player)
    *rolled, last = lines
    assert len(rolled) == MAX_INLINE - 1
    assert all(line.startswith("**…") for line in rolled)
    assert all(re.search(r":\*\* .*`\d+`", line) for line in rolled)
    assert last.startswith("1d4 (")
    broken = " ".join(f"{'@' * 60} [[{'q' * 200}]]" for _ in range(MAX_INLINE))
    lines = _reply(await emu.send_message(broken, user=player), player)
    assert len(lines) == MAX_INLINE
    assert all("couldn't roll" in line for line in lines)


async def test_saved_rolls_and_game_systems_roll_inline(emu: LoopbackDiscord, app: NazhApp) -> None:
    await _inline_on(emu)
    player = emu.users[1]
    await emu.slash("rolls save", {"name": "fireball", "expression": "8d6 fire"}, user=player)
    outcome = await emu.send_message("I cast [[fireball]] and push [[fitd(2)]]", user=player)
    cast, push = _reply(outcome, player)
    assert cast.startswith("**I cast:** ")
    assert "8d6 (" in cast
    assert push.startswith("**and push:** fitd(2) (")
    assert re.search(r"= \*\*(critical|success|partial success|failure)\*\*$", push)

    other = emu.users[0]
    theirs = _reply(await emu.send_message("I cast [[fireball]]", user=other), other)
    assert theirs[0].startswith("**I cast:** couldn't roll `fireball`:")


async def test_inline_rolls_are_off_by_default_and_per_server(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    shown = await emu.slash("settings inline")
    assert shown.ephemeral
    assert "off" in shown.content
    assert (await emu.send_message("I swing [[1d20+5]]", max_wait=0.5)).messages == []

    await _inline_on(emu)
    assert "**on**" in (await emu.slash("settings inline")).content
    assert len((await emu.send_message("I swing [[1d20+5]]")).messages) == 1
    other = emu.guild_ids[1]
    elsewhere = await emu.send_message("I swing [[1d20+5]]", guild_id=other, max_wait=0.5)
    assert elsewhere.messages == []

    off = await emu.slash("settings inline", {"state": "off"}, user=emu.owner)
    assert "Inline rolls are off" in off.content
    assert (await emu.send_message("I swing [[1d20+5]]", max_wait=0.5)).messages == []


async def test_the_setting_needs_manage_server(emu: LoopbackDiscord, app: NazhApp) -> None:
    refused = await emu.slash("settings inline", {"state": "on"}, user=emu.users[0])
    assert refused.ephemeral
    assert "Manage Server" in refused.content
    assert (await emu.send_message("I swing [[1d20+5]]", max_wait=0.5)).messages == []


async def test_dms_roll_inline_without_a_setting(emu: LoopbackDiscord, start_app: StartApp) -> None:
    await start_app(guild_ids=())
    player = emu.users[0]
    (line,) = _reply(await emu.send_message("I sneak [[1d20+5]]", user=player, dm=True), player)
    assert line.startswith("**I sneak:** 1d20 (")
    setting = await emu.slash("settings inline", {"state": "off"}, user=player, dm=True)
    assert "server setting" in setting.content
    assert len((await emu.send_message("[[1d6]]", user=player, dm=True)).messages) == 1


async def test_bots_webhooks_and_prefix_commands_are_not_rolled_inline(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    await _inline_on(emu)
    assert (await emu.send_message("I swing [[1d20]]", bot=True, max_wait=0.5)).messages == []
    assert (await emu.send_message("I swing [[1d20]]", webhook=True, max_wait=0.5)).messages == []

    command = await emu.send_message("!roll 1d4 for [[1d6]]")
    (answer,) = command.messages
    assert "1d4 (" in answer.content
    assert "1d6 (" not in answer.content
    help_page = await emu.send_message("!help [[1d20]]")
    assert len(help_page.messages) == 1
    assert "1d20 (" not in help_page.content


async def test_an_edited_message_does_not_roll_again(emu: LoopbackDiscord, app: NazhApp) -> None:
    await _inline_on(emu)
    sent = await emu.send_message("I swing [[1d20+5]]")
    assert len(sent.messages) == 1
    posted = len(emu.channel_messages(emu.channel_id))
    edited = await emu.edit_message(sent, "I swing [[1d20+5]] and deal [[2d6+3]]", max_wait=0.5)
    assert edited.messages == []
    assert len(emu.channel_messages(emu.channel_id)) == posted
    late = await emu.edit_message(
        await emu.send_message("no rolls yet", max_wait=0.5), "now [[1d6]]", max_wait=0.5
    )
    assert late.messages == []


async def test_labels_never_ping_and_markdown_stays_text(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    await _inline_on(emu)
    player = emu.users[0]
    outcome = await emu.send_message(f"@everyone <@{emu.owner.id}> **loud** [[1d20]]", user=player)
    (line,) = _reply(outcome, player)
    assert "@everyone" not in line
    assert "@\u200beveryone" in line
    assert f"\\<@\u200b{emu.owner.id}\\>" in line
    assert "\\*\\*loud\\*\\*" in line


async def test_a_message_counts_once_against_the_rate_limit(
    emu: LoopbackDiscord, start_app: StartApp
) -> None:
    await start_app(roll_rate=(2, 60.0))
    await _inline_on(emu)
    player = emu.users[0]
    first = _reply(await emu.send_message("[[1d4]] [[1d6]] [[1d8]]", user=player), player)
    second = _reply(await emu.send_message("[[1d10]] [[1d12]]", user=player), player)
    assert (len(first), len(second)) == (3, 2)
    third = await emu.send_message("[[1d20]]", user=player)
    assert third.content.startswith("Slow down a little")


async def test_without_the_message_content_intent_the_setting_says_how_to_get_it(
    emu: LoopbackDiscord, start_app: StartApp
) -> None:
    emu.refuse_privileged_intents = True
    await start_app()
    intents = emu.intents
    assert intents is not None
    assert not intents & Intents.MESSAGE_CONTENT
    turned = await emu.slash("settings inline", {"state": "on"}, user=emu.owner)
    assert "Inline rolls are on" in turned.content
    assert "Message Content Intent" in turned.content
    assert "Developer Portal" in turned.content
    assert "Message Content Intent" in (await emu.slash("settings inline")).content
    assert (await emu.send_message("I swing [[1d20+5]]", max_wait=0.5)).messages == []


async def test_with_the_intent_the_setting_does_not_warn(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    turned = await emu.slash("settings inline", {"state": "on"}, user=emu.owner)
    assert "Intent" not in turned.content


def test_inline_rolls_are_found_in_order_with_their_labels() -> None:
    assert find_inline("I swing [[1d20+5]] and deal [[2d6+3]] slashing") == [
        InlineRoll("I swing", "1d20+5"),
        InlineRoll("and deal", "2d6+3"),
    ]
    assert find_inline("[[1d20]][[ 1d6 ]]") == [InlineRoll("", "1d20"), InlineRoll("", "1d6")]
    assert find_inline("Attack:\n  [[2d6[fire]]], then -- [[1d4]]") == [
        InlineRoll("Attack", "2d6[fire]"),
        InlineRoll("then", "1d4"),
    ]
    assert find_inline("`[[1d20]]` but [[1d6]]") == [InlineRoll("`[[1d20]]` but", "1d6")]
    assert find_inline("[[ ]] [[1d20") == []
    assert find_inline("no [[1d20] here ]] [[1d4]]") == [
        InlineRoll("no", "1d20] here"),
        InlineRoll("", "1d4"),
    ]


def test_long_labels_keep_the_words_nearest_the_roll() -> None:
    words = " ".join(f"word{n}" for n in range(40))
    (roll,) = find_inline(f"{words} [[1d20]]")
    assert roll.label.startswith("…word")
    assert roll.label.endswith("word38 word39")
    assert len(roll.label) <= 60
