"""Bot messages in other channels and DMs, and buttons pressed on any bot message."""

from __future__ import annotations

from typing import TYPE_CHECKING

import hikari
import pytest

from nazh.loopback import LoopbackError
from nazh.loopback.protocol import InteractionCallbackType as Callback
from nazh.loopback.wire import as_object

if TYPE_CHECKING:
    from collections.abc import Callable

    from nazh.loopback import LoopbackDiscord, Outcome

INTENTS = hikari.Intents.GUILDS | hikari.Intents.GUILD_MESSAGES | hikari.Intents.DM_MESSAGES


async def _scatter(emu: LoopbackDiscord, user_index: int = 0) -> tuple[Outcome, int]:
    gm_only = await emu.add_channel(emu.guild_id, "gm-only")
    outcome = await emu.slash("scatter", {"channel": "#gm-only"}, user=emu.users[user_index])
    return outcome, gm_only


async def test_messages_to_another_channel_and_a_dm_are_kept_per_channel(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    player = emu.users[0]

    outcome, gm_only = await _scatter(emu)

    gm_posts = emu.channel_messages(gm_only)
    dms = emu.dm_messages(player)
    assert [m.content for m in gm_posts] == ["for the GM"]
    assert [m.content for m in dms] == ["for you"]
    assert dms[0].channel_id == emu.dm_channel_id(player)
    assert dms[0].guild_id is None
    assert gm_posts[0].guild_id == emu.guild_id
    assert outcome.elsewhere == [gm_posts[0], dms[0]]
    assert [m.content for m in outcome.messages] == ["scattering", "followed up"]
    assert [m.content for m in emu.channel_messages(emu.channel_id)] == [
        "scattering",
        "followed up",
    ]
    assert emu.dm_messages(emu.users[1]) == []
    routes = [r.route for r in outcome.requests]
    assert routes.count("/channels/{channel_id}/messages") == 2
    assert "/users/@me/channels" in routes
    assert emu.violations == []


async def test_messages_elsewhere_belong_to_actions_of_their_guild_or_user_only(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    other_guild = emu.guilds[1]
    unrelated = await emu.send_message("hello", guild_id=other_guild.id, max_wait=0.01)

    outcome, _ = await _scatter(emu)

    assert unrelated.elsewhere == []
    assert len(outcome.elsewhere) == 2


async def test_buttons_on_a_followup_another_channel_and_a_dm_all_answer(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    player = emu.users[0]
    outcome, gm_only = await _scatter(emu)
    followup = outcome.followups[0]
    gm_post = emu.channel_messages(gm_only)[0]
    dm = emu.dm_messages(player)[0]

    on_followup = await emu.click(followup, "again:followup")
    on_gm_post = await emu.click(gm_post, "again:gm", user=emu.owner)
    on_dm = await emu.click(dm.id, "again:dm")

    assert followup.ephemeral
    assert on_followup.content == (
        f"again:followup by {player.id} on {followup.id} in {emu.channel_id}"
    )
    assert on_gm_post.content == f"again:gm by {emu.owner.id} on {gm_post.id} in {gm_only}"
    assert on_gm_post.message is not None
    assert on_gm_post.message.channel_id == gm_only
    assert on_dm.content == f"again:dm by {player.id} on {dm.id} in {dm.channel_id}"
    assert on_dm.payload["context"] == hikari.ApplicationContextType.BOT_DM
    assert (as_object(on_dm.payload["message"]) or {}).get("id") == str(dm.id)
    assert all(o.callback_type == Callback.CHANNEL_MESSAGE_WITH_SOURCE for o in (on_dm, on_gm_post))
    assert emu.violations == []


async def test_dm_buttons_are_pressed_by_the_recipient_and_ephemeral_ones_by_default_too(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    player = emu.users[1]
    outcome, _ = await _scatter(emu, user_index=1)
    dm = emu.dm_messages(player)[0]

    by_default = await emu.click(outcome.followups[0], "again:followup")
    by_someone_else = await emu.click(outcome.followups[0], "again:followup", user=emu.owner)
    with pytest.raises(LoopbackError, match="in the DMs of user"):
        await emu.click(dm, "again:dm", user=emu.owner)

    assert by_default.content.startswith(f"again:followup by {player.id}")
    assert by_someone_else.content.startswith(f"again:followup by {emu.owner.id}")


async def test_buttons_work_after_the_bot_restarts(
    emu: LoopbackDiscord,
    make_bot: Callable[[LoopbackDiscord, hikari.Intents], hikari.GatewayBot],
) -> None:
    emu.identify_window = 0  # the restart identifies at once; the limit has its own tests
    first = make_bot(emu, INTENTS)
    await first.start(check_for_updates=False)
    try:
        await emu.wait_ready()
        await emu.wait_commands({"scatter"})
        outcome, gm_only = await _scatter(emu)
    finally:
        await first.close()
    gm_post = emu.channel_messages(gm_only)[0]
    assert emu.connected_shards == set()

    second = make_bot(emu, INTENTS)
    await second.start(check_for_updates=False)
    try:
        await emu.wait_ready()
        on_gm_post = await emu.click(gm_post, "again:gm")
        on_followup = await emu.click(outcome.followups[0], "again:followup")
    finally:
        await second.close()

    assert emu.identify_count == 2
    assert on_gm_post.content.startswith(f"again:gm by {emu.users[0].id} on {gm_post.id}")
    assert on_followup.content.startswith("again:followup")
