"""Builds INTERACTION_CREATE and MESSAGE_CREATE payloads the way Discord sends them."""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING

from nazh.loopback.files import USER_UPLOAD_LIMIT, Upload
from nazh.loopback.limits import ATTACHMENT_SIZE_LIMIT
from nazh.loopback.messages import StoredMessage
from nazh.loopback.protocol import (
    InteractionContextType,
    InteractionType,
    MessageReferenceType,
    MessageType,
    OptionType,
)
from nazh.loopback.snowflakes import iso_timestamp
from nazh.loopback.wire import as_object
from nazh.loopback.world import Channel, Role, User

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nazh.loopback.files import FileStore
    from nazh.loopback.protocol import (
        ApplicationCommand,
        CommandOption,
        JsonObject,
        JsonValue,
    )
    from nazh.loopback.snowflakes import SnowflakeFactory
    from nazh.loopback.world import Guild, World

__all__ = ("InteractionBuilder", "LoopbackError", "build_command_options")

_SUBCOMMANDS = (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP)


class LoopbackError(Exception):
    """The driver was asked for something Discord's client could not send."""


def _snowflake(value: object) -> int:
    """The id a driver argument names: a User, Role or Channel, or an id as int or str."""
    if isinstance(value, User | Role | Channel):
        return value.id
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        try:
            return int(value)
        except ValueError:
            raise LoopbackError(f"{value!r} is not an id") from None
    raise LoopbackError(f"{value!r} is not an id")


class _Resolver:
    """Collects the `resolved` data of user, channel, role, mentionable and attachment options.

    Users, roles and channels are given as objects, ids, or by name: '@player1', '@GM',
    '#gm-only' (or a bare name for a role or channel option).
    """

    __slots__ = ("files", "guild", "invoker", "resolved", "snowflakes", "world")

    def __init__(
        self,
        world: World,
        guild: Guild | None,
        snowflakes: SnowflakeFactory,
        files: FileStore,
        invoker: User | None,
    ) -> None:
        self.world = world
        self.guild = guild
        self.snowflakes = snowflakes
        self.files = files
        self.invoker = invoker
        self.resolved: JsonObject = {}

    def _section(self, name: str) -> JsonObject:
        section = as_object(self.resolved.get(name))
        if section is None:
            section = self.resolved[name] = {}
        return section

    def _find_user(self, value: object) -> User:
        if isinstance(value, str) and value.startswith("@"):
            found = self.world.user_named(value[1:])
            if found is None:
                raise LoopbackError(f"unknown user {value}")
            return found
        user_id = _snowflake(value)
        try:
            return self.world.user(user_id)
        except KeyError:
            raise LoopbackError(f"unknown user {user_id}") from None

    def user(self, value: object) -> str:
        user = self._find_user(value)
        self._section("users")[str(user.id)] = user.payload()
        if self.guild is not None:
            member = self.guild.member_payload(user, self.world.bot.id, with_user=False)
            member["permissions"] = str(self.guild.permissions_of(user, self.world.bot.id))
            self._section("members")[str(user.id)] = member
        return str(user.id)

    def _find_role(self, value: object) -> Role:
        if self.guild is None:
            raise LoopbackError("role options need a guild")
        if isinstance(value, str) and not value.isdigit():
            found = self.guild.role_named(value.removeprefix("@"))
            if found is None and value.startswith("@"):
                found = self.guild.role_named(value)
        else:
            found = self.guild.roles.get(_snowflake(value))
        if found is None:
            raise LoopbackError(f"{self.guild.name} has no role {value}")
        return found

    def role(self, value: object) -> str:
        role = self._find_role(value)
        guild = self.guild
        assert guild is not None
        tagged = self.world.bot.id if role.id == guild.bot_role_id else None
        self._section("roles")[str(role.id)] = role.payload(bot_id=tagged)
        return str(role.id)

    def channel(self, value: object, allowed: list[int] | None = None) -> str:
        guild = self.guild
        if guild is None:
            raise LoopbackError("channel options need a guild")
        if isinstance(value, str) and not value.isdigit():
            found = guild.channel_named(value.removeprefix("#"))
        else:
            found = guild.channels.get(_snowflake(value))
        if found is None:
            raise LoopbackError(f"{guild.name} has no channel {value}")
        if allowed and found.type not in allowed:
            raise LoopbackError(
                f"channel {found.name!r} has type {found.type}, the option takes {allowed}"
            )
        member = self.invoker or self.world.bot
        self._section("channels")[str(found.id)] = {
            "id": str(found.id),
            "type": found.type,
            "name": found.name,
            "parent_id": None if found.parent_id is None else str(found.parent_id),
            "permissions": str(guild.permissions_of(member, self.world.bot.id)),
        }
        return str(found.id)

    def attachment(self, name: str, value: object) -> str:
        """Upload the file as the user's client does; the option's value is its id."""
        if not isinstance(value, Upload):
            raise LoopbackError(f"option {name!r} takes an Upload (a file), got {value!r}")
        if value.size > USER_UPLOAD_LIMIT:
            raise LoopbackError(
                f"option {name!r}: {value.size} bytes is more than a user can upload "
                f"({USER_UPLOAD_LIMIT} with Nitro)"
            )
        attachment_id = self.snowflakes.next()
        folder = f"ephemeral-attachments/{self.world.application_id}"
        stored = self.files.add(attachment_id, value, folder, ephemeral=True)
        self._section("attachments")[str(attachment_id)] = stored.attachment()
        return str(attachment_id)

    def mentionable(self, value: object) -> str:
        if isinstance(value, Role):
            return self.role(value)
        try:
            return self.user(value)
        except LoopbackError:
            return self.role(value)


def _convert(option: CommandOption, value: object, resolver: _Resolver) -> JsonValue:
    kind = option["type"]
    name = option["name"]
    checked: str | int | float | bool
    if kind == OptionType.STRING:
        if not isinstance(value, str):
            raise LoopbackError(f"option {name!r} takes a string, got {value!r}")
        if len(value) > (option.get("max_length") or 6000) or len(value) < (
            option.get("min_length") or 0
        ):
            raise LoopbackError(f"option {name!r}: length {len(value)} outside its bounds")
        checked = value
    elif kind in (OptionType.INTEGER, OptionType.NUMBER):
        number = value if isinstance(value, int | float) and not isinstance(value, bool) else None
        if number is None or (kind == OptionType.INTEGER and not isinstance(number, int)):
            raise LoopbackError(f"option {name!r} takes a number, got {value!r}")
        low, high = option.get("min_value"), option.get("max_value")
        if (low is not None and number < low) or (high is not None and number > high):
            raise LoopbackError(f"option {name!r}: {number} outside [{low}, {high}]")
        checked = number
    elif kind == OptionType.BOOLEAN:
        if not isinstance(value, bool):
            raise LoopbackError(f"option {name!r} takes a boolean, got {value!r}")
        checked = value
    elif kind == OptionType.USER:
        return resolver.user(value)
    elif kind == OptionType.ROLE:
        return resolver.role(value)
    elif kind == OptionType.CHANNEL:
        return resolver.channel(value, option.get("channel_types"))
    elif kind == OptionType.MENTIONABLE:
        return resolver.mentionable(value)
    elif kind == OptionType.ATTACHMENT:
        return resolver.attachment(name, value)
    else:
        raise LoopbackError(f"option {name!r} has type {kind}, which the driver cannot send")
    choices = option.get("choices")
    if choices and checked not in [c["value"] for c in choices]:
        raise LoopbackError(f"option {name!r}: {checked!r} is not one of its choices")
    return checked


def build_command_options(
    command: ApplicationCommand,
    path: list[str],
    values: Mapping[str, object],
    resolver: _Resolver,
    *,
    focused: str | None = None,
) -> list[JsonObject]:
    """The interaction `options` for a (sub)command path and option values.

    Raises LoopbackError for an unknown subcommand or option, a missing required option,
    a wrong value type or a value outside the option's choices or bounds.
    """
    root = command.get("name", "")
    level = command.get("options") or []
    chain: list[CommandOption] = []
    for name in path:
        sub = next((o for o in level if o["name"] == name and o["type"] in _SUBCOMMANDS), None)
        if sub is None:
            known = [o["name"] for o in level if o["type"] in _SUBCOMMANDS]
            raise LoopbackError(f"/{root} has no subcommand {name!r} (has {known})")
        chain.append(sub)
        level = sub.get("options") or []
    if any(o["type"] in _SUBCOMMANDS for o in level):
        known = [o["name"] for o in level]
        raise LoopbackError(f"/{' '.join([root, *path])} needs a subcommand: {known}")
    by_name = {o["name"]: o for o in level}
    leaf: list[JsonObject] = []
    for name, value in values.items():
        option = by_name.get(name)
        if option is None:
            raise LoopbackError(f"/{root} has no option {name!r} (has {sorted(by_name)})")
        is_focused = name == focused
        entry: JsonObject = {
            "name": name,
            "type": option["type"],
            "value": str(value) if is_focused else _convert(option, value, resolver),
        }
        if is_focused:
            if not option.get("autocomplete"):
                raise LoopbackError(f"option {name!r} has no autocomplete")
            entry["focused"] = True
        leaf.append(entry)
    if focused is None:
        missing = [o["name"] for o in level if o.get("required") and o["name"] not in values]
        if missing:
            raise LoopbackError(f"/{root} is missing required options {missing}")
    elif focused not in values:
        raise LoopbackError(f"focused option {focused!r} needs a value")
    for sub in reversed(chain):
        leaf = [{"name": sub["name"], "type": sub["type"], "options": leaf}]
    return leaf


class InteractionBuilder:
    """Makes interaction and message payloads for the world's users, guilds and channels."""

    __slots__ = ("files", "snowflakes", "world")

    def __init__(self, world: World, snowflakes: SnowflakeFactory, files: FileStore) -> None:
        self.world = world
        self.snowflakes = snowflakes
        self.files = files

    def resolver(self, guild: Guild | None, invoker: User | None = None) -> _Resolver:
        """A collector for resolved option data (attachment options store their files);
        resolved channels carry the invoker's permissions."""
        return _Resolver(self.world, guild, self.snowflakes, self.files, invoker)

    def base(
        self, kind: InteractionType, user: User, guild: Guild | None, channel_id: int
    ) -> JsonObject:
        """The fields every interaction carries (id, token, member/user, channel, context...)."""
        world = self.world
        interaction_id = self.snowflakes.next()
        payload: JsonObject = {
            "id": str(interaction_id),
            "application_id": str(world.application_id),
            "type": kind,
            "token": f"lb.{interaction_id}.{secrets.token_urlsafe(24)}",
            "version": 1,
            "channel_id": str(channel_id),
            "locale": "en-US",
            "entitlements": [],
            "entitlement_sku_ids": [],
            "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
        }
        if guild is None:
            payload["user"] = user.payload()
            payload["channel"] = world.dm_channel_payload(user, channel_id)
            payload["context"] = InteractionContextType.BOT_DM
            payload["authorizing_integration_owners"] = {"0": "0"}
            payload["app_permissions"] = str(world_dm_permissions())
            return payload
        bot_id = world.bot.id
        member = guild.member_payload(user, bot_id)
        member["permissions"] = str(guild.permissions_of(user, bot_id))
        channel = guild.channels[channel_id].payload()
        payload.update(
            guild_id=str(guild.id),
            guild={"id": str(guild.id), "locale": "en-US", "features": []},
            guild_locale="en-US",
            member=member,
            channel={**channel, "permissions": member["permissions"]},
            context=InteractionContextType.GUILD,
            authorizing_integration_owners={"0": str(guild.id)},
            app_permissions=str(guild.permissions_of(world.bot, bot_id)),
        )
        return payload

    @staticmethod
    def metadata(payload: JsonObject, user: User, trigger: JsonObject | None = None) -> JsonObject:
        """The interaction_metadata that messages answering this interaction carry."""
        kind = payload["type"]
        meta: JsonObject = {
            "id": payload["id"],
            "type": kind,
            "user": user.payload(),
            "authorizing_integration_owners": payload["authorizing_integration_owners"],
        }
        data = as_object(payload.get("data")) or {}
        message = as_object(payload.get("message"))
        if kind == InteractionType.APPLICATION_COMMAND:
            meta["name"] = data.get("name")
            meta["command_type"] = data.get("type", 1)
        if kind == InteractionType.MESSAGE_COMPONENT and message is not None:
            meta["interacted_message_id"] = message.get("id")
        if kind == InteractionType.MODAL_SUBMIT and trigger is not None:
            meta["triggering_interaction_metadata"] = trigger
        return meta

    def user_message(
        self,
        content: str,
        user: User,
        guild: Guild | None,
        channel_id: int,
        *,
        reply_to: StoredMessage | None,
        webhook: bool = False,
    ) -> StoredMessage:
        """A message a user, another bot or (webhook=True, `user` being the webhook) a webhook
        posts."""
        author = user.payload()
        if webhook:
            author["discriminator"] = "0000"
        message = StoredMessage(
            id=self.snowflakes.next(),
            channel_id=channel_id,
            guild_id=guild.id if guild else None,
            author=author,
            content=content,
            timestamp=iso_timestamp(),
            webhook_id=user.id if webhook else None,
        )
        if reply_to is not None:
            message.message_type = MessageType.REPLY
            message.message_reference = {
                "type": MessageReferenceType.DEFAULT,
                "message_id": str(reply_to.id),
                "channel_id": str(reply_to.channel_id),
                **({"guild_id": str(guild.id)} if guild else {}),
            }
            message.replied_user = reply_to.author_id
        return message

    def message_create(
        self,
        message: StoredMessage,
        user: User,
        guild: Guild | None,
        *,
        mentions: list[User],
        with_content: bool,
    ) -> JsonObject:
        """The MESSAGE_CREATE payload; content is blanked without the message content intent."""
        payload = self.message_update(
            message, user, guild, mentions=mentions, with_content=with_content
        )
        payload["nonce"] = str(message.id)
        return payload

    def message_update(
        self,
        message: StoredMessage,
        user: User,
        guild: Guild | None,
        *,
        mentions: list[User],
        with_content: bool,
    ) -> JsonObject:
        """The MESSAGE_UPDATE payload (the whole message, as Discord sends it now); content,
        embeds, attachments and components are blanked without the message content intent."""
        payload = message.payload()
        payload["mentions"] = [self._mention(m, guild) for m in mentions]
        payload["mention_everyone"] = "@everyone" in message.content or "@here" in message.content
        if guild is not None and message.webhook_id is None:
            payload["member"] = guild.member_payload(user, self.world.bot.id, with_user=False)
        if not with_content:
            payload.update(content="", embeds=[], attachments=[], components=[])
        return payload

    def _mention(self, user: User, guild: Guild | None) -> JsonObject:
        data = user.payload()
        if guild is not None:
            data["member"] = guild.member_payload(user, self.world.bot.id, with_user=False)
        return data


def world_dm_permissions() -> int:
    """Permissions an app has in a DM with a user."""
    return (1 << 6) | (1 << 10) | (1 << 11) | (1 << 14) | (1 << 15) | (1 << 16) | (1 << 31)
