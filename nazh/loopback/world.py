"""The emulated Discord world: users, guilds, roles, channels and their JSON payloads."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from nazh.loopback.protocol import ChannelType
from nazh.loopback.snowflakes import iso_timestamp, past_snowflake

if TYPE_CHECKING:
    from nazh.loopback.protocol import JsonObject
    from nazh.loopback.snowflakes import SnowflakeFactory

__all__ = (
    "ADMINISTRATOR",
    "ALL_PERMISSIONS",
    "BOT_PERMISSIONS",
    "EVERYONE_PERMISSIONS",
    "Channel",
    "Guild",
    "Role",
    "User",
    "World",
)

ADMINISTRATOR = 1 << 3
ALL_PERMISSIONS = (1 << 51) - 1
EVERYONE_PERMISSIONS = (
    (1 << 6)  # add reactions
    | (1 << 10)  # view channel
    | (1 << 11)  # send messages
    | (1 << 14)  # embed links
    | (1 << 15)  # attach files
    | (1 << 16)  # read message history
    | (1 << 20)  # connect
    | (1 << 21)  # speak
    | (1 << 31)  # use application commands
)
BOT_PERMISSIONS = EVERYONE_PERMISSIONS | (1 << 13) | (1 << 18) | (1 << 38)  # manage msgs, emojis


@dataclasses.dataclass(frozen=True, slots=True)
class User:
    """A Discord user of the emulated world."""

    id: int
    username: str
    global_name: str | None = None
    bot: bool = False

    @property
    def mention(self) -> str:
        """The mention markup for this user."""
        return f"<@{self.id}>"

    def payload(self) -> JsonObject:
        """The user object as Discord sends it."""
        data: JsonObject = {
            "id": str(self.id),
            "username": self.username,
            "discriminator": "0",
            "global_name": self.global_name,
            "avatar": None,
            "banner": None,
            "accent_color": None,
            "avatar_decoration_data": None,
            "public_flags": 0,
        }
        if self.bot:
            data["bot"] = True
        return data

    def own_payload(self) -> JsonObject:
        """The user object of the current (bot) user, as READY and GET /users/@me send it."""
        return {**self.payload(), "verified": True, "mfa_enabled": False, "flags": 0, "email": None}


@dataclasses.dataclass(slots=True)
class Role:
    """A guild role; @everyone's id is the guild's."""

    id: int
    name: str
    permissions: int
    position: int
    managed: bool = False
    mentionable: bool = False
    color: int = 0
    hoist: bool = False

    @property
    def mention(self) -> str:
        """The mention markup for this role."""
        return f"<@&{self.id}>"

    def payload(self, *, bot_id: int | None = None) -> JsonObject:
        """The role object; `bot_id` tags a bot's managed role."""
        data: JsonObject = {
            "id": str(self.id),
            "name": self.name,
            "description": None,
            "color": self.color,
            "colors": {
                "primary_color": self.color,
                "secondary_color": None,
                "tertiary_color": None,
            },
            "hoist": self.hoist,
            "icon": None,
            "unicode_emoji": None,
            "position": self.position,
            "permissions": str(self.permissions),
            "managed": self.managed,
            "mentionable": self.mentionable,
            "flags": 0,
        }
        if bot_id is not None:
            data["tags"] = {"bot_id": str(bot_id)}
        return data


@dataclasses.dataclass(slots=True)
class Channel:
    """A guild channel: a text channel, a voice channel or a category."""

    id: int
    guild_id: int
    name: str
    type: ChannelType
    position: int
    parent_id: int | None = None

    @property
    def mention(self) -> str:
        """The mention markup for this channel."""
        return f"<#{self.id}>"

    @property
    def messageable(self) -> bool:
        """Whether messages can be posted in it (text and voice channels)."""
        return self.type in (ChannelType.GUILD_TEXT, ChannelType.GUILD_VOICE)

    def payload(self) -> JsonObject:
        """The channel object as GUILD_CREATE, CHANNEL_CREATE and GET /channels/{id} send it."""
        data: JsonObject = {
            "id": str(self.id),
            "type": self.type,
            "name": self.name,
            "position": self.position,
            "guild_id": str(self.guild_id),
            "permission_overwrites": [],
            "nsfw": False,
            "flags": 0,
        }
        if self.type == ChannelType.GUILD_CATEGORY:
            return data
        data["parent_id"] = None if self.parent_id is None else str(self.parent_id)
        data["last_message_id"] = None
        if self.type == ChannelType.GUILD_TEXT:
            data.update(topic=None, rate_limit_per_user=0, default_auto_archive_duration=1440)
        else:
            data.update(bitrate=64000, user_limit=0, rtc_region=None, video_quality_mode=1)
        return data


def _no_roles() -> dict[int, Role]:
    return {}


def _no_channels() -> dict[int, Channel]:
    return {}


def _no_member_roles() -> dict[int, list[int]]:
    return {}


@dataclasses.dataclass(slots=True)
class Guild:
    """A guild with an @everyone role, a member role, the bot's role and a few channels.

    Tests add channels and roles and give members roles through `LoopbackDiscord`; a member's
    permissions are computed from their roles as Discord does (channel overwrites are not
    modelled: every channel grants the guild-level permissions).
    """

    id: int
    name: str
    owner_id: int
    member_role_id: int
    bot_role_id: int
    category_id: int
    channel_id: int
    second_channel_id: int
    voice_channel_id: int
    emoji_id: int
    joined_at: str
    roles: dict[int, Role] = dataclasses.field(default_factory=_no_roles)
    channels: dict[int, Channel] = dataclasses.field(default_factory=_no_channels)
    member_roles: dict[int, list[int]] = dataclasses.field(default_factory=_no_member_roles)

    def __post_init__(self) -> None:
        for role in (
            Role(self.id, "@everyone", EVERYONE_PERMISSIONS, 0),
            Role(self.member_role_id, "Adventurers", EVERYONE_PERMISSIONS, 1, mentionable=True),
            Role(self.bot_role_id, "Loopback Bot", BOT_PERMISSIONS, 2, managed=True),
        ):
            self.roles.setdefault(role.id, role)
        for channel in (
            Channel(self.category_id, self.id, "Tavern", ChannelType.GUILD_CATEGORY, 0),
            Channel(self.channel_id, self.id, "general", ChannelType.GUILD_TEXT, 1),
            Channel(self.second_channel_id, self.id, "dice-rolls", ChannelType.GUILD_TEXT, 2),
            Channel(self.voice_channel_id, self.id, "Voice", ChannelType.GUILD_VOICE, 3),
        ):
            if channel.type != ChannelType.GUILD_CATEGORY:
                channel.parent_id = self.category_id
            self.channels.setdefault(channel.id, channel)

    @property
    def text_channel_ids(self) -> tuple[int, ...]:
        """The ids of the guild's text channels (the default one first)."""
        return tuple(c.id for c in self.channels.values() if c.type == ChannelType.GUILD_TEXT)

    def add_role(self, role: Role) -> None:
        """Add a role (placed above the others)."""
        role.position = max(r.position for r in self.roles.values()) + 1
        self.roles[role.id] = role

    def add_channel(self, channel: Channel) -> None:
        """Add a channel (placed after the others)."""
        channel.position = max(c.position for c in self.channels.values()) + 1
        self.channels[channel.id] = channel

    def role_named(self, name: str) -> Role | None:
        """The role with this name (case-insensitive; '@everyone' included), if any."""
        folded = name.casefold()
        return next((r for r in self.roles.values() if r.name.casefold() == folded), None)

    def channel_named(self, name: str) -> Channel | None:
        """The channel with this name (case-insensitive), if any."""
        folded = name.casefold()
        return next((c for c in self.channels.values() if c.name.casefold() == folded), None)

    def role_payloads(self, bot_id: int) -> list[JsonObject]:
        """The roles in position order; the bot's managed role is tagged with `bot_id`."""
        return [
            role.payload(bot_id=bot_id if role.id == self.bot_role_id else None)
            for role in sorted(self.roles.values(), key=lambda r: r.position)
        ]

    def channel_payloads(self) -> list[JsonObject]:
        """The guild's channels in position order (at first a category, two text channels and
        a voice channel)."""
        return [c.payload() for c in sorted(self.channels.values(), key=lambda c: c.position)]

    def role_ids_of(self, user: User, bot_id: int) -> list[int]:
        """The ids of the roles (without @everyone) a member of this guild holds."""
        held = self.member_roles.get(user.id)
        if held is not None:
            return held
        return [self.bot_role_id if user.id == bot_id else self.member_role_id]

    def set_roles(self, user: User, role_ids: list[int]) -> None:
        """Replace the roles (without @everyone) a member holds."""
        self.member_roles[user.id] = [r for r in role_ids if r != self.id]

    def member_role_ids(self, user: User, bot_id: int) -> list[str]:
        """The role ids (without @everyone) a member of this guild holds, as strings."""
        return [str(role_id) for role_id in self.role_ids_of(user, bot_id)]

    def permissions_of(self, user: User, bot_id: int) -> int:
        """A member's guild-level permissions: the owner has all; otherwise @everyone's and
        those of each of their roles, and all of them with ADMINISTRATOR."""
        if user.id == self.owner_id:
            return ALL_PERMISSIONS
        permissions = self.roles[self.id].permissions
        for role_id in self.role_ids_of(user, bot_id):
            role = self.roles.get(role_id)
            if role is not None:
                permissions |= role.permissions
        return ALL_PERMISSIONS if permissions & ADMINISTRATOR else permissions

    def member_payload(self, user: User, bot_id: int, *, with_user: bool = True) -> JsonObject:
        """The guild member object of one user."""
        data: JsonObject = {
            "roles": self.member_role_ids(user, bot_id),
            "joined_at": self.joined_at,
            "nick": None,
            "avatar": None,
            "banner": None,
            "premium_since": None,
            "deaf": False,
            "mute": False,
            "pending": False,
            "flags": 0,
            "communication_disabled_until": None,
        }
        if with_user:
            data["user"] = user.payload()
        return data

    def emoji_payloads(self) -> list[JsonObject]:
        """One custom emoji."""
        return [
            {
                "id": str(self.emoji_id),
                "name": "d20",
                "roles": [],
                "require_colons": True,
                "managed": False,
                "animated": False,
                "available": True,
            }
        ]

    def create_payload(self, members: list[User], bot_id: int) -> JsonObject:
        """The GUILD_CREATE payload (a gateway guild object)."""
        return {
            "id": str(self.id),
            "name": self.name,
            "icon": None,
            "splash": None,
            "discovery_splash": None,
            "banner": None,
            "description": None,
            "features": [],
            "owner_id": str(self.owner_id),
            "afk_channel_id": None,
            "afk_timeout": 300,
            "verification_level": 1,
            "default_message_notifications": 1,
            "explicit_content_filter": 2,
            "mfa_level": 0,
            "application_id": None,
            "widget_enabled": False,
            "widget_channel_id": None,
            "system_channel_id": str(self.channel_id),
            "system_channel_flags": 0,
            "rules_channel_id": None,
            "public_updates_channel_id": None,
            "safety_alerts_channel_id": None,
            "max_video_channel_users": 25,
            "max_members": 500000,
            "vanity_url_code": None,
            "premium_tier": 0,
            "premium_subscription_count": 0,
            "premium_progress_bar_enabled": False,
            "preferred_locale": "en-US",
            "nsfw_level": 0,
            "nsfw": False,
            "incidents_data": None,
            "roles": self.role_payloads(bot_id),
            "emojis": self.emoji_payloads(),
            "stickers": [],
            "joined_at": self.joined_at,
            "large": False,
            "unavailable": False,
            "member_count": len(members),
            "members": [self.member_payload(user, bot_id) for user in members],
            "channels": self.channel_payloads(),
            "threads": [],
            "presences": [],
            "voice_states": [],
            "stage_instances": [],
            "guild_scheduled_events": [],
            "soundboard_sounds": [],
            "lazy": True,
        }


class World:
    """All entities of the emulated Discord: the bot, its owner, users and guilds."""

    __slots__ = (
        "application_id",
        "bot",
        "dm_channels",
        "guild_of_channel",
        "guilds",
        "other_bot",
        "owner",
        "users",
        "webhook",
    )

    def __init__(self, snowflakes: SnowflakeFactory, *, guilds: int, users: int) -> None:
        self.application_id = snowflakes.next()
        self.bot = User(self.application_id, "Loopback Bot", None, bot=True)
        self.owner = User(snowflakes.next(), "owner", "The Owner")
        self.other_bot = User(snowflakes.next(), "Other Bot", None, bot=True)
        self.users: list[User] = [
            User(snowflakes.next(), f"player{n}", f"Player {n}") for n in range(1, users + 1)
        ]
        self.webhook = User(snowflakes.next(), "Loopback Webhook", None, bot=True)
        joined_at = iso_timestamp()
        self.guilds: dict[int, Guild] = {}
        self.guild_of_channel: dict[int, Guild] = {}
        # A day old and created a millisecond apart, so (id >> 22) % shards spreads them over
        # shards; computed from one reading of the clock so that no millisecond is skipped.
        oldest = past_snowflake(86_400_000 + guilds)
        for n in range(1, guilds + 1):
            guild = Guild(
                id=oldest + (n << 22),
                name=f"Loopback Guild {n}",
                owner_id=self.owner.id,
                member_role_id=snowflakes.next(),
                bot_role_id=snowflakes.next(),
                category_id=snowflakes.next(),
                channel_id=snowflakes.next(),
                second_channel_id=snowflakes.next(),
                voice_channel_id=snowflakes.next(),
                emoji_id=snowflakes.next(),
                joined_at=joined_at,
            )
            self.guilds[guild.id] = guild
            for channel_id in guild.channels:
                self.guild_of_channel[channel_id] = guild
        self.dm_channels: dict[int, int] = {}

    @property
    def members(self) -> list[User]:
        """Everyone who is a member of every guild: the bot, the owner, the users, another bot."""
        return [self.bot, self.owner, *self.users, self.other_bot]

    def user(self, user_id: int) -> User:
        """Look a user up by id (KeyError when unknown)."""
        for user in self.members:
            if user.id == user_id:
                return user
        raise KeyError(user_id)

    def user_named(self, name: str) -> User | None:
        """The member whose username or display name is `name` (case-insensitive), if any."""
        folded = name.casefold()
        for user in self.members:
            if folded in (user.username.casefold(), (user.global_name or "").casefold()):
                return user
        return None

    def channel(self, channel_id: int) -> Channel | None:
        """A guild channel by id, if there is one."""
        guild = self.guild_of_channel.get(channel_id)
        return None if guild is None else guild.channels.get(channel_id)

    def add_channel(self, guild: Guild, channel: Channel) -> None:
        """Add a channel to a guild."""
        guild.add_channel(channel)
        self.guild_of_channel[channel.id] = guild

    def guild_of_role(self, role_id: int) -> Guild | None:
        """The guild a role belongs to, if it is known."""
        return next((g for g in self.guilds.values() if role_id in g.roles), None)

    def dm_channel_id(self, user: User, snowflakes: SnowflakeFactory) -> int:
        """The id of the DM channel between the bot and a user (created on first use)."""
        channel_id = self.dm_channels.get(user.id)
        if channel_id is None:
            channel_id = self.dm_channels[user.id] = snowflakes.next()
        return channel_id

    def dm_user(self, channel_id: int) -> User | None:
        """The user on the other side of a DM channel, if it is one."""
        for user_id, dm_id in self.dm_channels.items():
            if dm_id == channel_id:
                return self.user(user_id)
        return None

    def dm_channel_payload(self, user: User, channel_id: int) -> JsonObject:
        """A DM channel object."""
        return {
            "id": str(channel_id),
            "type": ChannelType.DM,
            "last_message_id": None,
            "flags": 0,
            "recipients": [user.payload()],
        }

    def application_payload(self) -> JsonObject:
        """The application object (GET /oauth2/applications/@me)."""
        return {
            "id": str(self.application_id),
            "name": self.bot.username,
            "icon": None,
            "description": "A bot running against the loopback Discord emulator.",
            "summary": "",
            "type": None,
            "bot_public": True,
            "bot_require_code_grant": False,
            "verify_key": "0" * 64,
            "flags": (1 << 19) | (1 << 23),  # message content + guild members (limited)
            "owner": self.owner.payload(),
            "team": None,
            "bot": self.bot.payload(),
            "approximate_guild_count": len(self.guilds),
            "approximate_user_install_count": 0,
            "integration_types_config": {
                "0": {
                    "oauth2_install_params": {
                        "scopes": ["applications.commands", "bot"],
                        "permissions": str(BOT_PERMISSIONS),
                    }
                }
            },
            "install_params": {
                "scopes": ["applications.commands", "bot"],
                "permissions": str(BOT_PERMISSIONS),
            },
            "tags": [],
            "redirect_uris": [],
            "interactions_endpoint_url": None,
            "role_connections_verification_url": None,
            "event_webhooks_url": None,
            "event_webhooks_status": 1,
        }
