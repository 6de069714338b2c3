"""Roll again and Reveal under results, through the real bot on the loopback Discord: who may
press them, what they post, once only, their expiry, and servers that turn them off."""

from __future__ import annotations

import asyncio
import re
import time
from typing import TYPE_CHECKING

from nazh.loopback.protocol import InteractionCallbackType
from nazh.results.buttons import expired_message
from nazh.results.ids import MAX_CUSTOM_ID
from nazh.results.recent import RecentResults, recent

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord, Outcome, StoredMessage, User
    from nazh.storage import Storage
    from tests.bot.bot_support import StartApp

TOTAL = re.compile(r"= `(-?\d+)`")
RESULT_IDS = re.compile(r"nazh:(again|reveal):([A-Za-z0-9_-]{16})")
REVEALED = re.compile(r"🔓 Revealed(?: by <@(\d+)>)? · rolled <t:(\d+):R>\n")


def buttons_of(message: StoredMessage | None) -> dict[str, str]:
    """The custom id of each result button on a message, by kind."""
    assert message is not None
    found: dict[str, str] = {}
    for custom_id in message.custom_ids:
        matched = RESULT_IDS.fullmatch(custom_id)
        assert matched is not None, custom_id
        assert len(custom_id) <= MAX_CUSTOM_ID
        found[matched[1]] = custom_id
    return found


def answer(outcome: Outcome) -> StoredMessage:
    """The message a press posted."""
    message = outcome.message
    assert message is not None, outcome
    assert message is not outcome.source_message, outcome
    return message


def public(emu: LoopbackDiscord, channel_id: int) -> list[StoredMessage]:
    return [
        message
        for message in emu.channel_messages(channel_id)
        if message.author_id == emu.bot_user.id and not message.ephemeral
    ]


def storage_of(app: NazhApp) -> Storage:
    assert app.storage is not None
    return app.storage


async def rolls_of(app: NazhApp, user: User, guild_id: int) -> int:
    return (await storage_of(app).user_stats(user.id, guild_id=guild_id)).rolls


async def test_every_result_carries_roll_again_and_private_ones_reveal_too(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player = emu.users[0]
    await emu.wait_commands({"rolls", "build"})
    await emu.slash("rolls save", {"name": "attack", "expression": "1d20+7 attack"}, user=player)
    for options in (
        {"expression": "1d20+5"},
        {"expression": "attack"},
        {"expression": "fitd(2) sneak"},
    ):
        rolled = await emu.slash("roll", options, user=player)
        assert list(buttons_of(rolled.message)) == ["again"], rolled
    private = await emu.slash("roll", {"expression": "2d6", "private": True}, user=player)
    buttons = buttons_of(private.message)
    assert list(buttons) == ["again", "reveal"]
    assert buttons["again"][len("nazh:again:") :] == buttons["reveal"][len("nazh:reveal:") :]
    prefixed = await emu.send_message("!r 1d6", user=player)
    assert list(buttons_of(prefixed.message)) == ["again"]
    ids = {buttons_of(m)["again"] for m in public(emu, emu.channel_id) if m.custom_ids}
    assert len(ids) == 4


async def test_roll_again_rolls_the_same_text_anew_as_a_new_result_counted_once(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player = emu.users[0]
    first = await emu.slash("roll", {"expression": "20d20 volley"}, user=player)
    assert first.message is not None
    again = await emu.click(first.message, buttons_of(first.message)["again"], user=player)
    assert again.callback_type == InteractionCallbackType.CHANNEL_MESSAGE_WITH_SOURCE
    second = answer(again)
    assert not second.ephemeral
    assert second.content.startswith(f"<@{player.id}> :game_die:\n**volley:** 20d20 (")
    assert second.content != first.content
    assert buttons_of(second)["again"] != buttons_of(first.message)["again"]
    assert await rolls_of(app, player, emu.guild_id) == 2
    assert app.metrics.commands.labels("roll", "component", "ok")._value.get() == 1

    third = answer(await emu.click(second, buttons_of(second)["again"], user=player))
    assert "**volley:** 20d20 (" in third.content
    assert await rolls_of(app, player, emu.guild_id) == 3


async def test_roll_again_reads_the_text_in_the_dialect_it_was_rolled_in(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player = emu.users[1]
    await emu.slash("settings notation", {"dialect": "roll20", "scope": "me"}, user=player)
    first = await emu.slash("roll", {"expression": "10d6>3"}, user=player)
    assert "10d6>=3 (" in first.content
    await emu.slash("settings notation", {"dialect": "default", "scope": "me"}, user=player)
    assert "10d6>3 (" in (await emu.slash("roll", {"expression": "10d6>3"}, user=player)).content
    assert first.message is not None
    again = answer(await emu.click(first.message, buttons_of(first.message)["again"], user=player))
    assert "10d6>=3 (" in again.content


async def test_only_the_roller_rolls_again_unless_the_server_lets_anyone(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player, other = emu.users[0], emu.users[1]
    rolled = await emu.slash("roll", {"expression": "1d20 initiative"}, user=player)
    again = buttons_of(rolled.message)["again"]
    assert rolled.message is not None

    refused = await emu.click(rolled.message, again, user=other)
    assert refused.ephemeral
    assert refused.content.startswith(f"Only <@{player.id}> can roll this again")
    assert "`/settings buttons anyone:true`" in refused.content
    assert len(public(emu, emu.channel_id)) == 1
    assert await rolls_of(app, other, emu.guild_id) == 0

    denied = await emu.slash("settings buttons", {"anyone": True}, user=other)
    assert "Only members with the Manage Server permission" in denied.content
    allowed = await emu.slash("settings buttons", {"anyone": True}, user=emu.owner)
    assert "**Roll again** (anyone may press it)" in allowed.content

    theirs = answer(await emu.click(rolled.message, again, user=other))
    assert theirs.content.startswith(f"<@{other.id}> :game_die:\n**initiative:** 1d20 (")
    assert not theirs.pings.anyone
    assert await rolls_of(app, other, emu.guild_id) == 1
    assert await rolls_of(app, player, emu.guild_id) == 1


async def test_reveal_posts_the_very_result_publicly_once_and_links_it_after(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player = emu.users[0]
    started = int(time.time())
    private = await emu.slash(
        "roll", {"expression": "4d6kh3 charisma", "private": True}, user=player
    )
    assert private.ephemeral
    message = private.message
    assert message is not None
    reveal = buttons_of(message)["reveal"]

    shown = await emu.click(message, reveal, user=player)
    assert shown.callback_type == InteractionCallbackType.CHANNEL_MESSAGE_WITH_SOURCE
    revealed = answer(shown)
    assert not revealed.ephemeral
    assert revealed.channel_id == emu.channel_id
    marked = REVEALED.match(revealed.content)
    assert marked is not None, revealed.content
    assert marked[1] is None
    assert started <= int(marked[2]) <= time.time()
    assert revealed.content[marked.end() :] == message.content
    assert revealed.custom_ids == []
    assert not revealed.pings.anyone

    twice = await emu.click(message, reveal, user=player)
    assert twice.ephemeral
    link = f"https://discord.com/channels/{emu.guild_id}/{emu.channel_id}/{revealed.id}"
    assert twice.content == f"This roll was already revealed: {link}"
    assert [m.id for m in public(emu, emu.channel_id)] == [revealed.id]
    assert await rolls_of(app, player, emu.guild_id) == 1


async def test_the_gm_role_reveals_a_secret_roll_from_the_gm_channel_and_others_cannot(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player, game_master, other = emu.users
    gm_only = await emu.add_channel(emu.guild_id, "gm-only")
    gm_role = await emu.add_role(emu.guild_id, "GM")
    await emu.give_role(game_master, gm_role)
    await emu.slash("settings gm", {"channel": gm_only, "role": gm_role}, user=emu.owner)
    rolled = await emu.slash("roll", {"expression": "1d20+4 deceive", "secret": True}, user=player)
    (to_gm,) = public(emu, gm_only)
    reveal = buttons_of(to_gm)["reveal"]

    refused = await emu.click(to_gm, reveal, user=other)
    assert refused.ephemeral
    assert (
        refused.content
        == f"Only <@{player.id}> or members with <@&{gm_role}> can reveal this roll."
    )
    owner_refused = await emu.click(to_gm, reveal, user=emu.owner)
    assert owner_refused.content.startswith(f"Only <@{player.id}> or members with <@&{gm_role}>")
    table_before = public(emu, emu.channel_id)

    done = await emu.click(to_gm, reveal, user=game_master)
    assert done.ephemeral
    (revealed,) = [m for m in public(emu, emu.channel_id) if m not in table_before]
    link = f"https://discord.com/channels/{emu.guild_id}/{emu.channel_id}/{revealed.id}"
    assert done.content == f"Revealed: {link}"
    marked = REVEALED.match(revealed.content)
    assert marked is not None, revealed.content
    assert marked[1] == str(game_master.id)
    dice = rolled.content.split("\n")[1]
    assert revealed.content.split("\n")[2] == dice
    assert revealed.content.split("\n")[1] == f"<@{player.id}> :game_die:"

    assert rolled.message is not None
    again = await emu.click(rolled.message, buttons_of(rolled.message)["reveal"], user=player)
    assert again.content == f"This roll was already revealed: {link}"


async def test_without_a_gm_role_managers_reveal(emu: LoopbackDiscord, app: NazhApp) -> None:
    player, other = emu.users[0], emu.users[1]
    gm_only = await emu.add_channel(emu.guild_id, "gm-only")
    await emu.slash("settings gm", {"channel": gm_only}, user=emu.owner)
    await emu.slash("roll", {"expression": "1d20 bluff", "secret": True}, user=player)
    (to_gm,) = public(emu, gm_only)
    refused = await emu.click(to_gm, buttons_of(to_gm)["reveal"], user=other)
    assert "Only <@" in refused.content
    assert "`/settings gm role:`" in refused.content
    done = await emu.click(to_gm, buttons_of(to_gm)["reveal"], user=emu.owner)
    assert done.content.startswith("Revealed: https://discord.com/channels/")


async def test_roll_again_is_rate_limited_like_any_roll(
    emu: LoopbackDiscord, start_app: StartApp
) -> None:
    await start_app(roll_rate=(2, 60.0))
    rolled = await emu.slash("roll", {"expression": "1d20"})
    assert rolled.message is not None
    again = buttons_of(rolled.message)["again"]
    assert TOTAL.search(answer(await emu.click(rolled.message, again)).content)
    limited = await emu.click(rolled.message, again)
    assert limited.ephemeral
    assert limited.content.startswith("Slow down a little: you can roll again in")


async def test_builder_results_carry_the_buttons_too(emu: LoopbackDiscord, app: NazhApp) -> None:
    player = emu.users[2]
    await emu.wait_commands({"build"})
    opened = await emu.slash("build", {}, user=player)
    builder = opened.message
    assert builder is not None
    await emu.select(builder, "build:die", ["20"], user=player)
    await emu.click(builder, "build:mod+5", user=player)
    rolled = answer(await emu.click(builder, "build:roll-private", user=player))
    assert rolled.ephemeral
    buttons = buttons_of(rolled)
    assert list(buttons) == ["again", "reveal"]
    again = answer(await emu.click(rolled, buttons["again"], user=player))
    assert again.ephemeral
    assert again.content.startswith(f"<@{player.id}> :game_die:\n1d20 (")
    assert 6 <= int(TOTAL.findall(again.content)[-1]) <= 25


async def test_buttons_expire_after_the_ttl(emu: LoopbackDiscord, start_app: StartApp) -> None:
    app = await start_app(result_ttl_days=3)
    assert storage_of(app).results.ttl == 3 * 86_400
    assert "I keep results for 3 days" in expired_message(storage_of(app).results.ttl)
    rolled = await emu.slash("roll", {"expression": "1d20", "private": True})
    assert rolled.message is not None
    storage_of(app).results.ttl = 0.5
    await asyncio.sleep(1.6)
    for kind in ("again", "reveal"):
        late = await emu.click(rolled.message, buttons_of(rolled.message)[kind])
        assert late.ephemeral
        assert late.content.startswith("These buttons have expired: I keep results for 0.5 seconds")
    assert public(emu, emu.channel_id) == []


async def test_a_server_can_turn_the_buttons_off(emu: LoopbackDiscord, app: NazhApp) -> None:
    player = emu.users[0]
    before = await emu.slash("roll", {"expression": "1d20"}, user=player)
    assert before.message is not None
    shown = await emu.slash("settings buttons", user=player)
    assert "Results carry buttons" in shown.content
    off = await emu.slash("settings buttons", {"state": "off"}, user=emu.owner)
    assert off.content == "Results carry no buttons on this server."

    plain = await emu.slash("roll", {"expression": "1d20"}, user=player)
    assert plain.message is not None
    assert plain.message.custom_ids == []
    prefixed = (await emu.send_message("!r 1d20", user=player)).message
    assert prefixed is not None
    assert prefixed.custom_ids == []
    pressed = await emu.click(before.message, buttons_of(before.message)["again"], user=player)
    assert pressed.content == "Result buttons are switched off on this server."
    elsewhere = await emu.slash("roll", {"expression": "1d20"}, guild_id=emu.guild_ids[1])
    assert list(buttons_of(elsewhere.message)) == ["again"]

    await emu.slash("settings buttons", {"state": "on"}, user=emu.owner)
    assert list(buttons_of((await emu.slash("roll", {"expression": "1d20"})).message)) == ["again"]


async def test_a_press_reads_the_database_for_a_result_this_process_forgot(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    storage = storage_of(app)
    rolled = await emu.slash("roll", {"expression": "3d6 remembered", "private": True})
    message = rolled.message
    assert message is not None
    result_id = buttons_of(message)["reveal"].rpartition(":")[2]
    kept = recent.recall(storage, result_id)
    assert kept is not None
    assert kept.content == message.content

    small = RecentResults(limit=1)
    small.remember(storage, kept)
    assert small.recall(storage, result_id) == kept
    other = await storage.results.keep(
        user_id=1,
        guild_id=None,
        channel_id=2,
        text="1d4",
        dialect="nazh",
        content="x",
        visibility="public",
    )
    small.remember(storage, other)
    assert small.recall(storage, result_id) is None
    assert len(small) == 1

    await storage.flush()
    recent.clear()
    revealed = answer(await emu.click(message, buttons_of(message)["reveal"]))
    assert revealed.content.endswith(message.content)
    assert recent.recall(storage, result_id) is not None


async def test_presses_while_the_roll_plugin_is_unloaded_are_answered_and_work_once_back(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    rolled = await emu.slash("roll", {"expression": "1d20"})
    message = rolled.message
    assert message is not None
    await app.plugin_manager.unload("roll")
    off = await emu.click(message, buttons_of(message)["again"])
    assert off.ephemeral
    assert off.content == "Rolling is switched off right now; try again later."
    await app.plugin_manager.load("roll")
    again = answer(await emu.click(message, buttons_of(message)["again"]))
    assert TOTAL.search(again.content)


async def test_forget_me_forgets_the_players_remembered_results(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    rolled = await emu.slash("roll", {"expression": "1d20"})
    again = buttons_of(rolled.message)["again"]
    result_id = again[len("nazh:again:") :]
    storage = storage_of(app)
    assert recent.recall(storage, result_id) is not None
    asked = await emu.slash("stats forget-me")
    await emu.click(asked, "stats:forget-me:delete")
    assert recent.recall(storage, result_id) is None
    assert rolled.message is not None
    pressed = await emu.click(rolled.message, again)
    assert expired_message(storage.results.ttl) in pressed.content


async def test_results_are_remembered_again_from_storage_at_start(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    rolled = await emu.slash("roll", {"expression": "1d20"})
    result_id = buttons_of(rolled.message)["again"][len("nazh:again:") :]
    storage = storage_of(app)
    await storage.results.flush()
    recent.clear()
    assert await recent.preload(storage) >= 1
    remembered = recent.recall(storage, result_id)
    assert remembered is not None
    assert remembered.text == "1d20"
