"""/roll, !roll and friends through the real bot and the loopback Discord."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nazh.loopback.protocol import Intents, InteractionCallbackType

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord
    from tests.bot.bot_support import StartApp

TOTAL = re.compile(r"= `(-?\d+)`")


def total_of(content: str) -> int:
    found = TOTAL.findall(content)
    assert found, content
    return int(found[-1])


async def test_startup_syncs_the_roll_command(emu: LoopbackDiscord, app: NazhApp) -> None:
    command = emu.command("roll", emu.guild_id)
    options = {option["name"]: option for option in command["options"]}
    assert options["expression"]["autocomplete"] is True
    assert options["expression"]["required"] is True
    assert options["private"].get("required", False) is False
    assert app.not_ready() is None
    intents = emu.intents
    assert intents is not None
    assert intents & Intents.MESSAGE_CONTENT


async def test_slash_roll_answers_publicly_with_the_rendered_result(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    user = emu.users[0]
    outcome = await emu.slash("roll", {"expression": "4d6kh3 fireball"}, user=user)
    assert outcome.callback_type == InteractionCallbackType.CHANNEL_MESSAGE_WITH_SOURCE
    assert not outcome.ephemeral
    content = outcome.content
    assert content.startswith(f"<@{user.id}>")
    assert "fireball" in content
    assert "4d6kh3 (" in content
    assert 3 <= total_of(content) <= 18
    message = outcome.message
    assert message is not None
    assert not message.pings.anyone


async def test_private_roll_is_ephemeral(emu: LoopbackDiscord, app: NazhApp) -> None:
    outcome = await emu.slash("roll", {"expression": "1d20+5", "private": True})
    assert outcome.ephemeral
    assert 6 <= total_of(outcome.content) <= 25


async def test_a_bad_expression_gets_a_friendly_ephemeral_hint(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    outcome = await emu.slash("roll", {"expression": "1d20q"})
    assert outcome.ephemeral
    assert outcome.content.startswith("I couldn't roll that: unexpected `q` at column 5")
    assert "```" in outcome.content


async def test_huge_output_stays_within_discord_limits(emu: LoopbackDiscord, app: NazhApp) -> None:
    outcome = await emu.slash("roll", {"expression": "20#50d100 " + "long comment " * 30})
    assert outcome.callback_type == InteractionCallbackType.CHANNEL_MESSAGE_WITH_SOURCE
    assert 0 < len(outcome.content) <= 2000
    over = await emu.slash("roll", {"expression": "1001d6"})
    assert over.ephemeral
    assert "1,000 dice" in over.content


async def test_autocomplete_offers_completions_and_recent_rolls(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    user = emu.users[1]
    await emu.slash("roll", {"expression": "2d8+3 longsword"}, user=user)
    choices = await emu.autocomplete("roll", {"expression": "2d"}, focused="expression", user=user)
    values = [choice["value"] for choice in choices]
    assert values[0] == "2d8+3 longsword"
    assert len(values) <= 25
    assert all(len(value) <= 100 for value in values)
    completions = await emu.autocomplete("roll", {"expression": "4d6"}, focused="expression")
    assert "4d6kh3" in [choice["value"] for choice in completions]


async def test_prefix_roll_alias_and_mention(emu: LoopbackDiscord, app: NazhApp) -> None:
    reply = await emu.send_message("!roll 4d6kh3 fireball")
    assert len(reply.messages) == 1
    assert "fireball" in reply.content
    assert 3 <= total_of(reply.content) <= 18
    short = await emu.send_message("!r 1d4")
    assert 1 <= total_of(short.content) <= 4
    mention = await emu.send_message(f"<@{emu.bot_user.id}> roll 1d6", mentions=[emu.bot_user])
    assert 1 <= total_of(mention.content) <= 6
    bad = await emu.send_message("!roll 2d")
    assert bad.content.startswith("I couldn't roll that")
    assert bad.message is not None
    assert bad.message.message_reference is not None


async def test_prefix_rolls_work_in_direct_messages(emu: LoopbackDiscord, app: NazhApp) -> None:
    reply = await emu.send_message("!roll 2d10 in private", dm=True)
    assert "in private" in reply.content
    assert 2 <= total_of(reply.content) <= 20


async def test_messages_from_bots_and_other_text_are_ignored(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    for content, bot in (("!roll 1d20", True), ("about 1d20", False), ("!nope 1d20", False)):
        outcome = await emu.send_message(content, bot=bot, max_wait=0.5)
        assert outcome.messages == []
    assert (await emu.send_message("!roll 1d20")).messages != []


async def test_no_text_a_user_typed_can_ping_anyone(emu: LoopbackDiscord, app: NazhApp) -> None:
    target = emu.users[2]
    nasty = f"1d20 @everyone @here <@{target.id}> <@&{emu.guild_id}>"
    slash = await emu.slash("roll", {"expression": nasty})
    prefix = await emu.send_message(f"!roll {nasty}")
    for outcome in (slash, prefix):
        message = outcome.message
        assert message is not None
        assert not message.pings.anyone, message.pings
        assert "@everyone" not in outcome.content


async def test_rolling_too_fast_asks_to_slow_down(
    emu: LoopbackDiscord, start_app: StartApp
) -> None:
    await start_app(roll_rate=(2, 60.0))
    user = emu.users[0]
    first = await emu.slash("roll", {"expression": "1d20"}, user=user)
    second = await emu.send_message("!roll 1d20", user=user)
    third = await emu.slash("roll", {"expression": "1d20"}, user=user)
    assert "Slow down" not in first.content
    assert "Slow down" not in second.content
    assert third.ephemeral
    assert third.content.startswith("Slow down a little")
    other = await emu.slash("roll", {"expression": "1d20"}, user=emu.users[1])
    assert "Slow down" not in other.content
