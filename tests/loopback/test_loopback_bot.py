"""A real hikari/lightbulb/miru bot connects, syncs and answers through the emulator."""

from __future__ import annotations

from typing import TYPE_CHECKING

import hikari
import pytest

from nazh.loopback import LoopbackDiscord, LoopbackError
from nazh.loopback.protocol import InteractionCallbackType as Callback
from nazh.loopback.wire import as_object

if TYPE_CHECKING:
    from collections.abc import Callable

BOT_INTENTS = (
    hikari.Intents.GUILDS
    | hikari.Intents.GUILD_MESSAGES
    | hikari.Intents.DM_MESSAGES
    | hikari.Intents.MESSAGE_CONTENT
)


async def test_start_up_identifies_with_zlib_stream_and_syncs_commands(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    assert emu.connected_shards == {0}
    assert emu.identify_count == 1
    assert emu.intents == int(BOT_INTENTS)
    assert [c.compress for c in emu.gateway_connections] == ["zlib-stream"]
    assert {g.id for g in bot.cache.get_guilds_view().values()} == set(emu.guild_ids)
    guild = bot.cache.get_guild(emu.guild_id)
    assert guild is not None
    assert guild.owner_id == emu.owner.id
    assert {c["name"] for c in emu.commands[emu.guild_id]} >= {"echo", "admin", "panel"}
    assert [c["name"] for c in emu.commands[None]] == ["ping"]
    routes = [(r.method, r.route) for r in emu.requests]
    assert ("GET", "/gateway/bot") in routes
    assert ("PUT", "/applications/{application_id}/guilds/{guild_id}/commands") in routes
    assert all(r.status < 400 for r in emu.requests)
    assert emu.violations == []


async def test_slash_command_with_options_and_ephemeral_flag(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    public = await emu.slash("echo", {"text": "hi", "times": 2})
    private = await emu.slash("echo", {"text": "psst", "private": True}, user=emu.owner)

    answered = (public.callback_type, public.content, public.ephemeral)
    assert answered == (Callback.CHANNEL_MESSAGE_WITH_SOURCE, "hi hi", False)
    assert (private.content, private.ephemeral) == ("psst", True)
    assert public.latency is not None
    assert public.message is not None
    assert public.message.guild_id == emu.guild_id
    assert public.message.interaction_metadata is not None
    assert public.message.interaction_metadata["user"] == emu.users[0].payload()
    assert emu.violations == []


async def test_subcommands_and_global_command_in_dm(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    reload = await emu.slash("admin reload")
    configured = await emu.slash("admin config set", {"key": "prefix", "value": "?"})
    in_dm = await emu.slash("ping", dm=True)

    assert (reload.content, reload.ephemeral) == ("reloaded", True)
    assert configured.content == "prefix=?"
    assert in_dm.content == "pong from dm"
    assert in_dm.message is not None
    assert in_dm.message.guild_id is None


async def test_driver_refuses_what_discord_would_not_send(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    with pytest.raises(LoopbackError, match="no synced slash command"):
        await emu.slash("nope")
    with pytest.raises(LoopbackError, match="no option 'colour'"):
        await emu.slash("echo", {"text": "x", "colour": "red"})
    with pytest.raises(LoopbackError, match="missing required"):
        await emu.slash("echo", {})
    with pytest.raises(LoopbackError, match="outside"):
        await emu.slash("echo", {"text": "x", "times": 9})
    with pytest.raises(LoopbackError, match="not one of its choices"):
        await emu.slash("admin config set", {"key": "colour", "value": "red"})
    with pytest.raises(LoopbackError, match="needs a subcommand"):
        await emu.slash("admin")
    with pytest.raises(LoopbackError, match="no synced slash command"):
        await emu.slash("echo", {"text": "x"}, dm=True)
    with pytest.raises(LoopbackError, match="limited to 4000 characters"):
        await emu.send_message("!" + "x" * 4000)


async def test_autocomplete_returns_the_choices(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    choices = await emu.autocomplete("echo", {"text": "ab"}, focused="text")
    outcome = await emu.autocomplete_outcome("echo", {"text": "z", "times": 2}, focused="text")

    assert choices == [{"name": f"ab{n}", "value": f"ab{n}"} for n in "123"]
    assert outcome.callback_type == Callback.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT
    assert [c["value"] for c in outcome.choices] == ["z1", "z2", "z3"]


async def test_button_click_edits_the_message_and_keeps_history(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    panel = await emu.slash("panel")
    assert panel.custom_ids == ["hit", "ask", "pick"]

    clicked = await emu.click(panel, "hit", user=emu.owner)

    assert clicked.callback_type == Callback.UPDATE_MESSAGE
    assert clicked.message is panel.message
    assert clicked.content == f"hit by {emu.owner.id}"
    assert panel.message is not None
    assert [state["content"] for state in panel.message.history] == ["panel"]
    assert clicked.edits == [clicked.data]
    with pytest.raises(LoopbackError, match="no component 'missing'"):
        await emu.click(panel, "missing")


async def test_select_menu_answers_with_the_values(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    panel = await emu.slash("panel")

    picked = await emu.select(panel, "pick", ["a", "b"])

    answered = (picked.callback_type, picked.content, picked.ephemeral)
    assert answered == (Callback.CHANNEL_MESSAGE_WITH_SOURCE, "picked a,b", True)
    with pytest.raises(LoopbackError, match="has no options"):
        await emu.select(panel, "pick", ["z"])
    with pytest.raises(LoopbackError, match="use select"):
        await emu.click(panel, "pick")


async def test_modal_opened_by_a_button_is_submitted(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    panel = await emu.slash("panel")
    opened = await emu.click(panel, "ask")
    assert opened.callback_type == Callback.MODAL
    assert opened.modal is not None
    assert opened.modal["title"] == "A question"

    submitted = await emu.submit_modal(opened, {"answer": "42"})

    assert submitted.content == "answer=42 note=-"
    with pytest.raises(LoopbackError, match="required"):
        await emu.submit_modal(opened, {"note": "only a note"})
    assert emu.violations == []


async def test_deferred_response_then_edit(emu: LoopbackDiscord, bot: hikari.GatewayBot) -> None:
    outcome = await emu.slash("defer")

    assert outcome.callback_type == Callback.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
    assert outcome.content == "thought about it"
    assert outcome.ephemeral
    assert outcome.message is not None
    assert not outcome.message.loading
    assert len(outcome.edits) == 1


async def test_follow_up_is_a_second_message(emu: LoopbackDiscord, bot: hikari.GatewayBot) -> None:
    outcome = await emu.slash("follow", settle=0.5)  # two requests: allow for a loaded machine

    assert outcome.content == "first"
    assert [m.content for m in outcome.followups] == ["second"]
    assert [m.content for m in outcome.messages] == ["first", "second"]
    followup_route = "/webhooks/{application_id}/{interaction_token}"
    assert [r.query["wait"] for r in outcome.requests if r.route == followup_route] == ["true"]


async def test_message_create_and_reply(emu: LoopbackDiscord, bot: hikari.GatewayBot) -> None:
    reply = await emu.send_message("!ping", user=emu.users[1])
    from_bot = await emu.send_message("!ping", bot=True, max_wait=0.3)
    elsewhere = await emu.send_message("hello", max_wait=0.3)

    assert reply.content == "pong"
    assert reply.message is not None
    assert reply.message.message_reference is not None
    assert reply.message.message_reference["message_id"] == reply.payload["id"]
    assert reply.message.replied_user == emu.users[1].id
    assert from_bot.messages == []
    assert not elsewhere.responded


async def test_message_content_is_blank_without_the_intent(
    emu: LoopbackDiscord, make_bot: Callable[[LoopbackDiscord, hikari.Intents], hikari.GatewayBot]
) -> None:
    app = make_bot(emu, BOT_INTENTS & ~hikari.Intents.MESSAGE_CONTENT)
    await app.start(check_for_updates=False)
    try:
        await emu.wait_ready()
        ignored = await emu.send_message("!ping", max_wait=0.3)
        mentioned = await emu.send_message(f"{emu.bot_user.mention} hi", max_wait=0.3)
    finally:
        await app.close()

    assert ignored.payload["content"] == ""
    assert not ignored.responded
    assert mentioned.payload["content"] == f"{emu.bot_user.mention} hi"


async def test_live_events_are_published(emu: LoopbackDiscord, bot: hikari.GatewayBot) -> None:
    events = emu.subscribe()
    panel = await emu.slash("panel")
    await emu.click(panel, "hit")
    emu.unsubscribe(events)

    kinds = [events.get_nowait().kind for _ in range(events.qsize())]
    assert kinds == [
        "interaction_create",
        "message_create",
        "interaction_response",
        "interaction_create",
        "message_update",
        "interaction_response",
    ]


async def test_multipart_upload_is_parsed_and_validated(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    outcome = await emu.slash("upload")

    callback = outcome.requests[0]
    assert callback.files == ["roll.txt"]
    body = as_object(callback.json) or {}
    assert (as_object(body.get("data")) or {}).get("content") == "here"
    assert outcome.message is not None
    assert [(a["filename"], a["size"]) for a in outcome.message.attachments] == [("roll.txt", 9)]
    assert emu.violations == []


async def test_channel_messages_created_edited_and_deleted_over_rest(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    events = emu.subscribe()
    sent = await bot.rest.create_message(emu.channel_id, "draft", user_mentions=False)
    edited = await bot.rest.edit_message(emu.channel_id, sent, "final")
    await bot.rest.delete_message(emu.channel_id, sent)
    application = await bot.rest.fetch_application()

    stored = emu.message(sent.id)
    assert (edited.content, edited.edited_timestamp is not None) == ("final", True)
    assert [state["content"] for state in stored.history] == ["draft"]
    assert stored.deleted
    assert [events.get_nowait().kind for _ in range(events.qsize())] == [
        "message_create",
        "message_update",
        "message_delete",
    ]
    assert application.owner.id == emu.owner.id
    assert emu.violations == []


async def test_guilds_are_spread_over_shards(
    make_bot: Callable[[LoopbackDiscord, hikari.Intents], hikari.GatewayBot],
) -> None:
    async with LoopbackDiscord(guilds=6, shards=2) as emu:
        app = make_bot(emu, BOT_INTENTS)
        await app.start(check_for_updates=False)
        try:
            await emu.wait_ready()
            shard_of = {g: (g >> 22) % 2 for g in emu.guild_ids}
            other = next(g for g, shard in shard_of.items() if shard != shard_of[emu.guild_id])
            ready = {
                e["d"]["shard"][0]: e["d"]
                for s in (0, 1)
                for e in emu.dispatched(s)
                if e["t"] == "READY"
            }
            answered = await emu.slash("ping", guild_id=other)
        finally:
            await app.close()

    assert emu.connected_shards == set()
    assert sorted(ready) == [0, 1]
    assert sorted(g["id"] for r in ready.values() for g in r["guilds"]) == sorted(
        map(str, emu.guild_ids)
    )
    assert [i["shard"] for i in emu.identifies] in ([[0, 2], [1, 2]], [[1, 2], [0, 2]])
    assert sorted(shard_of.values()) == [0, 0, 0, 1, 1, 1]
    assert answered.content == "pong from guild"
