"""/rolls and !rolls through the real bot: save, roll by name, server rolls, export and import."""

from __future__ import annotations

import json
import re
from typing import TYPE_CHECKING

import pytest

from nazh.saved import transfer

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord
    from nazh.loopback.outcome import Outcome

_TOTAL = re.compile(r"= `(-?\d+)`")


def total(outcome: Outcome) -> int:
    found = _TOTAL.findall(outcome.content)
    assert found, outcome.content
    return int(found[-1])


async def test_save_then_roll_by_name_with_slash_and_prefix(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    saved = await emu.slash("rolls save", {"name": "Attack", "expression": "1d20+7 attack"})
    assert saved.ephemeral
    assert "Saved `attack` = `1d20+7 attack`" in saved.content

    rolled = await emu.slash("roll", {"expression": "attack"})
    assert "**attack:** 1d20 (" in rolled.content
    assert 8 <= total(rolled) <= 27
    plus = await emu.send_message("!r attack + 100 to the face")
    assert "**to the face:** (1d20 (" in plus.content
    assert 108 <= total(plus) <= 127
    repeated = await emu.slash("roll", {"expression": "2#attack"})
    assert len(_TOTAL.findall(repeated.content)) == 2


async def test_parameters_defaults_and_errors_that_show_the_saved_roll(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    await emu.slash("rolls save", {"name": "smite", "expression": "{level=1}d8+{bonus=0} radiant"})
    assert 1 <= total(await emu.slash("roll", {"expression": "smite"})) <= 8
    assert 103 <= total(await emu.slash("roll", {"expression": "smite(3, bonus=100)"})) <= 124
    unknown = await emu.slash("roll", {"expression": "smite(lvl=2)"})
    assert unknown.ephemeral
    assert "`smite` has no parameter `lvl`" in unknown.content
    assert "smite = {level=1}d8+{bonus=0} radiant" in unknown.content
    shown = await emu.slash("rolls show", {"name": "smite"})
    assert "`smite(level=1, bonus=0)`" in shown.content
    assert "It rolls with its defaults: `1d8 + 0` (1 to 8)." in shown.content


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("d20", "reads as dice notation"),
        ("floor", "is a dice function"),
        ("roll20", "names a notation dialect"),
        ("fitd", "is a game system's roll"),
        ("adv", "a word the notation uses"),
        ("two words", "use letters, digits"),
        ("x" * 33, "at most 32 characters"),
    ],
)
async def test_names_that_cannot_be_saved_say_why(
    emu: LoopbackDiscord, app: NazhApp, name: str, reason: str
) -> None:
    refused = await emu.slash("rolls save", {"name": name, "expression": "1d6"})
    assert refused.ephemeral
    assert reason in refused.content
    assert "No saved rolls yet" in (await emu.slash("rolls list")).content


async def test_cycles_are_refused_when_saved(emu: LoopbackDiscord, app: NazhApp) -> None:
    await emu.send_message("!rolls save b 1d4")
    await emu.send_message("!rolls save a b+1")
    cycle = await emu.send_message("!rolls save b a+1")
    assert "`a` uses itself: a → b → a" in cycle.content
    assert 2 <= total(await emu.send_message("!r a")) <= 5


async def test_list_rename_delete(emu: LoopbackDiscord, app: NazhApp) -> None:
    await emu.send_message("!rolls save dmg 1d8+4")
    await emu.send_message("!rolls save hit 1d20+5")
    listed = await emu.slash("rolls list")
    assert listed.ephemeral
    assert "**Your saved rolls** (2/200):\n`dmg` · `1d8+4`\n`hit` · `1d20+5`" in listed.content
    assert (
        "Renamed `dmg` to `damage`"
        in (await emu.slash("rolls rename", {"old": "dmg", "new": "damage"})).content
    )
    taken = await emu.slash("rolls rename", {"old": "damage", "new": "hit"})
    assert "`hit` is already a saved roll" in taken.content
    assert "Deleted `hit`" in (await emu.slash("rolls delete", {"name": "hit"})).content
    gone = await emu.slash("roll", {"expression": "hit"})
    assert "`hit` is not dice, a function or a saved roll" in gone.content
    assert 5 <= total(await emu.slash("roll", {"expression": "damage"})) <= 12


async def test_server_rolls_need_a_manager_and_a_players_own_wins(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player, manager = emu.users[0], emu.owner
    refused = await emu.slash(
        "rolls save", {"name": "init", "expression": "1d20+2", "scope": "server"}, user=player
    )
    assert "Only members with Manage Server" in refused.content
    saved = await emu.slash(
        "rolls save", {"name": "init", "expression": "1d20+100", "scope": "server"}, user=manager
    )
    assert "for this server" in saved.content
    assert 101 <= total(await emu.slash("roll", {"expression": "init"}, user=player)) <= 120

    await emu.slash("rolls save", {"name": "init", "expression": "1d4 mine"}, user=player)
    assert total(await emu.slash("roll", {"expression": "init"}, user=player)) <= 4
    forced = await emu.slash("roll", {"expression": "server:init"}, user=player)
    assert total(forced) >= 101
    listed = await emu.slash("rolls list", user=player)
    assert "**This server's saved rolls** (1/500):\n`init` · `1d20+100`" in listed.content


async def test_a_roll_manager_role_lets_members_change_server_rolls(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player, manager = emu.users[0], emu.owner
    role = emu.guilds[0].member_role_id
    refused = await emu.slash("settings roll-managers", {"role": role}, user=player)
    assert "Manage Server" in refused.content
    named = await emu.slash("settings roll-managers", {"role": role}, user=manager)
    assert f"<@&{role}>" in named.content
    saved = await emu.slash(
        "rolls save", {"name": "init", "expression": "1d20", "scope": "server"}, user=player
    )
    assert "for this server" in saved.content
    by_prefix = await emu.send_message("!rolls save server:init 1d20+1", user=player)
    assert "for this server" in by_prefix.content
    await emu.slash("settings roll-managers", {"reset": True}, user=manager)
    again = await emu.slash("rolls delete", {"name": "init", "scope": "server"}, user=player)
    assert "Only members with Manage Server" in again.content


async def test_autocomplete_offers_saved_rolls_first(emu: LoopbackDiscord, app: NazhApp) -> None:
    await emu.slash("rolls save", {"name": "attack", "expression": "1d20+7 attack"})
    await emu.slash("roll", {"expression": "2d6"})
    choices = await emu.autocomplete("roll", {"expression": "a"}, focused="expression")
    assert choices[0] == {"name": "attack · 1d20+7 attack", "value": "attack"}
    everything = await emu.autocomplete("roll", {"expression": ""}, focused="expression")
    assert [c["value"] for c in everything[:2]] == ["attack", "2d6"]


def rolls_file(*pairs: tuple[str, str], version: int = 1) -> bytes:
    rolls = [{"name": name, "expression": text} for name, text in pairs]
    return json.dumps({"format": transfer.FORMAT, "version": version, "rolls": rolls}).encode()


async def test_export_then_import_round_trips(emu: LoopbackDiscord, app: NazhApp) -> None:
    await emu.slash("rolls save", {"name": "attack", "expression": "1d20+7 attack"})
    await emu.slash("rolls save", {"name": "smite", "expression": "{level=1}d8 radiant"})
    exported = await emu.slash("rolls export")
    assert exported.ephemeral
    assert exported.message is not None
    (attachment,) = exported.message.attachments
    data = emu.file(str(attachment["id"])).data
    document = json.loads(data)
    assert document["format"] == "nazh-saved-rolls"
    assert document["version"] == 1
    assert document["rolls"] == [
        {"name": "attack", "expression": "1d20+7 attack"},
        {"name": "smite", "expression": "{level=1}d8 radiant"},
    ]

    other = emu.users[1]
    imported = await emu.slash(
        "rolls import", {"file": emu.upload("nazh-rolls.json", data)}, user=other
    )
    assert "2 new, 0 changed. You have 2 saved rolls now." in imported.content
    assert 3 <= total(await emu.slash("roll", {"expression": "smite(3)"}, user=other)) <= 24


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"\xff\xfe\x00", "not text"),
        (b"{not json", "the file is not JSON"),
        (b"[]", "expected a JSON object"),
        (json.dumps({"format": "other", "version": 1, "rolls": []}).encode(), "not a saved-rolls"),
        (rolls_file(("a", "1d6"), version=9), "version 9"),
        (rolls_file(("two words", "1d6")), "roll 1: `two words` won't work as a name"),
        (rolls_file(("ok", "1d6"), ("bad", "1d6+")), "roll 2 of the file: `bad` doesn't roll"),
        (rolls_file(("ok", "1d6"), ("OK", "1d8")), "`ok` is in the file twice"),
        (rolls_file(*((f"r{n}", "1d6") for n in range(201))), "at most 200 can be kept"),
        (rolls_file(("big", "1d6")) + b" " * transfer.MAX_FILE_BYTES, "too big"),
    ],
)
async def test_a_bad_file_is_refused_whole(
    emu: LoopbackDiscord, app: NazhApp, data: bytes, reason: str
) -> None:
    await emu.slash("rolls save", {"name": "keep", "expression": "1d4"})
    refused = await emu.slash(
        "rolls import", {"file": emu.upload("rolls.json", data), "replace": True}
    )
    assert refused.ephemeral
    assert refused.content.startswith("Nothing was imported: ")
    assert reason in refused.content
    listed = await emu.slash("rolls list")
    assert "(1/200):\n`keep` · `1d4`" in listed.content


async def test_import_merges_or_replaces(emu: LoopbackDiscord, app: NazhApp) -> None:
    await emu.slash("rolls save", {"name": "keep", "expression": "1d4"})
    await emu.slash("rolls save", {"name": "hit", "expression": "1d20"})
    data = rolls_file(("hit", "1d20+5"), ("dmg", "1d8+hit"))
    merged = await emu.slash("rolls import", {"file": emu.upload("r.json", data)})
    assert "1 new, 1 changed. You have 3 saved rolls now." in merged.content
    replaced = await emu.slash(
        "rolls import", {"file": emu.upload("r.json", data), "replace": True}
    )
    assert "0 new, 0 changed, 1 removed. You have 2 saved rolls now." in replaced.content
    assert 7 <= total(await emu.slash("roll", {"expression": "dmg"})) <= 33


async def test_forget_me_deletes_saved_rolls(emu: LoopbackDiscord, app: NazhApp) -> None:
    await emu.slash("rolls save", {"name": "keep", "expression": "1d4"})
    asked = await emu.slash("stats forget-me")
    assert "saved rolls" in asked.content
    await emu.click(asked, "stats:forget-me:delete")
    assert "No saved rolls yet" in (await emu.slash("rolls list")).content
