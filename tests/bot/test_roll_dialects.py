"""Rolls read in the dialect in force, and the reading notes a player is shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord

_NOTE = '-# `>3` read as "more than 3"; Roll20 reads "3 or more"'


async def test_a_player_without_a_dialect_sees_a_reading_note_once_per_form(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    first = await emu.slash("roll", {"expression": "3d6>3"})
    assert "3d6>3 (" in first.content
    assert _NOTE in first.content
    assert "/settings notation" in first.content
    again = await emu.send_message("!roll 3d6>3")
    assert "3d6>3 (" in again.content
    assert "-#" not in again.content
    other = await emu.slash("roll", {"expression": "3d6>3"}, user=emu.users[1])
    assert _NOTE in other.content


async def test_the_server_dialect_reads_rolls_without_notes(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    await emu.slash("settings notation", {"dialect": "roll20"}, user=emu.owner)
    rolled = await emu.slash("roll", {"expression": "3d6>3"})
    assert "3d6>=3 (" in rolled.content
    assert "-#" not in rolled.content
    other_guild = await emu.send_message("!roll 3d6>3", guild_id=emu.guild_ids[1])
    assert "3d6>3 (" in other_guild.content

    await emu.slash("settings notation", {"dialect": "avrae", "scope": "me"})
    mine = await emu.send_message("!roll 4d6k3")
    assert "4d6k=3 (" in mine.content


async def test_a_tag_reads_one_roll_in_its_dialect_without_a_note(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    tagged = await emu.slash("roll", {"expression": "roll20: 3d6>3 fire"})
    assert "3d6>=3 (" in tagged.content
    assert "fire" in tagged.content
    assert "-#" not in tagged.content
    plain = await emu.slash("roll", {"expression": "3d6>3"})
    assert "3d6>3 (" in plain.content


async def test_text_read_as_the_comment_is_pointed_out_every_time(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    for _ in range(2):
        rolled = await emu.send_message("!roll 4d6 k3")
        assert "4d6 (" in rolled.content
        assert '-# "k3" was read as the comment' in rolled.content
    plain = await emu.send_message("!roll 1d20 keep calm")
    assert "-#" not in plain.content
