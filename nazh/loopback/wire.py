"""Reading untrusted JSON: narrowing helpers and validated views of the payloads in `protocol`.

A `Shape` checks the type of every field it knows that is present (fields it does not know are
left alone) and hands the same object back typed as its `TypedDict`, or None when it does not fit.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING, Generic, TypeAlias, TypeVar, cast

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from nazh.loopback.protocol import (
        AllowedMentions,
        ApplicationCommand,
        CommandChoice,
        CommandOption,
        Component,
        Embed,
        EmbedAuthor,
        EmbedField,
        EmbedFooter,
        Emoji,
        GatewayFrame,
        Identify,
        InteractionCallback,
        JsonObject,
        JsonValue,
        MessageReference,
        Resume,
        SelectOption,
    )

__all__ = (
    "ALLOWED_MENTIONS",
    "APPLICATION_COMMAND",
    "COMMAND_OPTION",
    "COMPONENT",
    "EMBED",
    "GATEWAY_FRAME",
    "IDENTIFY",
    "INTERACTION_CALLBACK",
    "MESSAGE_REFERENCE",
    "RESUME",
    "Shape",
    "as_list",
    "as_object",
    "integer",
    "objects",
    "text",
)

_T = TypeVar("_T")
_Check: TypeAlias = "Callable[[JsonValue], bool]"


def as_object(value: JsonValue) -> JsonObject | None:
    """The value if it is a JSON object."""
    return value if isinstance(value, dict) else None


def as_list(value: JsonValue) -> list[JsonValue]:
    """The value if it is a JSON array, else an empty list."""
    return value if isinstance(value, list) else []


def objects(value: JsonValue) -> list[JsonObject]:
    """The JSON objects in an array (other items and non-arrays are skipped)."""
    return [item for item in as_list(value) if isinstance(item, dict)]


def text(value: JsonValue, default: str = "") -> str:
    """The value if it is a string, else `default`."""
    return value if isinstance(value, str) else default


def integer(value: JsonValue, default: int = 0) -> int:
    """The value if it is an integer (not a boolean), else `default`."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _kind(*kinds: type) -> _Check:
    def check(value: JsonValue) -> bool:
        if isinstance(value, bool):
            return bool in kinds
        return isinstance(value, kinds)

    return check


def _nullable(check: _Check) -> _Check:
    return lambda value: value is None or check(value)


def _list_of(check: _Check) -> _Check:
    return lambda value: isinstance(value, list) and all(check(item) for item in value)


@dataclasses.dataclass(frozen=True, slots=True)
class Shape(Generic[_T]):
    """How a JSON object of type `_T` looks: a check for each known field."""

    fields: Mapping[str, _Check]
    required: frozenset[str] = frozenset()

    def fits(self, value: JsonValue) -> bool:
        """Whether the value is an object with the required fields and well-typed known ones."""
        if not isinstance(value, dict):
            return False
        if not self.required <= value.keys():
            return False
        return all(check(value[key]) for key, check in self.fields.items() if key in value)

    def view(self, value: JsonValue) -> _T | None:
        """The value typed as `_T` when it fits, else None."""
        # The cast is what fits() just checked: every known field present has its declared type.
        return cast("_T", value) if self.fits(value) else None

    def views(self, value: JsonValue) -> list[_T]:
        """The items of an array that fit, typed as `_T`."""
        return [cast("_T", item) for item in as_list(value) if self.fits(item)]


_STR = _kind(str)
_INT = _kind(int)
_BOOL = _kind(bool)
_NUMBER = _kind(int, float)
_SNOWFLAKE = _kind(str, int)


def _component(value: JsonValue) -> bool:
    return COMPONENT.fits(value)


def _option(value: JsonValue) -> bool:
    return COMMAND_OPTION.fits(value)


GATEWAY_FRAME: Shape[GatewayFrame] = Shape({"op": _INT}, frozenset({"op", "d"}))
IDENTIFY: Shape[Identify] = Shape({"token": _STR, "intents": _INT, "shard": _list_of(_INT)})
RESUME: Shape[Resume] = Shape({"token": _STR, "session_id": _STR, "seq": _nullable(_INT)})
INTERACTION_CALLBACK: Shape[InteractionCallback] = Shape(
    {"type": _INT, "data": _nullable(_kind(dict))}
)
ALLOWED_MENTIONS: Shape[AllowedMentions] = Shape(
    {
        "parse": _nullable(_list_of(_STR)),
        "users": _nullable(_list_of(_SNOWFLAKE)),
        "roles": _nullable(_list_of(_SNOWFLAKE)),
        "replied_user": _nullable(_BOOL),
    }
)
MESSAGE_REFERENCE: Shape[MessageReference] = Shape(
    {"message_id": _nullable(_SNOWFLAKE), "fail_if_not_exists": _nullable(_BOOL)}
)
_SELECT_OPTION: Shape[SelectOption] = Shape(
    {"label": _STR, "value": _STR, "description": _nullable(_STR)}, frozenset({"label", "value"})
)
_EMOJI: Shape[Emoji] = Shape({"id": _nullable(_SNOWFLAKE), "name": _nullable(_STR)})
COMPONENT: Shape[Component] = Shape(
    {
        "type": _INT,
        "id": _nullable(_INT),
        "custom_id": _nullable(_STR),
        "disabled": _nullable(_BOOL),
        "style": _nullable(_INT),
        "label": _nullable(_STR),
        "url": _nullable(_STR),
        "emoji": _nullable(_EMOJI.fits),
        "placeholder": _nullable(_STR),
        "options": _nullable(_list_of(_SELECT_OPTION.fits)),
        "min_values": _nullable(_INT),
        "max_values": _nullable(_INT),
        "value": _nullable(_STR),
        "required": _nullable(_BOOL),
        "min_length": _nullable(_INT),
        "max_length": _nullable(_INT),
        "components": _nullable(_list_of(_component)),
        "items": _nullable(_list_of(_component)),
        "accessory": _nullable(_component),
        "component": _nullable(_component),
    }
)
_EMBED_FIELD: Shape[EmbedField] = Shape({"name": _STR, "value": _STR})
_EMBED_FOOTER: Shape[EmbedFooter] = Shape({"text": _nullable(_STR)})
_EMBED_AUTHOR: Shape[EmbedAuthor] = Shape({"name": _nullable(_STR)})
EMBED: Shape[Embed] = Shape(
    {
        "title": _nullable(_STR),
        "description": _nullable(_STR),
        "color": _nullable(_INT),
        "fields": _nullable(_list_of(_EMBED_FIELD.fits)),
        "footer": _nullable(_EMBED_FOOTER.fits),
        "author": _nullable(_EMBED_AUTHOR.fits),
    }
)
_CHOICE: Shape[CommandChoice] = Shape(
    {"name": _STR, "value": _kind(str, int, float)}, frozenset({"name", "value"})
)
COMMAND_OPTION: Shape[CommandOption] = Shape(
    {
        "type": _INT,
        "name": _STR,
        "required": _nullable(_BOOL),
        "autocomplete": _nullable(_BOOL),
        "choices": _nullable(_list_of(_CHOICE.fits)),
        "min_value": _nullable(_NUMBER),
        "max_value": _nullable(_NUMBER),
        "min_length": _nullable(_INT),
        "max_length": _nullable(_INT),
        "channel_types": _nullable(_list_of(_INT)),
        "options": _nullable(_list_of(_option)),
    },
    frozenset({"type", "name"}),
)
APPLICATION_COMMAND: Shape[ApplicationCommand] = Shape(
    {
        "id": _STR,
        "name": _STR,
        "type": _nullable(_INT),
        "guild_id": _STR,
        "contexts": _nullable(_list_of(_INT)),
        "options": _nullable(_list_of(_option)),
    }
)
