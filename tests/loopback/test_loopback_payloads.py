"""Every payload the emulator sends deserializes fully in hikari, without unknown-entity logs."""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

import hikari
import pytest

from nazh.loopback import pings_of
from nazh.loopback.protocol import ChannelType

if TYPE_CHECKING:
    from nazh.loopback import LoopbackDiscord

_COMPLAINTS = re.compile(
    r"unrecognised|ignoring unknown|unknown (component|top-level|command|interaction|channel)",
    re.IGNORECASE,
)


@pytest.fixture
def hikari_debug(caplog: pytest.LogCaptureFixture) -> pytest.LogCaptureFixture:
    caplog.set_level(logging.DEBUG, logger="hikari")
    return caplog


def _complaints(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [
        r.getMessage()
        for r in caplog.records
        if r.name.startswith("hikari") and _COMPLAINTS.search(r.getMessage())
    ]


async def test_ready_and_guild_create_deserialize_completely(
    emu: LoopbackDiscord, bot: hikari.GatewayBot, hikari_debug: pytest.LogCaptureFixture
) -> None:
    events = {e["t"]: e["d"] for e in emu.dispatched()}
    factory = bot.entity_factory

    ready = bot.event_factory.deserialize_ready_event(bot.shards[0], events["READY"])
    full_guild = emu.guilds[0].create_payload(emu.world.members, emu.bot_user.id)
    definition = factory.deserialize_gateway_guild(
        full_guild, user_id=hikari.Snowflake(emu.bot_user.id)
    )
    guild = definition.guild()

    assert ready.my_user.id == emu.bot_user.id
    assert ready.application_id == emu.application_id
    assert set(ready.unavailable_guilds) == set(emu.guild_ids)
    assert guild.owner_id == emu.owner.id
    assert bot.cache.get_role(emu.guild_id) is not None
    assert hikari.Snowflake(emu.guild_id) in definition.roles()
    assert {m.id for m in definition.members().values()} == {u.id for u in emu.world.members}
    assert definition.members()[hikari.Snowflake(emu.bot_user.id)].is_bot
    channels = definition.channels()
    assert isinstance(channels[hikari.Snowflake(emu.channel_id)], hikari.GuildTextChannel)
    assert {type(c) for c in channels.values()} == {
        hikari.GuildCategory,
        hikari.GuildTextChannel,
        hikari.GuildVoiceChannel,
    }
    assert [e.name for e in definition.emojis().values()] == ["d20"]
    assert definition.stickers() == {}
    assert definition.threads() == {}
    assert definition.presences() == {}
    assert definition.voice_states() == {}
    assert _complaints(hikari_debug) == []


async def test_interactions_deserialize_with_member_permissions_and_context(
    emu: LoopbackDiscord, bot: hikari.GatewayBot, hikari_debug: pytest.LogCaptureFixture
) -> None:
    factory = bot.entity_factory
    slash = await emu.slash("echo", {"text": "hi", "times": 2}, user=emu.owner)
    dm = await emu.slash("ping", dm=True)
    suggest = await emu.autocomplete_outcome("echo", {"text": "h"}, focused="text")
    panel = await emu.slash("panel")
    clicked = await emu.click(panel, "ask")
    submitted = await emu.submit_modal(clicked, {"answer": "yes"})

    command = factory.deserialize_interaction(slash.payload)
    in_dm = factory.deserialize_interaction(dm.payload)
    autocomplete = factory.deserialize_interaction(suggest.payload)
    component = factory.deserialize_interaction(clicked.payload)
    modal = factory.deserialize_interaction(submitted.payload)

    assert isinstance(command, hikari.CommandInteraction)
    assert command.member is not None
    assert command.member.permissions & hikari.Permissions.ADMINISTRATOR
    assert command.context is hikari.ApplicationContextType.GUILD
    assert command.registered_guild_id == emu.guild_id
    assert [(o.name, o.value) for o in command.options] == [("text", "hi"), ("times", 2)]
    assert command.app_permissions & hikari.Permissions.SEND_MESSAGES
    assert isinstance(in_dm, hikari.CommandInteraction)
    assert (in_dm.member, in_dm.guild_id, in_dm.context) == (
        None,
        None,
        hikari.ApplicationContextType.BOT_DM,
    )
    assert isinstance(autocomplete, hikari.AutocompleteInteraction)
    assert autocomplete.options[0].is_focused
    assert isinstance(component, hikari.ComponentInteraction)
    assert component.message.id == panel.message.id if panel.message else False
    assert component.custom_id == "ask"
    assert isinstance(modal, hikari.ModalInteraction)
    assert modal.components[0].components[0].value == "yes"
    assert _complaints(hikari_debug) == []


async def test_stored_messages_deserialize(
    emu: LoopbackDiscord, bot: hikari.GatewayBot, hikari_debug: pytest.LogCaptureFixture
) -> None:
    await emu.slash("panel")
    await emu.send_message("!ping", mentions=[emu.users[1]])
    await emu.slash("follow", settle=0.5)

    messages = [bot.entity_factory.deserialize_message(m.payload()) for m in emu.messages]

    assert len(messages) == 5
    panel = messages[0]
    assert [c.type for c in panel.components] == [hikari.ComponentType.ACTION_ROW] * 2
    assert panel.interaction_metadata is not None
    assert panel.webhook_id == emu.application_id
    assert messages[1].author.id == emu.users[0].id
    assert messages[2].referenced_message is None
    assert messages[2].message_reference is not None
    assert _complaints(hikari_debug) == []


def test_pings_follow_allowed_mentions() -> None:
    content = "<@1> <@!2> <@&3> @everyone"

    default = pings_of(content, None, replied_user=4)
    nothing = pings_of(content, {"parse": []}, replied_user=4)
    listed = pings_of(content, {"parse": [], "users": ["2"], "replied_user": True}, replied_user=4)
    everything = pings_of(content, {"parse": ["users", "roles", "everyone"]}, replied_user=None)

    assert (default.everyone, default.users, default.roles) == (True, {1, 2, 4}, {3})
    assert not nothing.anyone
    assert (listed.everyone, listed.users, listed.roles) == (False, {2, 4}, frozenset())
    assert (everything.everyone, everything.users, everything.roles) == (True, {1, 2}, {3})


async def test_world_changes_and_user_message_events_deserialize(
    emu: LoopbackDiscord, bot: hikari.GatewayBot, hikari_debug: pytest.LogCaptureFixture
) -> None:
    voice = await emu.add_channel(emu.guild_id, "table-voice", kind=ChannelType.GUILD_VOICE)
    role = await emu.add_role(emu.guild_id, "GM", permissions=1 << 5, color=0xFF0000)
    await emu.give_role(emu.users[0], role)
    sent = await emu.send_message("hooked", webhook=True, max_wait=0.01)
    await emu.edit_message(sent, "hooked, edited", max_wait=0.01)
    events = {e["t"]: e["d"] for e in emu.dispatched()}
    shard = bot.shards[0]
    factory = bot.event_factory

    channel = factory.deserialize_guild_channel_create_event(shard, events["CHANNEL_CREATE"])
    made = factory.deserialize_guild_role_create_event(shard, events["GUILD_ROLE_CREATE"])
    assert "GUILD_MEMBER_UPDATE" not in events  # the test bot lacks the GUILD_MEMBERS intent
    update = emu.guild().member_payload(emu.users[0], emu.bot_user.id)
    member = factory.deserialize_guild_member_update_event(
        shard, {**update, "guild_id": str(emu.guild_id)}
    )
    created = factory.deserialize_message_create_event(shard, events["MESSAGE_CREATE"])
    updated = factory.deserialize_message_update_event(shard, events["MESSAGE_UPDATE"])

    assert isinstance(channel.channel, hikari.GuildVoiceChannel)
    assert channel.channel.id == voice
    assert (made.role.id, made.role.color) == (role, hikari.Color(0xFF0000))
    assert role in member.member.role_ids
    assert created.message.webhook_id == emu.webhook.id
    assert updated.message.content == "hooked, edited"
    assert _complaints(hikari_debug) == []
