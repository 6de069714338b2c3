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
    "ALL_PERMISSIONS",
    "BOT_PERMISSIONS",
    "EVERYONE_PERMISSIONS",
    "Guild",
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
class Guild:
    """A guild with an @everyone role, a member role, the bot's role and a few channels."""

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

    @property
    def text_channel_ids(self) -> tuple[int, int]:
        """The ids of the guild's text channels (the default one first)."""
        return (self.channel_id, self.second_channel_id)

    def role_payloads(self, bot_id: int) -> list[JsonObject]:
        """The roles: @everyone (id = guild id), a member role and the bot's managed role."""
        return [
            _role(self.id, "@everyone", 0, EVERYONE_PERMISSIONS),
            _role(self.member_role_id, "Adventurers", 1, EVERYONE_PERMISSIONS, mentionable=True),
            {
                **_role(self.bot_role_id, "Loopback Bot", 2, BOT_PERMISSIONS, managed=True),
                "tags": {"bot_id": str(bot_id)},
            },
        ]

    def channel_payloads(self) -> list[JsonObject]:
        """The guild's channels: a category, two text channels and a voice channel."""
        common: JsonObject = {
            "guild_id": str(self.id),
            "permission_overwrites": [],
            "nsfw": False,
            "flags": 0,
        }
        text: JsonObject = {
            "type": ChannelType.GUILD_TEXT,
            "parent_id": str(self.category_id),
            "topic": None,
            "last_message_id": None,
            "rate_limit_per_user": 0,
            "default_auto_archive_duration": 1440,
            **common,
        }
        return [
            {
                "id": str(self.category_id),
                "type": ChannelType.GUILD_CATEGORY,
                "name": "Tavern",
                "position": 0,
                **common,
            },
            {**text, "id": str(self.channel_id), "name": "general", "position": 1},
            {**text, "id": str(self.second_channel_id), "name": "dice-rolls", "position": 2},
            {
                "id": str(self.voice_channel_id),
                "type": ChannelType.GUILD_VOICE,
                "name": "Voice",
                "position": 3,
                "parent_id": str(self.category_id),
                "bitrate": 64000,
                "user_limit": 0,
                "rtc_region": None,
                "video_quality_mode": 1,
                "last_message_id": None,
                **common,
            },
        ]

    def member_role_ids(self, user: User, bot_id: int) -> list[str]:
        """The role ids (without @everyone) a member of this guild holds."""
        if user.id == bot_id:
            return [str(self.bot_role_id)]
        return [str(self.member_role_id)]

    def permissions_of(self, user: User, bot_id: int) -> int:
        """The guild-level permissions of a member."""
        if user.id == self.owner_id:
            return ALL_PERMISSIONS
        if user.id == bot_id:
            return BOT_PERMISSIONS
        return EVERYONE_PERMISSIONS

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


def _role(
    role_id: int,
    name: str,
    position: int,
    permissions: int,
    *,
    managed: bool = False,
    mentionable: bool = False,
) -> JsonObject:
    return {
        "id": str(role_id),
        "name": name,
        "description": None,
        "color": 0,
        "colors": {"primary_color": 0, "secondary_color": None, "tertiary_color": None},
        "hoist": False,
        "icon": None,
        "unicode_emoji": None,
        "position": position,
        "permissions": str(permissions),
        "managed": managed,
        "mentionable": mentionable,
        "flags": 0,
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
    )

    def __init__(self, snowflakes: SnowflakeFactory, *, guilds: int, users: int) -> None:
        self.application_id = snowflakes.next()
        self.bot = User(self.application_id, "Loopback Bot", None, bot=True)
        self.owner = User(snowflakes.next(), "owner", "The Owner")
        self.other_bot = User(snowflakes.next(), "Other Bot", None, bot=True)
        self.users: list[User] = [
            User(snowflakes.next(), f"player{n}", f"Player {n}") for n in range(1, users + 1)
        ]
        joined_at = iso_timestamp()
        self.guilds: dict[int, Guild] = {}
        self.guild_of_channel: dict[int, Guild] = {}
        for n in range(1, guilds + 1):
            guild = Guild(
                # Created a millisecond apart, so (id >> 22) % shards spreads them over shards.
                id=past_snowflake(86_400_000 + guilds - n),
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
            for channel_id in guild.text_channel_ids:
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
