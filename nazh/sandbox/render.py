"""The bot's messages as a person would see them in the console; no terminal needed."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import TYPE_CHECKING

from nazh.loopback.protocol import ButtonStyle, ComponentType, MessageFlags
from nazh.loopback.wire import COMPONENT, EMBED, integer
from nazh.sandbox.markdown import Style, paint, to_terminal

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

    from nazh.loopback import JsonObject, LiveEvent, StoredMessage
    from nazh.loopback.protocol import Component, Embed, Emoji, SelectOption

__all__ = ("ChannelView", "ComponentRef", "ModalField", "modal_fields")

Lookup = Callable[[int], str | None]

_SELECTS: dict[int, str] = {
    ComponentType.STRING_SELECT: "choose",
    ComponentType.USER_SELECT: "pick a user",
    ComponentType.ROLE_SELECT: "pick a role",
    ComponentType.MENTIONABLE_SELECT: "pick someone",
    ComponentType.CHANNEL_SELECT: "pick a channel",
}
_INDENT = "  "


@dataclasses.dataclass(frozen=True, slots=True)
class ComponentRef:
    """A numbered component of a message the console showed."""

    message_id: int
    custom_id: str
    component: Component

    @property
    def is_select(self) -> bool:
        """Whether it is a select menu (else a button)."""
        return self.component.get("type") in _SELECTS

    @property
    def options(self) -> list[SelectOption]:
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


def modal_fields(modal: JsonObject) -> list[ModalField]:
    """The text inputs of a modal, in order, with their labels."""
    fields: list[ModalField] = []
    for label, custom_id, item in _text_inputs(COMPONENT.views(modal.get("components")), ""):
        fields.append(
            ModalField(
                custom_id=custom_id,
                label=item.get("label") or label or custom_id,
                required=bool(item.get("required", True)),
                placeholder=item.get("placeholder") or "",
                value=item.get("value") or "",
                min_length=item.get("min_length") or 0,
                max_length=item.get("max_length") or 4000,
            )
        )
    return fields


def _text_inputs(components: list[Component], label: str) -> Iterator[tuple[str, str, Component]]:
    for component in components:
        kind = component.get("type")
        child = component.get("component")
        custom_id = component.get("custom_id")
        if kind == ComponentType.TEXT_INPUT and custom_id is not None:
            yield label, custom_id, component
        elif kind == ComponentType.LABEL and child is not None:
            yield from _text_inputs([child], component.get("label") or "")
        else:
            yield from _text_inputs(component.get("components") or [], label)


class ChannelView:
    """Turns the emulator's live events into console text and numbers the components shown.

    ``click N`` and ``select N`` refer to the numbers of the last message shown with components.
    """

    __slots__ = (
        "_bot_id",
        "_bot_name",
        "_channel_name",
        "_role_name",
        "_saved_as",
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
        saved_as: Callable[[int], Path | None] | None = None,
    ) -> None:
        """``saved_as``: where a file (by attachment id) was saved, shown after its size."""
        self._bot_id = bot_id
        self._bot_name = bot_name
        self.color = color
        self._user_name = user_name
        self._role_name = role_name
        self._channel_name = channel_name
        self._saved_as = saved_as
        self.numbered: list[ComponentRef] = []

    def event(self, event: LiveEvent) -> str | None:
        """The text for one live event, or None when a person would not see it here."""
        message = event.message
        if message is None or message.author_id != self._bot_id:
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
        filled = bool(message.history) and bool(
            integer(message.history[-1].get("flags")) & MessageFlags.LOADING
        )
        notes = ["edited"] if edited and not filled else []
        if message.ephemeral:
            notes.append("only you can see this")
        lines = [self._header(message, " · ".join(notes))]
        if message.content:
            lines.extend(_INDENT + line for line in self._markdown(message.content).split("\n"))
        for embed in EMBED.views(message.embeds):
            lines.extend(_INDENT + line for line in self._embed(embed))
        for file in message.files:
            saved = self._saved_as(file.id) if self._saved_as is not None else None
            where = f" saved as {saved}" if saved is not None else ""
            lines.append(f"{_INDENT}📎 {file.filename} ({file.size} bytes){where}")
        if message.components:
            lines.extend(_INDENT + line for line in self._components(message))
        return "\n".join(lines)

    def _header(self, message: StoredMessage, note: str) -> str:
        author = message.author
        if message.author_id == self._bot_id:
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

    def _embed(self, embed: Embed) -> list[str]:
        bar = self._bar(embed.get("color"))
        body: list[str] = []
        author = (embed.get("author") or {}).get("name")
        if author:
            body.append(paint(author, Style.DIM, color=self.color))
        title = embed.get("title")
        if title:
            body.append(paint(self._markdown(title), Style.BOLD, color=self.color))
        description = embed.get("description")
        if description:
            body.extend(self._markdown(description).split("\n"))
        for field in embed.get("fields") or ():
            name = paint(self._markdown(field.get("name", "")), Style.BOLD, color=self.color)
            value = self._markdown(field.get("value", "")).split("\n")
            body.append(f"{name}: {value[0]}")
            body.extend("  " + line for line in value[1:])
        footer = (embed.get("footer") or {}).get("text")
        if footer:
            body.append(paint(footer, Style.DIM, color=self.color))
        return [f"{bar} {line}" for line in body] or [bar]

    def _bar(self, color: int | None) -> str:
        if self.color and isinstance(color, int):
            red, green, blue = (color >> 16) & 255, (color >> 8) & 255, color & 255
            return f"\x1b[38;2;{red};{green};{blue}m▌\x1b[0m"
        return "▌"

    def _components(self, message: StoredMessage) -> list[str]:
        self.numbered = []
        lines: list[str] = []
        for row in COMPONENT.views(message.components):
            items = (
                row.get("components") or []
                if row.get("type") == ComponentType.ACTION_ROW
                else [row]
            )
            shown = [self._component(message, item) for item in items]
            lines.append("  ".join(text for text in shown if text))
        return [line for line in lines if line]

    def _component(self, message: StoredMessage, item: Component) -> str:
        kind = item.get("type", 0)
        if kind == ComponentType.BUTTON:
            label = " ".join(
                part for part in (_emoji(item.get("emoji")), item.get("label") or "") if part
            )
            if item.get("style") == ButtonStyle.LINK:
                return paint(
                    f"[{label} ↗ {item.get('url', '')}]", Style.UNDERLINE, color=self.color
                )
        elif kind in _SELECTS:
            label = f"{item.get('placeholder') or _SELECTS[kind]} ▾"
        else:
            return ""
        custom_id = item.get("custom_id")
        if custom_id is None:
            return ""
        self.numbered.append(ComponentRef(message.id, custom_id, item))
        text = f"[{len(self.numbered)}] {label}"
        if item.get("disabled"):
            return paint(f"{text} (disabled)", Style.DIM, color=self.color)
        return paint(text, Style.BOLD, color=self.color)


def _emoji(emoji: Emoji | None) -> str:
    if emoji is None:
        return ""
    name = emoji.get("name")
    if emoji.get("id"):
        return f":{name}:"
    return str(name or "")
