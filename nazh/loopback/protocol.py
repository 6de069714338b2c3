"""Discord's wire protocol as the emulator speaks it: JSON types, payload shapes and numbers.

The emulator's own definitions, independent of the library under test. To read another payload,
add its `TypedDict` here and its `Shape` in `nazh.loopback.wire`; to use another protocol
number, add a member to the matching enum.
"""

from __future__ import annotations

import enum
from typing import TYPE_CHECKING, Any, Required, TypeAlias, TypedDict

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = (
    "SELECT_MENU_TYPES",
    "AllowedMentions",
    "ApplicationCommand",
    "ApplicationCommandType",
    "ButtonStyle",
    "ChannelType",
    "CommandChoice",
    "CommandOption",
    "Component",
    "ComponentType",
    "Embed",
    "EmbedAuthor",
    "EmbedField",
    "EmbedFooter",
    "Emoji",
    "GatewayCloseCode",
    "GatewayFrame",
    "GatewayOpcode",
    "Identify",
    "Intents",
    "InteractionCallback",
    "InteractionCallbackType",
    "InteractionContextType",
    "InteractionType",
    "JsonObject",
    "JsonRecord",
    "JsonValue",
    "MessageFlags",
    "MessageReference",
    "MessageReferenceType",
    "MessageType",
    "OptionType",
    "Resume",
    "SelectOption",
)

JsonValue: TypeAlias = (
    "str | int | float | bool | Sequence[JsonValue] | Mapping[str, JsonValue] | None"
)
"""Any JSON value. Containers are read-only here so that a `list[JsonObject]` is one too;
narrow with isinstance(value, list) or isinstance(value, dict) to read or change them."""

JsonObject: TypeAlias = dict[str, JsonValue]
"""A JSON object the emulator built or received; read it through `nazh.loopback.wire`."""

JsonRecord: TypeAlias = dict[str, Any]
"""A recorded JSON object as the driver API hands it to tests (embeds, components, commands...):
the same data as a `JsonObject`, typed so that assertions can index it without narrowing."""


# -- protocol numbers ------------------------------------------------------------------------------


class GatewayOpcode(enum.IntEnum):
    """Gateway payload opcodes (`op`)."""

    DISPATCH = 0
    HEARTBEAT = 1
    IDENTIFY = 2
    PRESENCE_UPDATE = 3
    VOICE_STATE_UPDATE = 4
    RESUME = 6
    RECONNECT = 7
    REQUEST_GUILD_MEMBERS = 8
    INVALID_SESSION = 9
    HELLO = 10
    HEARTBEAT_ACK = 11


class GatewayCloseCode(enum.IntEnum):
    """Websocket close codes the gateway uses."""

    UNKNOWN_ERROR = 4000
    AUTHENTICATION_FAILED = 4004
    ALREADY_AUTHENTICATED = 4005
    INVALID_SHARD = 4010
    DISALLOWED_INTENTS = 4014


class Intents(enum.IntFlag):
    """Gateway intents (the bits of IDENTIFY's `intents`)."""

    GUILDS = 1 << 0
    GUILD_MEMBERS = 1 << 1
    GUILD_PRESENCES = 1 << 8
    GUILD_MESSAGES = 1 << 9
    DIRECT_MESSAGES = 1 << 12
    MESSAGE_CONTENT = 1 << 15

    PRIVILEGED = GUILD_MEMBERS | GUILD_PRESENCES | MESSAGE_CONTENT


class InteractionType(enum.IntEnum):
    """The `type` of an interaction."""

    PING = 1
    APPLICATION_COMMAND = 2
    MESSAGE_COMPONENT = 3
    APPLICATION_COMMAND_AUTOCOMPLETE = 4
    MODAL_SUBMIT = 5


class InteractionCallbackType(enum.IntEnum):
    """The `type` of an interaction response."""

    PONG = 1
    CHANNEL_MESSAGE_WITH_SOURCE = 4
    DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE = 5
    DEFERRED_UPDATE_MESSAGE = 6
    UPDATE_MESSAGE = 7
    APPLICATION_COMMAND_AUTOCOMPLETE_RESULT = 8
    MODAL = 9


class InteractionContextType(enum.IntEnum):
    """Where an interaction happened (`context`) or a command may be used (`contexts`)."""

    GUILD = 0
    BOT_DM = 1
    PRIVATE_CHANNEL = 2


class ApplicationCommandType(enum.IntEnum):
    """The `type` of an application command."""

    CHAT_INPUT = 1
    USER = 2
    MESSAGE = 3


class OptionType(enum.IntEnum):
    """The `type` of an application command option."""

    SUB_COMMAND = 1
    SUB_COMMAND_GROUP = 2
    STRING = 3
    INTEGER = 4
    BOOLEAN = 5
    USER = 6
    CHANNEL = 7
    ROLE = 8
    MENTIONABLE = 9
    NUMBER = 10
    ATTACHMENT = 11


class ComponentType(enum.IntEnum):
    """The `type` of a message or modal component."""

    ACTION_ROW = 1
    BUTTON = 2
    STRING_SELECT = 3
    TEXT_INPUT = 4
    USER_SELECT = 5
    ROLE_SELECT = 6
    MENTIONABLE_SELECT = 7
    CHANNEL_SELECT = 8
    SECTION = 9
    TEXT_DISPLAY = 10
    THUMBNAIL = 11
    MEDIA_GALLERY = 12
    FILE = 13
    SEPARATOR = 14
    CONTAINER = 17
    LABEL = 18


SELECT_MENU_TYPES = frozenset(
    {
        ComponentType.STRING_SELECT,
        ComponentType.USER_SELECT,
        ComponentType.ROLE_SELECT,
        ComponentType.MENTIONABLE_SELECT,
        ComponentType.CHANNEL_SELECT,
    }
)
"""The component types that are select menus."""


class ButtonStyle(enum.IntEnum):
    """The `style` of a button."""

    PRIMARY = 1
    SECONDARY = 2
    SUCCESS = 3
    DANGER = 4
    LINK = 5
    PREMIUM = 6


class MessageFlags(enum.IntFlag):
    """Message `flags` bits."""

    SUPPRESS_EMBEDS = 1 << 2
    EPHEMERAL = 1 << 6
    LOADING = 1 << 7
    SUPPRESS_NOTIFICATIONS = 1 << 12
    IS_COMPONENTS_V2 = 1 << 15


class MessageType(enum.IntEnum):
    """The `type` of a message."""

    DEFAULT = 0
    REPLY = 19
    CHAT_INPUT_COMMAND = 20


class MessageReferenceType(enum.IntEnum):
    """The `type` of a message reference."""

    DEFAULT = 0
    FORWARD = 1


class ChannelType(enum.IntEnum):
    """The `type` of a channel."""

    GUILD_TEXT = 0
    DM = 1
    GUILD_VOICE = 2
    GUILD_CATEGORY = 4


# -- payloads the emulator reads (validated by nazh.loopback.wire) --------------------------------


class GatewayFrame(TypedDict):
    """A frame a gateway client sends."""

    op: int
    d: JsonValue


class Identify(TypedDict, total=False):
    """IDENTIFY's data (op 2); the rest of it is recorded as sent."""

    token: str
    intents: int
    shard: list[int]


class Resume(TypedDict, total=False):
    """RESUME's data (op 6)."""

    token: str
    session_id: str
    seq: int | None


class InteractionCallback(TypedDict, total=False):
    """An interaction response body."""

    type: int
    data: JsonObject | None


class AllowedMentions(TypedDict, total=False):
    """A message's allowed_mentions."""

    parse: list[str] | None
    users: list[str | int] | None
    roles: list[str | int] | None
    replied_user: bool | None


class MessageReference(TypedDict, total=False):
    """A message create body's message_reference."""

    message_id: str | int | None
    fail_if_not_exists: bool | None


class SelectOption(TypedDict, total=False):
    """An option of a string select."""

    label: Required[str]
    value: Required[str]
    description: str | None


class Emoji(TypedDict, total=False):
    """A partial emoji on a button or select option."""

    id: str | int | None
    name: str | None


class Component(TypedDict, total=False):
    """A message or modal component, as far as the emulator reads it."""

    type: int
    id: int | None
    custom_id: str | None
    disabled: bool | None
    style: int | None
    label: str | None
    url: str | None
    emoji: Emoji | None
    placeholder: str | None
    options: list[SelectOption] | None
    min_values: int | None
    max_values: int | None
    value: str | None
    required: bool | None
    min_length: int | None
    max_length: int | None
    components: list[Component] | None
    items: list[Component] | None
    accessory: Component | None
    component: Component | None


class EmbedField(TypedDict, total=False):
    """A field of an embed."""

    name: str
    value: str


class EmbedFooter(TypedDict, total=False):
    """An embed's footer."""

    text: str | None


class EmbedAuthor(TypedDict, total=False):
    """An embed's author."""

    name: str | None


class Embed(TypedDict, total=False):
    """An embed, as far as the emulator reads it."""

    title: str | None
    description: str | None
    color: int | None
    fields: list[EmbedField] | None
    footer: EmbedFooter | None
    author: EmbedAuthor | None


class CommandChoice(TypedDict):
    """A fixed choice of a command option."""

    name: str
    value: str | int | float


class CommandOption(TypedDict, total=False):
    """An application command option (or subcommand)."""

    type: Required[int]
    name: Required[str]
    required: bool | None
    autocomplete: bool | None
    choices: list[CommandChoice] | None
    min_value: int | float | None
    max_value: int | float | None
    min_length: int | None
    max_length: int | None
    channel_types: list[int] | None
    options: list[CommandOption] | None


class ApplicationCommand(TypedDict, total=False):
    """An application command as the bot syncs it and the emulator stores it."""

    id: str
    name: str
    type: int | None
    guild_id: str
    contexts: list[int] | None
    options: list[CommandOption] | None
