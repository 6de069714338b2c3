"""/help, !help and a bare mention: the commands and the notation, with the server's prefix."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

import pytest

from nazh import dice
from nazh.commands.help import TOPICS, system_card
from nazh.dice.dialects import DIALECTS
from nazh.dice.systems import SYSTEMS

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
    assert embed["footer"]["text"] == "Topics: commands, notation, saved, system, builder, stats"
    assert "`/roll fitd(3)`" in embed["description"]
    assert "`/help system`" in embed["description"]
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
    assert unknown.content == (
        "I have help on `commands`, `notation`, `saved`, `system`, `builder`, `stats`."
    )
    assert "`!roll 1d20+5 attack`" in elsewhere.embeds[0]["description"]


@pytest.mark.parametrize("content", ["hello <@{bot}>", "<@{bot}> hi there", "!"])
async def test_other_messages_do_not_get_help(
    content: str, emu: LoopbackDiscord, app: NazhApp
) -> None:
    outcome = await emu.send_message(
        content.format(bot=emu.bot_user.id), mentions=[emu.bot_user], max_wait=0.5
    )
    assert outcome.messages == []


async def test_help_system_shows_a_systems_card(emu: LoopbackDiscord, app: NazhApp) -> None:
    v5 = SYSTEMS["v5"]
    outcome = await emu.slash("help", {"topic": "system", "system": "v5"})

    assert outcome.ephemeral
    (embed,) = outcome.embeds
    assert embed["title"] == "Vampire: The Masquerade 5th edition · v5"
    description = embed["description"]
    assert description.startswith("**Usage** `v5(pool, hunger[, diff=n])`\n")
    assert "worst to best: " + ", ".join(v5.outcomes) + "\n" in description
    assert description.endswith(v5.card)
    assert "/odds v5(7, 2, diff=4)" in embed["footer"]["text"]
    assert not embed["footer"]["text"].startswith("This server's")
    by_name_alone = await emu.slash("help", {"system": "coc"})
    assert by_name_alone.embeds[0]["title"] == "Call of Cthulhu 7th edition · coc"
    by_prefix = await emu.send_message("!help system FITD(2)")
    assert by_prefix.embeds[0]["title"] == "Blades in the Dark / Forged in the Dark · fitd"
    unknown = await emu.send_message("!help system blades")
    assert unknown.content.startswith("There is no game system `blades`. I know `dnd`, ")
    other_topic = await emu.send_message("!help notation fitd")
    assert other_topic.embeds[0]["title"] == "Nazh: dice notation"


async def test_help_system_lists_every_system_until_the_server_has_one(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    listed = await emu.slash("help", {"topic": "system"})
    (embed,) = listed.embeds
    assert embed["title"] == "Nazh: game systems"
    for system in SYSTEMS.values():
        assert f"**{system.name}** {system.title} · `{system.usage}`" in embed["description"]

    await emu.slash("settings system", {"name": "fitd"}, user=emu.owner)
    server = await emu.send_message("!help system")
    (card,) = server.embeds
    assert card["title"] == "Blades in the Dark / Forged in the Dark · fitd"
    assert card["footer"]["text"].startswith("This server's game system")
    elsewhere = await emu.slash("help", {"topic": "system"}, guild_id=emu.guild_ids[1])
    assert elsewhere.embeds[0]["title"] == "Nazh: game systems"
    in_dm = await emu.send_message("!help system", dm=True)
    assert in_dm.embeds[0]["title"] == "Nazh: game systems"


def test_every_system_card_fits_an_embed_and_its_examples_roll() -> None:
    for system in SYSTEMS.values():
        card = system_card(system, server=True)
        assert card.title is not None
        assert len(card.title) <= 256
        assert card.description is not None
        assert len(card.description) <= 4096
        assert system.card in card.description
        for example in re.findall(r"`([^`]+)`", system.card):
            if example.startswith(f"{system.name}(") or example == system.name:
                assert dice.parse(example).system is not None, example
