"""/help, !help and a bare mention: the commands and the notation, with the server's prefix."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from nazh import dice
from nazh.commands.help import TOPICS
from nazh.dice.dialects import DIALECTS

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord


async def test_help_lists_the_commands_privately_with_the_prefix(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    outcome = await emu.slash("help")

    assert outcome.ephemeral
    (embed,) = outcome.embeds
    assert embed["title"] == "Nazh: commands"
    assert "`!roll 1d20+5 attack`" in embed["description"]
    assert embed["footer"]["text"] == "Topics: commands, notation, saved, builder, stats"
    synced = {command["name"] for commands in emu.commands.values() for command in commands}
    for command in re.findall(r"`/(\w+)", embed["description"]):
        assert command in synced, command


async def test_every_topic_is_offered_and_answers(emu: LoopbackDiscord, app: NazhApp) -> None:
    for topic, (title, _) in TOPICS.items():
        outcome = await emu.slash("help", {"topic": topic})
        (embed,) = outcome.embeds
        assert embed["title"] == title
        assert 0 < len(embed["description"]) <= 4096


def test_every_example_in_the_notation_help_rolls() -> None:
    _, text = TOPICS["notation"]
    own, _, others = text.format(p="!").partition("**Other rollers' notation**")
    examples = [
        example
        for example in re.findall(r"`([^`]+)`", own)
        if example[0].isdigit() or example[0] in "d({"
    ]
    assert len(examples) >= 25
    for example in examples:
        assert dice.parse(example).text, example
    named = re.findall(r"^`([a-z0-9-]+)` ", others, flags=re.MULTILINE)
    assert named == [name for name in DIALECTS if name != "nazh"]


async def test_the_prefix_command_and_a_bare_mention_follow_the_server_prefix(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    await emu.slash("prefix", {"value": "?"}, user=emu.owner)

    prefixed = await emu.send_message("?help notation")
    mentioned = await emu.send_message(f"<@{emu.bot_user.id}>", mentions=[emu.bot_user])
    unknown = await emu.send_message("?help @everyone")
    elsewhere = await emu.send_message("!help", guild_id=emu.guild_ids[1])

    assert prefixed.embeds[0]["title"] == "Nazh: dice notation"
    assert "`?roll 1d20+5 attack`" in mentioned.embeds[0]["description"]
    assert unknown.content == "I have help on `commands`, `notation`, `saved`, `builder`, `stats`."
    assert "`!roll 1d20+5 attack`" in elsewhere.embeds[0]["description"]


@pytest.mark.parametrize("content", ["hello <@{bot}>", "<@{bot}> hi there", "!"])
async def test_other_messages_do_not_get_help(
    content: str, emu: LoopbackDiscord, app: NazhApp
) -> None:
    outcome = await emu.send_message(
        content.format(bot=emu.bot_user.id), mentions=[emu.bot_user], max_wait=0.5
    )
    assert outcome.messages == []
