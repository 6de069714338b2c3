"""Saved rolls in the builder, through the real bot: Save… and starting from a saved roll."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nazh.loopback.protocol import InteractionCallbackType
from tests.builder.builder_support import TOTAL, controls, enabled, notation, open_builder

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord, StoredMessage
    from nazh.loopback.world import User


async def saved_of(app: NazhApp, user: User) -> dict[str, str]:
    rolls = await app.services.storage.saved.list_rolls("user", user.id)
    return {roll.name: roll.expression for roll in rolls}


def start_options(message: StoredMessage) -> list[tuple[str, str]]:
    start = controls(message.components)["build:saved"]
    return [(option["label"], option["value"]) for option in start["options"]]


async def test_save_saves_the_build_as_the_players_roll(emu: LoopbackDiscord, app: NazhApp) -> None:
    user = emu.users[0]
    message = await open_builder(emu, app, user=user)
    assert "build:save" not in enabled(message)
    await emu.select(message, "build:die", ["20"], user=user)
    await emu.click(message, "build:advantage", user=user)
    await emu.click(message, "build:mod+5", user=user)
    assert "build:save" in enabled(message)

    opened = await emu.click(message, "build:save", user=user)
    assert opened.callback_type == InteractionCallbackType.MODAL
    assert opened.modal is not None
    assert [c["custom_id"] for row in opened.components for c in row["components"]] == ["name"]
    saved = await emu.submit_modal(opened, {"name": "Attack"}, user=user)
    assert saved.callback_type == InteractionCallbackType.CHANNEL_MESSAGE_WITH_SOURCE
    assert saved.ephemeral
    assert "Saved `attack` = `2d20kh1 + 5`." in saved.content
    assert "Roll it with `/roll attack`" in saved.content
    assert await saved_of(app, user) == {"attack": "2d20kh1 + 5"}
    listed = await emu.slash("rolls list", user=user)
    assert "`attack` · `2d20kh1 + 5`" in listed.content

    assert notation(message.content) == "2d20kh1 + 5"
    rolled = await emu.slash("roll", {"expression": "attack"}, user=user)
    assert 6 <= int(TOTAL.findall(rolled.content)[-1]) <= 25
    assert app.miru._modals == {}


async def test_a_bad_name_is_refused_with_the_reason_and_nothing_saved(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    user = emu.users[0]
    message = await open_builder(emu, app, user=user)
    await emu.select(message, "build:die", ["6"], user=user)
    for name, reason in (
        ("d20", "reads as dice notation"),
        ("floor", "is a dice function"),
        ("two words", "use letters, digits"),
        ("server:init", "The builder saves your own rolls"),
    ):
        opened = await emu.click(message, "build:save", user=user)
        refused = await emu.submit_modal(opened, {"name": name}, user=user)
        assert refused.ephemeral
        assert reason in refused.content
    assert await saved_of(app, user) == {}
    assert await app.services.storage.saved.list_rolls("guild", emu.guild_id) == []
    assert notation(message.content) == "1d6"
    assert app.miru._modals == {}


async def test_a_save_over_the_limit_says_so(emu: LoopbackDiscord, app: NazhApp) -> None:
    user = emu.users[0]
    storage = app.services.storage.saved
    await storage.import_rolls(
        "user", user.id, [(f"r{n}", "1d4") for n in range(200)], replace=True
    )
    message = await open_builder(emu, app, user=user)
    await emu.select(message, "build:die", ["8"], user=user)
    opened = await emu.click(message, "build:save", user=user)
    refused = await emu.submit_modal(opened, {"name": "one-more"}, user=user)
    assert "You have 200 saved rolls, the most that can be kept" in refused.content
    assert await storage.get("user", user.id, "one-more") is None


async def test_no_start_select_without_saved_rolls(emu: LoopbackDiscord, app: NazhApp) -> None:
    user = emu.users[0]
    await emu.slash("rolls save", {"name": "mine", "expression": "1d6"}, user=emu.users[1])
    message = await open_builder(emu, app, user=user)
    found = controls(message.components)
    assert "build:saved" not in found
    assert found["build:keep"]["disabled"]


async def test_the_start_select_lists_the_players_rolls_then_the_servers(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    user = emu.users[0]
    await emu.slash("rolls save", {"name": "init", "expression": "1d20+4"}, user=user)
    await emu.slash("rolls save", {"name": "attack", "expression": "1d20+7 attack"}, user=user)
    for name, text in (("init", "1d20+100"), ("boss", "2d8")):
        server = await emu.slash(
            "rolls save", {"name": name, "expression": text, "scope": "server"}, user=emu.owner
        )
        assert "for this server" in server.content

    message = await open_builder(emu, app, user=user)
    assert start_options(message) == [
        ("attack · 1d20+7 attack", "attack"),
        ("init · 1d20+4", "init"),
        ("boss · 2d8", "boss"),
        ("server:init · 1d20+100", "server:init"),
    ]
    assert "build:keep" not in controls(message.components)
    in_dms = (await emu.send_message("!build", user=user, dm=True)).message
    assert in_dms is not None
    assert [value for _, value in start_options(in_dms)] == ["attack", "init"]


async def test_starting_from_a_saved_roll_loads_it_into_the_builder(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    user = emu.users[0]
    await emu.slash("rolls save", {"name": "attack", "expression": "1d20+7 to hit"}, user=user)
    await emu.slash("rolls save", {"name": "init", "expression": "1d20+4"}, user=user)
    await emu.slash(
        "rolls save", {"name": "init", "expression": "1d20+100", "scope": "server"}, user=emu.owner
    )
    message = await open_builder(emu, app, user=user)

    started = await emu.select(message, "build:saved", ["attack"], user=user)
    assert started.callback_type == InteractionCallbackType.UPDATE_MESSAGE
    assert notation(message.content) == "1d20 + 7 to hit"
    assert "-# Started from `attack`." in message.content
    assert "Range 8 to 27" in message.content
    found = controls(message.components)
    assert "build:saved" not in found
    assert "build:keep" in found
    rolled = await emu.click(message, "build:roll", user=user)
    assert "**to hit:** 1d20 (" in rolled.content
    assert 8 <= int(TOTAL.findall(rolled.content)[-1]) <= 27

    await emu.click(message, "build:mod+1", user=user)
    assert notation(message.content) == "1d20 + 8 to hit"
    assert "Started from" not in message.content
    opened = await emu.click(message, "build:save", user=user)
    await emu.submit_modal(opened, {"name": "attack-blessed"}, user=user)
    assert (await saved_of(app, user))["attack-blessed"] == "1d20 + 8 to hit"

    await emu.click(message, "build:undo", user=user)
    await emu.click(message, "build:undo", user=user)
    assert "Pick a die below to start." in message.content
    assert [value for _, value in start_options(message)] == [
        "attack",
        "attack-blessed",
        "init",
        "server:init",
    ]
    await emu.select(message, "build:saved", ["server:init"], user=user)
    assert notation(message.content) == "1d20 + 100"


async def test_a_saved_roll_with_parameters_starts_with_its_defaults(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    user = emu.users[0]
    await emu.slash(
        "rolls save", {"name": "smite", "expression": "{level=2}d8+{bonus=1} radiant"}, user=user
    )
    await emu.slash("rolls save", {"name": "twice", "expression": "smite + smite(1, 0)"}, user=user)
    message = await open_builder(emu, app, user=user)
    await emu.select(message, "build:saved", ["smite"], user=user)
    assert notation(message.content) == "2d8 + 1 radiant"
    assert "-# Started from `smite` with its defaults." in message.content
    await emu.click(message, "build:undo", user=user)
    await emu.select(message, "build:saved", ["twice"], user=user)
    assert notation(message.content) == "3d8 + 1 radiant"


async def test_what_the_builder_cannot_hold_is_left_out_and_said(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    user = emu.users[0]
    await emu.slash(
        "rolls save", {"name": "fire", "expression": "8d6 - 1d4 + max(1d6, 1d8)"}, user=user
    )
    await emu.slash("rolls save", {"name": "double", "expression": "2d6*2 crit"}, user=user)
    message = await open_builder(emu, app, user=user)

    refused = await emu.select(message, "build:saved", ["double"], user=user)
    assert refused.ephemeral
    assert refused.content == (
        "The builder can't hold `double` (`2d6*2 crit`): `/roll double` rolls it whole."
    )
    assert "Pick a die below to start." in message.content

    await emu.select(message, "build:saved", ["fire"], user=user)
    assert notation(message.content) == "8d6"
    assert (
        "-# Started from `fire`, without `- 1d4`, `max(1d6, 1d8)`: the builder can't hold "
        "that; `/roll fire` rolls it whole."
    ) in message.content


async def test_saved_rolls_that_no_longer_roll_or_fit_say_why(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    user = emu.users[0]
    await emu.send_message("!rolls save bonus 1d4", user=user)
    await emu.send_message("!rolls save blessed 1d20 + bonus", user=user)
    await emu.slash("rolls delete", {"name": "bonus"}, user=user)
    huge = "1000000000000"
    await emu.slash("rolls save", {"name": "huge", "expression": f"1d4+{huge}+{huge}"}, user=user)
    message = await open_builder(emu, app, user=user)

    broken = await emu.select(message, "build:saved", ["blessed"], user=user)
    assert broken.ephemeral
    assert broken.content.startswith("`blessed` doesn't roll any more: `bonus` is not dice")
    too_big = await emu.select(message, "build:saved", ["huge"], user=user)
    assert too_big.ephemeral
    assert too_big.content == (
        "I can't start from `huge`: numbers are limited to 1,000,000,000,000."
    )
    assert "Pick a die below to start." in message.content
    assert "build:undo" not in enabled(message)


async def test_the_builder_offers_the_servers_game_system_roll(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    user = emu.users[0]
    await emu.slash("settings system", {"name": "fitd"}, user=emu.owner)
    message = await open_builder(emu, app, user=user)
    first = start_options(message)[0]
    assert first == ("Roll fitd(3) · Blades in the Dark / Forged in the Dark", "system:fitd(3)")
    rolled = await emu.select(message, "build:saved", ["system:fitd(3)"], user=user)
    assert "fitd(3) (" in rolled.content
    assert any(word in rolled.content for word in ("failure", "partial", "success", "critical"))
    assert "Pick a die below to start." in message.content
