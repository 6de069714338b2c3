"""Messages the bot creates, with their latest state, edit history and who they would ping."""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

from nazh.loopback.snowflakes import iso_timestamp

__all__ = ("EPHEMERAL", "LOADING", "Pings", "StoredMessage", "assign_component_ids", "pings_of")

Json = dict[str, Any]

EPHEMERAL = 1 << 6
LOADING = 1 << 7
_KEPT_FLAGS = (1 << 2) | (1 << 12) | (1 << 15) | EPHEMERAL  # suppress embeds/notifications, v2
_EDITABLE = ("content", "embeds", "components", "flags", "attachments", "allowed_mentions", "poll")
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


def pings_of(content: str, allowed: Json | None, replied_user: int | None) -> Pings:
    """Apply Discord's allowed_mentions rules to a message's content.

    Without allowed_mentions every mention in the content pings (and a reply pings its author);
    with it, only the listed parse types, explicit ids and replied_user do.
    """
    users = {int(u) for u in _USER_MENTION.findall(content)}
    roles = {int(r) for r in _ROLE_MENTION.findall(content)}
    mass = "@everyone" in content or "@here" in content
    if allowed is None:
        if replied_user is not None:
            users.add(replied_user)
        return Pings(mass, frozenset(users), frozenset(roles))
    parse = set(allowed.get("parse") or ())
    allowed_users = {int(u) for u in allowed.get("users") or ()}
    allowed_roles = {int(r) for r in allowed.get("roles") or ()}
    pinged_users = {u for u in users if "users" in parse or u in allowed_users}
    if replied_user is not None and allowed.get("replied_user"):
        pinged_users.add(replied_user)
    pinged_roles = {r for r in roles if "roles" in parse or r in allowed_roles}
    return Pings(mass and "everyone" in parse, frozenset(pinged_users), frozenset(pinged_roles))


def assign_component_ids(components: list[Json]) -> list[Json]:
    """Copy components, numbering every one of them in order as Discord does (id field)."""
    counter = 0

    def walk(items: list[Json]) -> list[Json]:
        nonlocal counter
        result = []
        for original in items:
            counter += 1
            item = {**original, "id": original.get("id") or counter}
            for key in ("components", "items"):
                if isinstance(item.get(key), list):
                    item[key] = walk(item[key])
            if isinstance(item.get("accessory"), dict):
                item["accessory"] = walk([item["accessory"]])[0]
            result.append(item)
        return result

    return walk(copy.deepcopy(components))


def _objects(value: Any) -> list[Json]:
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _normalise_embed(embed: Json) -> Json:
    embed = {key: value for key, value in embed.items() if value is not None}
    embed.setdefault("type", "rich")
    for field in embed.get("fields", ()):
        field.setdefault("inline", False)
    for key in ("image", "thumbnail"):
        if isinstance(embed.get(key), dict) and "url" in embed[key]:
            embed[key].setdefault("proxy_url", embed[key]["url"])
    return embed


@dataclasses.dataclass(slots=True, eq=False)
class StoredMessage:
    """A message in the emulator: its current state, every previous state and its origin."""

    id: int
    channel_id: int
    guild_id: int | None
    author: Json
    content: str = ""
    embeds: list[Json] = dataclasses.field(default_factory=list)
    components: list[Json] = dataclasses.field(default_factory=list)
    attachments: list[Json] = dataclasses.field(default_factory=list)
    flags: int = 0
    allowed_mentions: Json | None = None
    message_type: int = 0
    timestamp: str = dataclasses.field(default_factory=iso_timestamp)
    edited_timestamp: str | None = None
    webhook_id: int | None = None
    application_id: int | None = None
    interaction_metadata: Json | None = None
    message_reference: Json | None = None
    replied_user: int | None = None
    poll: Json | None = None
    tts: bool = False
    deleted: bool = False
    history: list[Json] = dataclasses.field(default_factory=list)
    edits: list[Json] = dataclasses.field(default_factory=list)

    @property
    def ephemeral(self) -> bool:
        """Whether only the invoking user sees this message."""
        return bool(self.flags & EPHEMERAL)

    @property
    def loading(self) -> bool:
        """Whether this is a deferred 'Bot is thinking...' placeholder not yet edited."""
        return bool(self.flags & LOADING)

    @property
    def pings(self) -> Pings:
        """Who this message notifies."""
        return pings_of(self.content, self.allowed_mentions, self.replied_user)

    @property
    def custom_ids(self) -> list[str]:
        """Every custom_id among this message's components, in order."""
        return [c["custom_id"] for c in iter_components(self.components) if "custom_id" in c]

    def component(self, custom_id: str) -> Json | None:
        """The component with this custom_id, if the message has one."""
        for component in iter_components(self.components):
            if component.get("custom_id") == custom_id:
                return component
        return None

    def apply(self, body: Json, *, initial: bool = False) -> None:
        """Apply a create or edit body (only the keys present change; null clears)."""
        if not initial:
            self.history.append(self.payload())
            self.edits.append(copy.deepcopy(body))
            self.edited_timestamp = iso_timestamp()
            self.flags &= ~LOADING
        for key in _EDITABLE:
            if key not in body:
                continue
            value = body[key]
            if key == "content":
                self.content = "" if value is None else str(value)
            elif key == "embeds":
                self.embeds = [_normalise_embed(e) for e in _objects(value)]
            elif key == "components":
                self.components = assign_component_ids(_objects(value))
            elif key == "flags":
                self.flags = (self.flags & (EPHEMERAL | LOADING)) | ((value or 0) & _KEPT_FLAGS)
            elif key == "attachments":
                self._apply_attachments(_objects(value))
            elif key == "allowed_mentions":
                self.allowed_mentions = value
            else:
                self.poll = value
        if "tts" in body and initial:
            self.tts = bool(body["tts"])

    def _apply_attachments(self, entries: list[Json]) -> None:
        known = {str(a["id"]): a for a in self.attachments}
        self.attachments = [known[str(e["id"])] for e in entries if str(e.get("id")) in known]

    def add_uploads(self, uploads: list[Json]) -> None:
        """Attach uploaded files (already shaped as Discord attachment objects)."""
        self.attachments.extend(uploads)

    def payload(self) -> Json:
        """The message object as Discord returns it."""
        data: Json = {
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
            "attachments": copy.deepcopy(self.attachments),
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
        return data


def iter_components(components: list[Json]) -> list[Json]:
    """Every component, depth first, including nested ones."""
    found: list[Json] = []
    for component in components:
        found.append(component)
        for key in ("components", "items"):
            if isinstance(component.get(key), list):
                found.extend(iter_components(component[key]))
        if isinstance(component.get("accessory"), dict):
            found.append(component["accessory"])
    return found
