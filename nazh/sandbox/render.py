"""The bot's messages as a person would see them in the console; no terminal needed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from nazh.sandbox.markdown import Style, paint, to_terminal

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nazh.loopback import LiveEvent, StoredMessage

__all__ = ("ChannelView", "ComponentRef", "ModalField", "modal_fields")

Json = dict[str, Any]
Lookup = Callable[[int], str | None]

_BUTTON, _STRING_SELECT, _TEXT_INPUT, _LABEL = 2, 3, 4, 18
_SELECTS = {3: "choose", 5: "pick a user", 6: "pick a role", 7: "pick someone", 8: "pick a channel"}
_LINK = 5
_LOADING = 1 << 7
_INDENT = "  "


@dataclasses.dataclass(frozen=True, slots=True)
class ComponentRef:
    """A numbered component of a message the console showed."""

    message_id: int
    custom_id: str
    component: Json

    @property
    def is_select(self) -> bool:
        """Whether it is a select menu (else a button)."""
        return self.component.get("type") in _SELECTS

    @property
    def options(self) -> list[Json]:
        """A string select's options."""
        return list(self.component.get("options") or ())


@dataclasses.dataclass(frozen=True, slots=True)
class ModalField:
    """One text input of a modal, asked in turn."""

    custom_id: str
    label: str
    required: bool
    placeholder: str
    value: str
    min_length: int
    max_length: int


def modal_fields(modal: Json) -> list[ModalField]:
    """The text inputs of a modal, in order, with their labels."""
    fields: list[ModalField] = []
    for label, item in _text_inputs(modal.get("components") or [], ""):
        fields.append(
            ModalField(
                custom_id=str(item["custom_id"]),
                label=str(item.get("label") or label or item["custom_id"]),
                required=bool(item.get("required", True)),
                placeholder=str(item.get("placeholder") or ""),
                value=str(item.get("value") or ""),
                min_length=int(item.get("min_length") or 0),
                max_length=int(item.get("max_length") or 4000),
            )
        )
    return fields


def _text_inputs(components: list[Json], label: str) -> Iterator[tuple[str, Json]]:
    for component in components:
        kind = component.get("type")
        if kind == _TEXT_INPUT:
            yield label, component
        elif kind == _LABEL and isinstance(component.get("component"), dict):
            yield from _text_inputs([component["component"]], str(component.get("label") or ""))
        elif isinstance(component.get("components"), list):
            yield from _text_inputs(component["components"], label)


class ChannelView:
    """Turns the emulator's live events into console text and numbers the components shown.

    ``click N`` and ``select N`` refer to the numbers of the last message shown with components.
    """

    __slots__ = (
        "_bot_id",
        "_bot_name",
        "_channel_name",
        "_role_name",
        "_user_name",
        "color",
        "numbered",
    )

    def __init__(
        self,
        *,
        bot_id: int,
        bot_name: str = "Nazh",
        color: bool,
        user_name: Lookup,
        role_name: Lookup,
        channel_name: Lookup,
    ) -> None:
        self._bot_id = bot_id
        self._bot_name = bot_name
        self.color = color
        self._user_name = user_name
        self._role_name = role_name
        self._channel_name = channel_name
        self.numbered: list[ComponentRef] = []

    def event(self, event: LiveEvent) -> str | None:
        """The text for one live event, or None when a person would not see it here."""
        message = event.message
        if message is None or int(message.author.get("id", 0)) != self._bot_id:
            return None
        if event.kind == "message_create":
            return self.message(message)
        if event.kind == "message_update":
            return self.message(message, edited=True)
        if event.kind == "message_delete":
            return self._header(message, "deleted a message")
        return None

    def component(self, number: int) -> ComponentRef:
        """The component shown with ``number`` (IndexError when there is none)."""
        if not 1 <= number <= len(self.numbered):
            shown = f"1 to {len(self.numbered)}" if self.numbered else "none are shown"
            raise IndexError(f"there is no component {number} ({shown})")
        return self.numbered[number - 1]

    def message(self, message: StoredMessage, *, edited: bool = False) -> str:
        """A message: a header line, then its content, embeds, attachments and components."""
        if message.loading:
            return self._header(message, "") + paint(" is thinking…", Style.DIM, color=self.color)
        filled = bool(message.history) and bool(message.history[-1].get("flags", 0) & _LOADING)
        notes = ["edited"] if edited and not filled else []
        if message.ephemeral:
            notes.append("only you can see this")
        lines = [self._header(message, " · ".join(notes))]
        if message.content:
            lines.extend(_INDENT + line for line in self._markdown(message.content).split("\n"))
        for embed in message.embeds:
            lines.extend(_INDENT + line for line in self._embed(embed))
        for attachment in message.attachments:
            name = attachment.get("filename", "file")
            lines.append(f"{_INDENT}📎 {name} ({attachment.get('size', '?')} bytes)")
        if message.components:
            lines.extend(_INDENT + line for line in self._components(message))
        return "\n".join(lines)

    def _header(self, message: StoredMessage, note: str) -> str:
        author = message.author
        if int(author.get("id", 0)) == self._bot_id:
            name = self._bot_name
        else:
            name = str(author.get("global_name") or author.get("username") or "someone")
        header = paint(name, Style.BOLD, Style.ACCENT, color=self.color)
        if note:
            header += " " + paint(f"({note})", Style.DIM, color=self.color)
        return header

    def _markdown(self, text: str) -> str:
        return to_terminal(
            text,
            color=self.color,
            user_name=self._user_name,
            role_name=self._role_name,
            channel_name=self._channel_name,
        )

    def _embed(self, embed: Json) -> list[str]:
        bar = self._bar(embed.get("color"))
        body: list[str] = []
        author = (embed.get("author") or {}).get("name")
        if author:
            body.append(paint(str(author), Style.DIM, color=self.color))
        if embed.get("title"):
            body.append(paint(self._markdown(str(embed["title"])), Style.BOLD, color=self.color))
        if embed.get("description"):
            body.extend(self._markdown(str(embed["description"])).split("\n"))
        for field in embed.get("fields") or ():
            name = paint(self._markdown(str(field.get("name", ""))), Style.BOLD, color=self.color)
            value = self._markdown(str(field.get("value", ""))).split("\n")
            body.append(f"{name}: {value[0]}")
            body.extend("  " + line for line in value[1:])
        footer = (embed.get("footer") or {}).get("text")
        if footer:
            body.append(paint(str(footer), Style.DIM, color=self.color))
        return [f"{bar} {line}" for line in body] or [bar]

    def _bar(self, color: object) -> str:
        if self.color and isinstance(color, int):
            red, green, blue = (color >> 16) & 255, (color >> 8) & 255, color & 255
            return f"\x1b[38;2;{red};{green};{blue}m▌\x1b[0m"
        return "▌"

    def _components(self, message: StoredMessage) -> list[str]:
        self.numbered = []
        lines: list[str] = []
        for row in message.components:
            items = row.get("components") if row.get("type") == 1 else [row]
            shown = [self._component(message, item) for item in items or ()]
            lines.append("  ".join(text for text in shown if text))
        return [line for line in lines if line]

    def _component(self, message: StoredMessage, item: Json) -> str:
        kind = item.get("type")
        if kind == _BUTTON:
            label = " ".join(
                part for part in (_emoji(item.get("emoji")), str(item.get("label") or "")) if part
            )
            if item.get("style") == _LINK:
                return paint(
                    f"[{label} ↗ {item.get('url', '')}]", Style.UNDERLINE, color=self.color
                )
        elif kind in _SELECTS:
            label = f"{item.get('placeholder') or _SELECTS[int(kind or 0)]} ▾"
        else:
            return ""
        custom_id = item.get("custom_id")
        if custom_id is None:
            return ""
        self.numbered.append(ComponentRef(message.id, str(custom_id), item))
        text = f"[{len(self.numbered)}] {label}"
        if item.get("disabled"):
            return paint(f"{text} (disabled)", Style.DIM, color=self.color)
        return paint(text, Style.BOLD, color=self.color)


def _emoji(emoji: object) -> str:
    if not isinstance(emoji, dict):
        return ""
    name = emoji.get("name")
    if emoji.get("id"):
        return f":{name}:"
    return str(name or "")
