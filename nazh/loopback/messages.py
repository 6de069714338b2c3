"""Messages the bot creates, with their latest state, edit history and who they would ping."""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import TYPE_CHECKING

from nazh.loopback.protocol import MessageFlags, MessageType
from nazh.loopback.snowflakes import iso_timestamp
from nazh.loopback.wire import ALLOWED_MENTIONS, COMPONENT, integer, objects, text

if TYPE_CHECKING:
    from nazh.loopback.files import StoredFile
    from nazh.loopback.protocol import Component, JsonObject, JsonValue

__all__ = ("Pings", "StoredMessage", "assign_component_ids", "iter_components", "pings_of")

_KEPT_FLAGS = (
    MessageFlags.SUPPRESS_EMBEDS
    | MessageFlags.SUPPRESS_NOTIFICATIONS
    | MessageFlags.IS_COMPONENTS_V2
    | MessageFlags.EPHEMERAL
)
_STATE_FLAGS = MessageFlags.EPHEMERAL | MessageFlags.LOADING
_EDITABLE = ("content", "embeds", "components", "flags", "attachments", "allowed_mentions", "poll")
_NESTED = ("components", "items")
_USER_MENTION = re.compile(r"<@!?(\d+)>")
_ROLE_MENTION = re.compile(r"<@&(\d+)>")


@dataclasses.dataclass(frozen=True, slots=True)
class Pings:
    """Who a message notifies once Discord applies its allowed_mentions."""

    everyone: bool
    users: frozenset[int]
    roles: frozenset[int]

    @property
    def anyone(self) -> bool:
        """Whether the message notifies anybody at all."""
        return self.everyone or bool(self.users or self.roles)


def pings_of(content: str, allowed: JsonValue, replied_user: int | None) -> Pings:
    """Apply Discord's allowed_mentions rules to a message's content.

    Without allowed_mentions every mention in the content pings (and a reply pings its author);
    with it, only the listed parse types, explicit ids and replied_user do.
    """
    users = {int(u) for u in _USER_MENTION.findall(content)}
    roles = {int(r) for r in _ROLE_MENTION.findall(content)}
    mass = "@everyone" in content or "@here" in content
    rules = ALLOWED_MENTIONS.view(allowed)
    if rules is None:
        if replied_user is not None:
            users.add(replied_user)
        return Pings(mass, frozenset(users), frozenset(roles))
    parse = set(rules.get("parse") or ())
    allowed_users = {int(u) for u in rules.get("users") or ()}
    allowed_roles = {int(r) for r in rules.get("roles") or ()}
    pinged_users = {u for u in users if "users" in parse or u in allowed_users}
    if replied_user is not None and rules.get("replied_user"):
        pinged_users.add(replied_user)
    pinged_roles = {r for r in roles if "roles" in parse or r in allowed_roles}
    return Pings(mass and "everyone" in parse, frozenset(pinged_users), frozenset(pinged_roles))


def assign_component_ids(components: list[JsonObject]) -> list[JsonObject]:
    """Copy components, numbering every one of them in order as Discord does (id field)."""
    counter = 0

    def walk(items: list[JsonObject]) -> list[JsonObject]:
        nonlocal counter
        result: list[JsonObject] = []
        for original in items:
            counter += 1
            item: JsonObject = {**original, "id": original.get("id") or counter}
            for key in _NESTED:
                nested = item.get(key)
                if isinstance(nested, list):
                    item[key] = walk([child for child in nested if isinstance(child, dict)])
            accessory = item.get("accessory")
            if isinstance(accessory, dict):
                item["accessory"] = walk([accessory])[0]
            result.append(item)
        return result

    return walk(copy.deepcopy(components))


def _normalise_embed(embed: JsonObject) -> JsonObject:
    embed = {key: value for key, value in embed.items() if value is not None}
    embed.setdefault("type", "rich")
    for field in objects(embed.get("fields")):
        field.setdefault("inline", False)
    for key in ("image", "thumbnail"):
        media = embed.get(key)
        if isinstance(media, dict) and "url" in media:
            media.setdefault("proxy_url", media["url"])
    return embed


def _no_objects() -> list[JsonObject]:
    return []


def _no_files() -> list[StoredFile]:
    return []


@dataclasses.dataclass(slots=True, eq=False)
class StoredMessage:
    """A message in the emulator: its current state, every previous state and its origin."""

    id: int
    channel_id: int
    guild_id: int | None
    author: JsonObject
    content: str = ""
    embeds: list[JsonObject] = dataclasses.field(default_factory=_no_objects)
    components: list[JsonObject] = dataclasses.field(default_factory=_no_objects)
    files: list[StoredFile] = dataclasses.field(default_factory=_no_files)
    flags: int = 0
    allowed_mentions: JsonValue = None
    message_type: int = MessageType.DEFAULT
    timestamp: str = dataclasses.field(default_factory=iso_timestamp)
    edited_timestamp: str | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: JsonObject | None = None
    message_reference: JsonObject | None = None
    replied_user: int | None = None
    poll: JsonValue = None
    nonce: str | int | None = None
    tts: bool = False
    deleted: bool = False
    history: list[JsonObject] = dataclasses.field(default_factory=_no_objects)
    edits: list[JsonObject] = dataclasses.field(default_factory=_no_objects)

    @property
    def author_id(self) -> int:
        """The id of the message's author."""
        return int(text(self.author.get("id"), "0"))

    @property
    def attachments(self) -> list[JsonObject]:
        """The attachment objects of the message's files, as Discord sends them."""
        return [stored.attachment() for stored in self.files]

    def file(self, filename: str) -> StoredFile:
        """The first attached file with this name, bytes and all (KeyError when none)."""
        for stored in self.files:
            if stored.filename == filename:
                return stored
        raise KeyError(filename)

    @property
    def ephemeral(self) -> bool:
        """Whether only the invoking user sees this message."""
        return bool(self.flags & MessageFlags.EPHEMERAL)

    @property
    def loading(self) -> bool:
        """Whether this is a deferred 'Bot is thinking...' placeholder not yet edited."""
        return bool(self.flags & MessageFlags.LOADING)

    @property
    def pings(self) -> Pings:
        """Who this message notifies."""
        return pings_of(self.content, self.allowed_mentions, self.replied_user)

    @property
    def custom_ids(self) -> list[str]:
        """Every custom_id among this message's components, in order."""
        found = (c.get("custom_id") for c in iter_components(self.components))
        return [custom_id for custom_id in found if custom_id is not None]

    def component(self, custom_id: str) -> Component | None:
        """The component with this custom_id, if the message has one."""
        for component in iter_components(self.components):
            if component.get("custom_id") == custom_id:
                return component
        return None

    def apply(self, body: JsonObject, *, initial: bool = False) -> None:
        """Apply a create or edit body (only the keys present change; null clears)."""
        if not initial:
            self.history.append(self.payload())
            self.edits.append(copy.deepcopy(body))
            self.edited_timestamp = iso_timestamp()
            self.flags &= ~MessageFlags.LOADING
        for key in _EDITABLE:
            if key not in body:
                continue
            value = body[key]
            if key == "content":
                self.content = "" if value is None else str(value)
            elif key == "embeds":
                self.embeds = [_normalise_embed(e) for e in objects(value)]
            elif key == "components":
                self.components = assign_component_ids(objects(value))
            elif key == "flags":
                self.flags = int((self.flags & _STATE_FLAGS) | (integer(value) & _KEPT_FLAGS))
            elif key == "attachments":
                self._apply_attachments(objects(value))
            elif key == "allowed_mentions":
                self.allowed_mentions = value
            else:
                self.poll = value
        if "tts" in body and initial:
            self.tts = bool(body["tts"])

    def _apply_attachments(self, entries: list[JsonObject]) -> None:
        kept = {str(entry.get("id")) for entry in entries}
        self.files = [stored for stored in self.files if str(stored.id) in kept]

    def add_files(self, files: list[StoredFile]) -> None:
        """Attach files the bot uploaded with this create or edit."""
        self.files.extend(files)

    def payload(self) -> JsonObject:
        """The message object as Discord returns it."""
        data: JsonObject = {
            "id": str(self.id),
            "channel_id": str(self.channel_id),
            "author": self.author,
            "content": self.content,
            "timestamp": self.timestamp,
            "edited_timestamp": self.edited_timestamp,
            "tts": self.tts,
            "mention_everyone": self.pings.everyone,
            "mentions": [],
            "mention_roles": [],
            "attachments": self.attachments,
            "embeds": copy.deepcopy(self.embeds),
            "components": copy.deepcopy(self.components),
            "pinned": False,
            "type": self.message_type,
            "flags": self.flags,
        }
        if self.guild_id is not None:
            data["guild_id"] = str(self.guild_id)
        if self.webhook_id is not None:
            data["webhook_id"] = str(self.webhook_id)
        if self.application_id is not None:
            data["application_id"] = str(self.application_id)
        if self.interaction_metadata is not None:
            data["interaction_metadata"] = self.interaction_metadata
        if self.message_reference is not None:
            data["message_reference"] = self.message_reference
        if self.nonce is not None:
            data["nonce"] = self.nonce
        return data


def iter_components(components: list[JsonObject]) -> list[Component]:
    """Every component, depth first, including nested ones (those of unexpected shape skipped)."""
    found: list[Component] = []

    def walk(items: list[Component]) -> None:
        for component in items:
            found.append(component)
            walk(component.get("components") or [])
            walk(component.get("items") or [])
            accessory = component.get("accessory")
            if accessory is not None:
                found.append(accessory)

    walk(COMPONENT.views(components))
    return found
