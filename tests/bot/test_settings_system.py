"""/settings system: managers choose the server's game system, everyone sees it and its card,
and /roll suggestions offer it first."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nazh import dice
from nazh.commands.roll import suggest
from nazh.dice.systems import SYSTEMS, get_system
from nazh.storage import SavedRoll

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord

FITD = SYSTEMS["fitd"]


def _saved(name: str, expression: str) -> SavedRoll:
    return SavedRoll(scope="user", owner_id=1, name=name, expression=expression, updated_at=0)


async def test_a_manager_sets_the_server_system_and_everyone_sees_its_card(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player, manager = emu.users[0], emu.owner
    unset = await emu.slash("settings system", user=player)
    assert unset.ephemeral
    assert "no game system set" in unset.content
    assert unset.embeds == []

    refused = await emu.slash("settings system", {"name": "fitd"}, user=player)
    assert "Only members with the Manage Server permission" in refused.content
    assert "no game system set" in (await emu.slash("settings system", user=player)).content

    chosen = await emu.slash("settings system", {"name": "fitd"}, user=manager)
    assert "now **Blades in the Dark / Forged in the Dark**" in chosen.content
    assert "`/roll fitd(3)`" in chosen.content

    shown = await emu.slash("settings system", user=player)
    assert "game system is **Blades in the Dark / Forged in the Dark**" in shown.content
    (card,) = shown.embeds
    assert card["title"] == "Blades in the Dark / Forged in the Dark · fitd"
    assert "**Usage** `fitd(n)`" in card["description"]
    assert "worst to best: failure, partial success, success, critical" in card["description"]
    assert FITD.card in card["description"]
    assert card["footer"]["text"].startswith("This server's game system")
    elsewhere = await emu.slash("settings system", user=player, guild_id=emu.guild_ids[1])
    assert "no game system set" in elsewhere.content

    cleared = await emu.slash("settings system", {"name": "default"}, user=manager)
    assert "no game system now" in cleared.content
    assert "no game system set" in (await emu.slash("settings system", user=player)).content


async def test_prefix_settings_show_the_system_and_send_setting_to_the_slash_command(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    assert "no game system set" in (await emu.send_message("!settings system")).content
    by_prefix = await emu.send_message("!settings system pbta", user=emu.owner)
    assert "`/settings system`" in by_prefix.content
    assert "no game system set" in (await emu.send_message("!settings system")).content

    await emu.slash("settings system", {"name": "pbta"}, user=emu.owner)
    shown = await emu.send_message("!settings system")
    assert "**Powered by the Apocalypse**" in shown.content
    assert shown.embeds[0]["title"] == "Powered by the Apocalypse · pbta"
    in_dm = await emu.send_message("!settings system pbta", dm=True)
    assert "server setting" in in_dm.content
    assert "Usage" in (await emu.send_message("!settings colour red")).content


async def test_the_slash_option_offers_every_system_and_a_way_to_clear_it(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    (settings,) = [c for c in emu.commands[emu.guild_id] if c["name"] == "settings"]
    (system,) = [o for o in settings["options"] if o["name"] == "system"]
    (option,) = system["options"]
    values = [choice["value"] for choice in option["choices"]]
    assert values == [*SYSTEMS, "default"]
    assert "Blades in the Dark / Forged in the Dark (fitd)" in [
        choice["name"] for choice in option["choices"]
    ]
    assert option.get("required", False) is False


async def test_suggestions_offer_systems_whose_name_is_typed_after_saved_rolls(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    user = emu.users[1]
    await emu.slash("rolls save", {"name": "fireball", "expression": "8d6 fire"}, user=user)
    await emu.slash("roll", {"expression": "2d8+3 longsword"}, user=user)

    typed = await emu.autocomplete("roll", {"expression": "fi"}, focused="expression", user=user)
    assert [choice["value"] for choice in typed] == ["fireball", "fitd(3)"]
    assert typed[1]["name"] == "fitd(3) · Blades in the Dark / Forged in the Dark: fitd(n)"

    start = await emu.autocomplete("roll", {"expression": ""}, focused="expression", user=user)
    values = [choice["value"] for choice in start]
    assert values[:2] == ["fireball", "2d8+3 longsword"]
    assert not any(value in values for value in (s.typical for s in SYSTEMS.values()))

    two = await emu.autocomplete("roll", {"expression": "co"}, focused="expression", user=user)
    assert [choice["value"] for choice in two] == [SYSTEMS["cod"].typical, SYSTEMS["coc"].typical]
    for choice in two:
        assert len(choice["name"]) <= 100
        assert get_system(choice["value"].partition("(")[0]) is not None


def test_the_server_system_comes_before_saved_recent_and_notation() -> None:
    saved = [_saved("fireball", "8d6 fire"), _saved("attack", "1d20+5")]
    recent = ["2d8+3 longsword", "fitd(3)"]

    first = suggest("", recent, saved, system=FITD)
    assert [value for _, value in first] == ["fitd(3)", "attack", "fireball", "2d8+3 longsword"]
    assert first[0][0] == "fitd(3) · Blades in the Dark / Forged in the Dark: fitd(n)"
    plain = suggest("", recent, saved)
    assert [value for _, value in plain] == ["attack", "fireball", "2d8+3 longsword", "fitd(3)"]

    typed = [value for _, value in suggest("fi", recent, saved, system=FITD)]
    assert typed == ["fitd(3)", "fireball"]
    assert [value for _, value in suggest("fi", recent, saved)] == ["fireball", "fitd(3)"]


def test_the_server_system_gives_way_to_what_is_typed() -> None:
    dice_first = [value for _, value in suggest("2d", ["2d8+3"], system=FITD)]
    assert dice_first[0] == "2d8+3"
    assert "fitd(3)" not in dice_first
    one_letter = [value for _, value in suggest("f", [], system=FITD)]
    assert one_letter[0] == "fitd(3)"
    assert [value for _, value in suggest("f", [])] == []
    narrative = suggest("sw", [], system=SYSTEMS["swrpg"])
    assert [value for _, value in narrative] == [SYSTEMS["swrpg"].typical, SYSTEMS["sw"].typical]
    stats = suggest("dnds", [], system=SYSTEMS["dndstats"])
    assert stats == [("dndstats · Dungeons & Dragons 5e (ability scores)", "dndstats")]


def test_every_system_suggestion_fits_discord_and_rolls() -> None:
    for system in SYSTEMS.values():
        offered = suggest(system.name, [], system=system)
        label, value = offered[0]
        assert value == system.typical
        assert len(label) <= 100
        assert label.startswith(f"{system.typical} · {system.title}")
        assert dice.parse(value).system is not None, value


async def test_suggestions_start_with_the_server_system(emu: LoopbackDiscord, app: NazhApp) -> None:
    user = emu.users[1]
    await emu.slash("rolls save", {"name": "fireball", "expression": "8d6 fire"}, user=user)
    await emu.slash("roll", {"expression": "2d8+3 longsword"}, user=user)
    await emu.slash("settings system", {"name": "fitd"}, user=emu.owner)

    start = await emu.autocomplete("roll", {"expression": ""}, focused="expression", user=user)
    assert [choice["value"] for choice in start[:3]] == ["fitd(3)", "fireball", "2d8+3 longsword"]
    assert start[0]["name"] == "fitd(3) · Blades in the Dark / Forged in the Dark: fitd(n)"
    typed = await emu.autocomplete("roll", {"expression": "fi"}, focused="expression", user=user)
    assert [choice["value"] for choice in typed] == ["fitd(3)", "fireball"]
    dice_first = await emu.autocomplete(
        "roll", {"expression": "2d"}, focused="expression", user=user
    )
    assert dice_first[0]["value"] == "2d8+3 longsword"
    assert "fitd(3)" not in [choice["value"] for choice in dice_first]
    elsewhere = await emu.autocomplete(
        "roll", {"expression": ""}, focused="expression", user=user, guild_id=emu.guild_ids[1]
    )
    assert elsewhere[0]["value"] == "fireball"
