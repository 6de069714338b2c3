"""What the person typed in the sandbox console, turned into an action."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import TYPE_CHECKING

from nazh.loopback.files import USER_UPLOAD_LIMIT, Upload
from nazh.loopback.protocol import ApplicationCommandType, OptionType
from nazh.loopback.wire import APPLICATION_COMMAND

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from nazh.loopback.protocol import ApplicationCommand, CommandOption, JsonObject

__all__ = (
    "Action",
    "Click",
    "ConsoleError",
    "Help",
    "Nothing",
    "Quit",
    "Say",
    "Select",
    "Slash",
    "parse_line",
    "parse_slash",
)

_SUBCOMMANDS = (OptionType.SUB_COMMAND, OptionType.SUB_COMMAND_GROUP)
_TRUE = {"true", "yes", "y", "on", "1"}
_FALSE = {"false", "no", "n", "off", "0"}
_SNOWFLAKE_KINDS = {OptionType.USER, OptionType.CHANNEL, OptionType.ROLE, OptionType.MENTIONABLE}
"""User, channel, role and mentionable options: an id, a mention such as ``<@2>``, or a name
such as ``@player1``, ``@GM`` or ``#general`` (the emulator finds who or what it names)."""
_SNOWFLAKE = re.compile(r"<(?:@!?|@&|#)(\d+)>|(\d+)")
_SNOWFLAKE_FORMS = {
    OptionType.USER: "@name, an id or <@id>",
    OptionType.CHANNEL: "#name, an id or <#id>",
    OptionType.ROLE: "@name, an id or <@&id>",
    OptionType.MENTIONABLE: "@name, an id, <@id> or <@&id>",
}
_QUOTES = ("'", '"')


class ConsoleError(Exception):
    """Input the console cannot act on; the message is one line fit to show."""


@dataclasses.dataclass(frozen=True, slots=True)
class Slash:
    """A slash command: ``path`` like ``"admin reload"`` and its option values."""

    path: str
    options: Mapping[str, object]


@dataclasses.dataclass(frozen=True, slots=True)
class Say:
    """A plain channel message (``!roll 1d20`` is one)."""

    text: str


@dataclasses.dataclass(frozen=True, slots=True)
class Click:
    """Press button ``number`` of the last message shown with components."""

    number: int


@dataclasses.dataclass(frozen=True, slots=True)
class Select:
    """Choose ``values`` in select menu ``number``; no values lists its options."""

    number: int
    values: tuple[str, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Help:
    """Show the console's help."""


@dataclasses.dataclass(frozen=True, slots=True)
class Quit:
    """End the session."""


@dataclasses.dataclass(frozen=True, slots=True)
class Nothing:
    """An empty line."""


Action = Slash | Say | Click | Select | Help | Quit | Nothing


def parse_line(line: str, commands: Sequence[JsonObject]) -> Action:
    """The action for one console line, given the slash commands the bot synced."""
    text = line.strip()
    if not text:
        return Nothing()
    word, _, rest = text.partition(" ")
    keyword = word.lower()
    if keyword in ("quit", "exit", "/quit", "/exit"):
        return Quit()
    if keyword in ("help", "?") and not rest:
        return Help()
    if keyword == "click":
        return Click(_number(rest, "click N (the number shown next to a button)"))
    if keyword == "select":
        number, _, values = rest.strip().partition(" ")
        usage = "select N VALUE (the number shown next to a menu)"
        return Select(_number(number, usage), tuple(values.split()))
    if text.startswith("/") and len(text) > 1:
        return parse_slash(text[1:], commands)
    return Say(text)


def _number(text: str, usage: str) -> int:
    text = text.strip()
    if not text.isdigit() or int(text) < 1:
        raise ConsoleError(f"usage: {usage}")
    return int(text)


def parse_slash(text: str, commands: Sequence[JsonObject]) -> Slash:
    """``roll 4d6kh3 private:true`` as a :class:`Slash`; the first option may go unnamed.

    A file option takes a local file as ``file:@path/to/file``, read here into an ``Upload``.
    """
    root, _, rest = text.strip().partition(" ")
    synced = [view for view in map(APPLICATION_COMMAND.view, commands) if view is not None]
    command = next((c for c in synced if c.get("name") == root.lower() and _is_slash(c)), None)
    if command is None:
        known = ", ".join(f"/{name}" for name in sorted({c.get("name", "") for c in synced}))
        raise ConsoleError(f"there is no command /{root}; the bot has {known or 'none yet'}")
    path = [root.lower()]
    level = command.get("options") or []
    while any(option["type"] in _SUBCOMMANDS for option in level):
        subs = {o["name"]: o for o in level if o["type"] in _SUBCOMMANDS}
        word, _, rest = rest.strip().partition(" ")
        sub = subs.get(word.lower())
        if sub is None:
            choices = " | ".join(subs)
            raise ConsoleError(f"/{' '.join(path)} needs one of: {choices}")
        path.append(sub["name"])
        level = sub.get("options") or []
    return Slash(" ".join(path), _options(" ".join(path), level, rest.strip()))


def _is_slash(command: ApplicationCommand) -> bool:
    kind = command.get("type", ApplicationCommandType.CHAT_INPUT)
    return kind == ApplicationCommandType.CHAT_INPUT


def _options(path: str, level: list[CommandOption], text: str) -> dict[str, object]:
    by_name = {option["name"]: option for option in level}
    values: dict[str, str] = {}
    if not by_name:
        if text:
            raise ConsoleError(f"/{path} takes no options")
        return {}
    names = "|".join(re.escape(name) for name in sorted(by_name, key=len, reverse=True))
    marker = re.compile(rf"(?:^|(?<=\s))({names}):")
    pieces = marker.split(text)
    positional = pieces[0].strip()
    if positional:
        first = next((o for o in level if o.get("required")), level[0])
        values[first["name"]] = positional
    for name, value in zip(pieces[1::2], pieces[2::2], strict=True):
        values[name] = value.strip()
    return {name: _convert(by_name[name], value) for name, value in values.items()}


def _convert(option: CommandOption, value: str) -> object:
    name, kind = option["name"], option["type"]
    for choice in option.get("choices") or ():
        if value.casefold() in (choice["name"].casefold(), str(choice["value"]).casefold()):
            return choice["value"]
    try:
        if kind == OptionType.INTEGER:
            return int(value)
        if kind == OptionType.NUMBER:
            return float(value)
    except ValueError:
        raise ConsoleError(f"option {name} takes a number, not {value[:40]!r}") from None
    if kind in _SNOWFLAKE_KINDS:
        sigil = "#" if kind == OptionType.CHANNEL else "@"
        if value.startswith(sigil) and len(value) > 1:
            return value
        found = _SNOWFLAKE.fullmatch(value)
        if found is None:
            forms = _SNOWFLAKE_FORMS[OptionType(kind)]
            raise ConsoleError(f"option {name} takes {forms}, not {value[:40]!r}")
        return int(found[1] or found[2])
    if kind == OptionType.BOOLEAN:
        folded = value.casefold()
        if folded not in _TRUE | _FALSE:
            raise ConsoleError(f"option {name} takes true or false, not {value[:40]!r}")
        return folded in _TRUE
    if kind == OptionType.ATTACHMENT:
        return _local_file(name, value)
    return value


def _local_file(name: str, value: str) -> Upload:
    """The file ``@path`` names (quotes around the path allowed), read for upload."""
    typed = value.removeprefix("@").strip()
    if len(typed) > 1 and typed[0] == typed[-1] and typed[0] in _QUOTES:
        typed = typed[1:-1]
    if not value.startswith("@") or not typed:
        raise ConsoleError(f"option {name} takes a local file: {name}:@path/to/file")
    path = Path(typed).expanduser()
    try:
        size = path.stat().st_size
        if size > USER_UPLOAD_LIMIT:
            raise ConsoleError(f"{typed} is {size} bytes, more than Discord lets you upload")
        return Upload.read(path)
    except OSError as error:
        raise ConsoleError(f"cannot read {typed}: {error.strerror or error}") from None
