"""The builder through the real bot and the loopback Discord, clicking real components."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import pytest

from nazh.loopback.protocol import InteractionCallbackType
from tests.builder.builder_support import (
    TOTAL,
    controls,
    enabled,
    hub_of,
    notation,
    open_builder,
)

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord, Outcome
    from tests.bot.bot_support import StartApp


async def test_building_2d20kh1_plus_1d4_plus_5_by_clicks(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    message = await open_builder(emu, app)
    assert "Pick a die below to start." in message.content
    assert enabled(message) == {"build:die"} | {f"build:mod{d:+d}" for d in (-5, -1, 1, 5)}
    assert "Roll, Target, Save: nothing to roll yet" in message.content

    picked = await emu.select(message, "build:die", ["20"])
    assert picked.callback_type == InteractionCallbackType.UPDATE_MESSAGE
    assert picked.message is message
    assert notation(message.content) == "1d20"
    assert "Range 1 to 20 · average 10.5" in message.content
    assert "Normal: already a plain d20" in message.content
    now = enabled(message)
    assert {"build:advantage", "build:disadvantage", "build:roll", "build:undo"} <= now
    assert "build:normal" not in now
    assert "build:keep" not in now

    await emu.click(message, "build:advantage")
    assert notation(message.content) == "2d20kh1"
    assert "average 13.82" in message.content
    keep = controls(message.components)["build:keep"]
    assert not keep.get("disabled")
    assert [o["value"] for o in keep["options"] if o.get("default")] == ["1"]

    await emu.select(message, "build:die", ["4"])
    assert notation(message.content) == "2d20kh1 + 1d4"
    assert "Advantage, Normal, Disadvantage: advantage and disadvantage are for a d20" in (
        message.content
    )
    labels = {cid: c.get("label") for cid, c in controls(message.components).items()}
    assert labels["build:more"] == "+ d4"

    await emu.click(message, "build:mod+5")
    assert notation(message.content) == "2d20kh1 + 1d4 + 5"
    assert "Range 7 to 29 · average 21.32" in message.content
    assert len(message.edits) == 4


async def test_roll_publicly_and_privately_keeps_the_builder_open(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    user = emu.users[1]
    message = await open_builder(emu, app, user=user)
    await emu.select(message, "build:die", ["20"], user=user)
    await emu.click(message, "build:advantage", user=user)
    await emu.click(message, "build:mod+5", user=user)
    before = message.content

    public = await emu.click(message, "build:roll", user=user)
    assert public.callback_type == InteractionCallbackType.CHANNEL_MESSAGE_WITH_SOURCE
    assert not public.ephemeral
    assert public.content.startswith(f"<@{user.id}> :game_die:\n2d20kh1 (")
    assert public.message is not None
    assert not public.message.pings.anyone
    totals = [int(t) for t in TOTAL.findall(public.content)]
    assert len(totals) == 1
    assert 6 <= totals[0] <= 25

    private = await emu.click(message, "build:roll-private", user=user)
    assert private.ephemeral
    assert private.content.startswith(f"<@{user.id}> :game_die:\n2d20kh1 (")

    assert message.content == before
    await emu.click(message, "build:mod+1", user=user)
    assert notation(message.content) == "2d20kh1 + 6"
    assert app.metrics.commands.labels("roll", "component", "ok")._value.get() == 2


async def test_other_size_modal_accepts_a_size_and_explains_a_bad_one(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    message = await open_builder(emu, app)
    await emu.select(message, "build:die", ["6"])
    opened = await emu.select(message, "build:die", ["other"])
    assert opened.callback_type == InteractionCallbackType.MODAL
    assert opened.modal is not None
    assert [c["custom_id"] for row in opened.components for c in row["components"]] == ["sides"]

    for typed, hint in (
        ("seven", "isn't a die size"),
        ("0", "whole number from 1"),
        ("1000001", "1,000,000 sides"),
    ):
        bad = await emu.submit_modal(opened, {"sides": typed})
        assert bad.callback_type == InteractionCallbackType.CHANNEL_MESSAGE_WITH_SOURCE
        assert bad.ephemeral
        assert hint in bad.content
        assert notation(message.content) == "1d6"
        opened = await emu.select(message, "build:die", ["other"])

    good = await emu.submit_modal(opened, {"sides": "d7"})
    assert good.callback_type == InteractionCallbackType.UPDATE_MESSAGE
    assert notation(message.content) == "1d6 + 1d7"
    die = controls(message.components)["build:die"]
    assert {"value": "7", "label": "d7", "default": True}.items() <= {
        k: v for o in die["options"] if o["value"] == "7" for k, v in o.items()
    }.items()
    await emu.click(message, "build:more")
    assert notation(message.content) == "1d6 + 2d7"
    assert app.miru._modals == {}  # miru 4.3.1 leaves finished modals here without our workaround


async def test_target_shows_the_exact_chance_of_reaching_it(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    message = await open_builder(emu, app)
    await emu.select(message, "build:die", ["20"])
    opened = await emu.click(message, "build:target")
    assert opened.callback_type == InteractionCallbackType.MODAL
    bad = await emu.submit_modal(opened, {"target": "lots"})
    assert bad.ephemeral
    assert "isn't a total" in bad.content
    assert "Chance" not in message.content
    opened = await emu.click(message, "build:target")
    await emu.submit_modal(opened, {"target": "15"})
    assert "Chance of 15 or more: **30%**" in message.content
    await emu.click(message, "build:advantage")
    assert "Chance of 15 or more: **51%**" in message.content
    labels = {cid: c.get("label") for cid, c in controls(message.components).items()}
    assert labels["build:target"] == "Target: 15"
    opened = await emu.click(message, "build:target")
    await emu.submit_modal(opened, {"target": ""})
    assert "Chance" not in message.content
    assert notation(message.content) == "2d20kh1"
    assert app.miru._modals == {}


async def test_undo_and_clear(emu: LoopbackDiscord, app: NazhApp) -> None:
    message = await open_builder(emu, app)
    await emu.select(message, "build:die", ["8"])
    await emu.click(message, "build:more")
    await emu.click(message, "build:explode")
    assert notation(message.content) == "2d8!"
    labels = {cid: c.get("label") for cid, c in controls(message.components).items()}
    assert labels["build:explode"] == "Exploding: on"
    await emu.click(message, "build:undo")
    assert notation(message.content) == "2d8"
    await emu.select(message, "build:die", ["clear"])
    assert "Pick a die below to start." in message.content
    die = controls(message.components)["build:die"]
    assert "clear" not in [option["value"] for option in die["options"]]
    await emu.click(message, "build:undo")
    assert notation(message.content) == "2d8"
    await emu.click(message, "build:undo")
    await emu.click(message, "build:undo")
    assert "Pick a die below to start." in message.content
    assert "build:undo" not in enabled(message)


async def test_prefix_builder_belongs_to_its_author(emu: LoopbackDiscord, app: NazhApp) -> None:
    author, other = emu.users[0], emu.users[2]
    sent = await emu.send_message("!build", user=author)
    message = sent.message
    assert message is not None
    assert not message.ephemeral
    assert "Dice builder" in message.content
    for _ in range(100):
        if app.miru.get_bound_view(message.id) is not None:
            break
        await asyncio.sleep(0.01)
    refused = await emu.select(message, "build:die", ["20"], user=other)
    assert refused.ephemeral
    assert (
        refused.content == f"This builder belongs to <@{author.id}>; use `/build` to open your own."
    )
    assert refused.message is not None
    assert not refused.message.pings.anyone
    assert "Pick a die below to start." in message.content
    await emu.select(message, "build:die", ["20"], user=author)
    assert notation(message.content) == "1d20"


async def test_idle_builders_expire(emu: LoopbackDiscord, app: NazhApp) -> None:
    hub = hub_of(app)
    hub.timeout = 0.4
    clicked = await open_builder(emu, app, user=emu.users[0])
    await emu.select(clicked, "build:die", ["12"], user=emu.users[0])
    sent = await emu.send_message("!build", user=emu.users[1])
    untouched = sent.message
    assert untouched is not None
    await asyncio.sleep(0.05)
    assert len(hub.live) == 2
    for _ in range(100):
        if not hub.live and "expired" in untouched.content and "expired" in clicked.content:
            break
        await asyncio.sleep(0.02)
    for message in (clicked, untouched):
        assert "(expired after 0.4 seconds idle; use `/build` for a new one)" in message.content
        assert enabled(message) == set()
        assert app.miru.get_bound_view(message.id) is None
    assert notation(clicked.content) == "1d12"
    assert hub.live == {}


async def test_a_builder_only_rolled_for_a_while_still_shows_it_expired(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    # Scaled down: tokens last 2.5 s (Discord: 15 min), builders expire after 1 s idle, so a
    # Roll refreshes the builder's token once it is 1.4 s old (2.5 s - 1.1 * 1 s).
    hub = hub_of(app)
    hub.timeout, hub.token_lifetime = 1.0, 2.5
    emu.token_lifetime = 2.5
    user = emu.users[0]
    loop = asyncio.get_running_loop()
    message = await open_builder(emu, app, user=user)
    await emu.select(message, "build:die", ["20"], user=user)
    selected_at = loop.time()
    rolls: list[Outcome] = []
    for at in (0.3, 0.6, 1.0, 1.6):
        await asyncio.sleep(max(0.0, selected_at + at - loop.time()))
        rolls.append(await emu.click(message, "build:roll", user=user))
    assert [roll.callback_type for roll in rolls[:3]] == [
        InteractionCallbackType.CHANNEL_MESSAGE_WITH_SOURCE
    ] * 3
    refreshed = rolls[3]
    assert refreshed.callback_type == InteractionCallbackType.UPDATE_MESSAGE
    for _ in range(100):
        if refreshed.followups and "expired" in message.content:
            break
        await asyncio.sleep(0.02)
    assert refreshed.followups[0].content.startswith(f"<@{user.id}> :game_die:\n1d20 (")
    assert not refreshed.followups[0].ephemeral
    assert "(expired after 1 second idle; use `/build` for a new one)" in message.content
    assert enabled(message) == set()


async def test_a_prefix_builder_expires_with_the_bot_token(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    hub = hub_of(app)
    hub.timeout = 0.6
    emu.token_lifetime = 0.3
    sent = await emu.send_message("!build")
    message = sent.message
    assert message is not None
    await asyncio.sleep(0.05)
    await emu.select(message, "build:die", ["8"])
    for _ in range(100):
        if "expired" in message.content:
            break
        await asyncio.sleep(0.02)
    assert "(expired after 0.6 seconds idle; use `/build` for a new one)" in message.content
    assert notation(message.content) == "1d8"
    assert enabled(message) == set()


async def test_a_new_builder_replaces_the_previous_one(emu: LoopbackDiscord, app: NazhApp) -> None:
    hub = hub_of(app)
    user = emu.users[0]
    first = await open_builder(emu, app, user=user)
    await emu.select(first, "build:die", ["6"], user=user)
    opened = await emu.select(first, "build:die", ["other"], user=user)
    assert opened.modal is not None
    assert len(app.miru._modals) == 1
    second = await open_builder(emu, app, user=user)
    assert "(replaced by a newer builder)" in first.content
    assert enabled(first) == set()
    assert app.miru.get_bound_view(first.id) is None
    assert app.miru._modals == {}
    sent = await emu.send_message("!build", user=user)
    assert sent.message is not None
    for _ in range(100):
        if "(replaced by a newer builder)" in second.content:
            break
        await asyncio.sleep(0.02)
    assert "(replaced by a newer builder)" in second.content
    assert hub.live[user.id].owner.id == user.id
    assert len(hub.live) == 1
    other = await open_builder(emu, app, user=emu.users[1])
    assert "replaced" not in sent.message.content
    assert len(hub.live) == 2
    await emu.select(other, "build:die", ["4"], user=emu.users[1])
    assert notation(other.content) == "1d4"


async def test_unloading_the_plugin_ends_live_builders(emu: LoopbackDiscord, app: NazhApp) -> None:
    message = await open_builder(emu, app)
    await app.plugin_manager.unload("builder")
    assert "(closed: the builder was switched off)" in message.content
    assert enabled(message) == set()
    assert app.miru.get_bound_view(message.id) is None


@pytest.mark.parametrize("prefix", [True, False])
async def test_roll_rate_limit_answers_through_the_builder(
    emu: LoopbackDiscord, start_app: StartApp, prefix: bool
) -> None:
    app = await start_app(roll_rate=(1, 60.0))
    if prefix:
        sent = await emu.send_message("!build")
        message = sent.message
        assert message is not None
        await asyncio.sleep(0.05)
    else:
        message = await open_builder(emu, app)
    await emu.select(message, "build:die", ["20"])
    first = await emu.click(message, "build:roll")
    assert not first.ephemeral
    second = await emu.click(message, "build:roll")
    assert second.ephemeral
    assert second.content.startswith("Slow down a little")


@pytest.mark.parametrize(("field", "typed"), [("sides", "²"), ("sides", "d¹²"), ("target", "1⁵")])
async def test_modals_refuse_digits_int_cannot_read(
    emu: LoopbackDiscord, app: NazhApp, field: str, typed: str
) -> None:
    message = await open_builder(emu, app)
    await emu.select(message, "build:die", ["6"])
    if field == "sides":
        opened = await emu.select(message, "build:die", ["other"])
    else:
        opened = await emu.click(message, "build:target")

    answer = await emu.submit_modal(opened, {field: typed})

    assert answer.callback_type == InteractionCallbackType.CHANNEL_MESSAGE_WITH_SOURCE
    assert answer.ephemeral
    assert "type a whole number" in answer.content
    assert notation(message.content) == "1d6"


async def test_the_builder_timeout_comes_from_the_settings(
    emu: LoopbackDiscord, start_app: StartApp
) -> None:
    app = await start_app(builder_timeout=45.0)
    assert hub_of(app).timeout == 45.0
