"""Channels and roles tests add, permissions from roles, and channel/role/mentionable options."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import hikari
import pytest

from nazh.loopback import LoopbackError
from nazh.loopback.protocol import ChannelType
from nazh.loopback.world import ADMINISTRATOR, ALL_PERMISSIONS, EVERYONE_PERMISSIONS

if TYPE_CHECKING:
    from collections.abc import Callable

    from nazh.loopback import JsonRecord, LoopbackDiscord

MANAGE_GUILD = 1 << 5
BOT_INTENTS = (
    hikari.Intents.GUILDS
    | hikari.Intents.GUILD_MEMBERS
    | hikari.Intents.GUILD_MESSAGES
    | hikari.Intents.MESSAGE_CONTENT
)


def _fields(content: str) -> dict[str, str]:
    """The `key=value` words of the test bot's /gm answer."""
    return dict(word.split("=", 1) for word in content.split())


async def test_options_resolve_by_name_with_invoker_permissions(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    gm_only = await emu.add_channel(emu.guild_id, "gm-only")
    gm = await emu.add_role(emu.guild_id, "GM", permissions=MANAGE_GUILD)
    player = emu.users[1]
    await emu.give_role(player, gm)

    outcome = await emu.slash(
        "gm", {"channel": "#gm-only", "role": "@GM", "who": "@GM"}, user=player
    )

    answer = _fields(outcome.content)
    permissions = EVERYONE_PERMISSIONS | MANAGE_GUILD
    assert answer["channel"] == f"{gm_only}:gm-only:{ChannelType.GUILD_TEXT}:{permissions}"
    assert answer["role"] == f"{gm}:GM:{MANAGE_GUILD}"
    assert answer["who"] == f"role:{gm}"
    assert answer["permissions"] == str(permissions)
    held = {emu.guild_id, emu.guilds[0].member_role_id, gm}  # hikari adds @everyone's id
    assert answer["roles"] == ",".join(str(r) for r in sorted(held))
    payload: JsonRecord = outcome.payload
    assert payload["member"]["roles"] == [str(emu.guilds[0].member_role_id), str(gm)]
    data = payload["data"]
    assert data["resolved"]["channels"][str(gm_only)]["permissions"] == str(permissions)
    assert data["options"][0] == {"name": "channel", "type": 7, "value": str(gm_only)}
    assert emu.violations == []


async def test_mentionable_user_brings_user_and_member(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    by_name = await emu.slash("gm", {"who": "@player2"})
    by_object = await emu.slash("gm", {"who": emu.owner})

    assert _fields(by_name.content)["who"] == f"user:{emu.users[1].id}"
    assert _fields(by_object.content)["who"] == f"user:{emu.owner.id}"
    payload: JsonRecord = by_object.payload
    resolved = payload["data"]["resolved"]
    assert set(resolved) == {"users", "members"}
    assert resolved["members"][str(emu.owner.id)]["permissions"] == str(ALL_PERMISSIONS)


async def test_administrator_has_every_permission_and_taking_a_role_takes_its_bits(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    admin = await emu.add_role(emu.guild_id, "Admin", permissions=ADMINISTRATOR)
    gm = await emu.add_role(emu.guild_id, "GM", permissions=MANAGE_GUILD)
    player = emu.users[2]

    await emu.give_role(player, admin)
    as_admin = _fields((await emu.slash("gm", user=player)).content)["permissions"]
    await emu.take_role(player, admin)
    await emu.give_role(player, gm)
    as_gm = _fields((await emu.slash("gm", user=player)).content)["permissions"]
    await emu.take_role(player, gm)
    as_player = _fields((await emu.slash("gm", user=player)).content)["permissions"]

    assert int(as_admin) == ALL_PERMISSIONS
    assert int(as_gm) == EVERYONE_PERMISSIONS | MANAGE_GUILD
    assert int(as_player) == EVERYONE_PERMISSIONS
    assert emu.guilds[0].role_ids_of(player, emu.bot_user.id) == [emu.guilds[0].member_role_id]


async def test_everyone_role_permissions_reach_every_member(emu: LoopbackDiscord) -> None:
    guild = emu.guild()
    guild.roles[guild.id].permissions |= MANAGE_GUILD

    assert guild.permissions_of(emu.users[0], emu.bot_user.id) & MANAGE_GUILD
    assert guild.permissions_of(emu.other_bot, emu.bot_user.id) & MANAGE_GUILD


async def test_driver_refuses_options_discord_would_not_offer(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    voice = await emu.add_channel(emu.guild_id, "table-voice", kind=ChannelType.GUILD_VOICE)
    other_guild_channel = emu.guilds[1].channel_id

    with pytest.raises(LoopbackError, match="the option takes"):
        await emu.slash("gm", {"channel": voice})
    with pytest.raises(LoopbackError, match="has no channel"):
        await emu.slash("gm", {"channel": other_guild_channel})
    with pytest.raises(LoopbackError, match="has no channel"):
        await emu.slash("gm", {"channel": "#nowhere"})
    with pytest.raises(LoopbackError, match="has no role"):
        await emu.slash("gm", {"role": "@Nobody"})
    with pytest.raises(LoopbackError, match="has no role"):
        await emu.slash("gm", {"who": "@Nobody"})
    with pytest.raises(LoopbackError, match="unknown role"):
        await emu.give_role(emu.users[0], 12345)
    with pytest.raises(LoopbackError, match="1 to 100 characters"):
        await emu.add_channel(emu.guild_id, "")


async def test_a_connected_bot_learns_new_channels_roles_and_member_roles(
    emu: LoopbackDiscord,
    make_bot: Callable[[LoopbackDiscord, hikari.Intents], hikari.GatewayBot],
) -> None:
    app = make_bot(emu, BOT_INTENTS)
    await app.start(check_for_updates=False)
    try:
        await emu.wait_ready()
        player = emu.users[0]
        created = asyncio.ensure_future(app.wait_for(hikari.GuildChannelCreateEvent, timeout=5))
        channel_id = await emu.add_channel(emu.guild_id, "gm-only")
        channel = (await created).channel
        role_made = asyncio.ensure_future(app.wait_for(hikari.RoleCreateEvent, timeout=5))
        role_id = await emu.add_role(emu.guild_id, "GM", permissions=MANAGE_GUILD)
        role = (await role_made).role
        updated = asyncio.ensure_future(app.wait_for(hikari.MemberUpdateEvent, timeout=5))
        await emu.give_role(player, role_id)
        member = (await updated).member
        fetched = await app.rest.fetch_channel(channel_id)
        roles = await app.rest.fetch_roles(emu.guild_id)
        channels = await app.rest.fetch_guild_channels(emu.guild_id)
    finally:
        await app.close()

    assert (channel.id, channel.name, channel.parent_id) == (
        channel_id,
        "gm-only",
        emu.guilds[0].category_id,
    )
    assert (role.id, role.name, int(role.permissions)) == (role_id, "GM", MANAGE_GUILD)
    assert (member.id, set(member.role_ids)) == (
        player.id,
        {emu.guild_id, emu.guilds[0].member_role_id, role_id},
    )
    assert isinstance(fetched, hikari.GuildTextChannel)
    assert fetched.name == "gm-only"
    assert [r.name for r in sorted(roles, key=lambda r: r.position)] == [
        "@everyone",
        "Adventurers",
        "Loopback Bot",
        "GM",
    ]
    assert channel_id in {c.id for c in channels}
    assert emu.violations == []


async def test_guild_create_carries_what_was_added_before_the_bot_connected(
    emu: LoopbackDiscord,
    make_bot: Callable[[LoopbackDiscord, hikari.Intents], hikari.GatewayBot],
) -> None:
    channel_id = await emu.add_channel(emu.guild_id, "gm-only")
    role_id = await emu.add_role(emu.guild_id, "GM")
    await emu.give_role(emu.users[0], role_id)

    app = make_bot(emu, BOT_INTENTS)
    await app.start(check_for_updates=False)
    try:
        await emu.wait_ready()
        channel = app.cache.get_guild_channel(channel_id)
        role = app.cache.get_role(role_id)
        member = app.cache.get_member(emu.guild_id, emu.users[0].id)
    finally:
        await app.close()

    assert channel is not None
    assert channel.name == "gm-only"
    assert role is not None
    assert role.name == "GM"
    assert member is not None
    assert role_id in member.role_ids


async def test_messages_go_only_to_text_and_voice_channels(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    category = await emu.add_channel(emu.guild_id, "Dungeon", kind=ChannelType.GUILD_CATEGORY)
    voice = await emu.add_channel(emu.guild_id, "table-voice", kind=ChannelType.GUILD_VOICE)

    in_voice = await bot.rest.create_message(voice, "in the voice channel's chat")
    with pytest.raises(hikari.BadRequestError) as refused:
        await bot.rest.create_message(category, "nowhere")
    with pytest.raises(LoopbackError, match="not a text channel"):
        await emu.send_message("hi", channel_id=category)

    assert [m.id for m in emu.channel_messages(voice)] == [in_voice.id]
    assert refused.value.code == 50008
    assert emu.channel_messages(category) == []
