"""What a saved roll may be called and hold, checked before it is stored."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nazh.dice import DiceError, parse
from nazh.dice.dialects import dialect_names
from nazh.dice.functions import BUILTINS
from nazh.dice.macros import Macro, reads_as_dice
from nazh.dice.systems import SYSTEMS

if TYPE_CHECKING:
    from nazh.dice.dialects import Dialect
    from nazh.dice.functions import Resolver

__all__ = (
    "MAX_NAME_LENGTH",
    "MAX_TEXT_LENGTH",
    "SERVER_QUALIFIER",
    "SavedRollError",
    "check_name",
    "check_text",
)

MAX_NAME_LENGTH = 32
MAX_TEXT_LENGTH = 1000
SERVER_QUALIFIER = "server:"
"""Written before a name (`server:attack`) to roll the server's saved roll, not the player's."""

_NAME = re.compile(r"[a-z_][a-z0-9_-]*")
_KEYWORDS = frozenset({"adv", "advantage", "dis", "disadvantage", "server"})


class SavedRollError(ValueError):
    """A name or text that cannot be saved; the message is one line fit to show a player."""


def check_name(name: str) -> str:
    """`name` as stored (lower case), or `SavedRollError` saying why it cannot be a name."""
    key = name.strip().lower()
    shown = f"`{key[:40]}`"
    if not key:
        raise SavedRollError("a saved roll needs a name")
    if len(key) > MAX_NAME_LENGTH:
        raise SavedRollError(f"a name is at most {MAX_NAME_LENGTH} characters")
    if not _NAME.fullmatch(key):
        raise SavedRollError(
            f"{shown} won't work as a name: use letters, digits, `_` and `-`, "
            "starting with a letter"
        )
    if key.endswith("-") or "--" in key:
        raise SavedRollError(f"{shown} won't work as a name: a `-` goes between two words")
    if reads_as_dice(key):
        raise SavedRollError(f"{shown} reads as dice notation; pick another name")
    if key in BUILTINS:
        raise SavedRollError(f"{shown} is a dice function (`{key}(...)`); pick another name")
    if key in SYSTEMS:
        raise SavedRollError(f"{shown} is a game system's roll; pick another name")
    if key in dialect_names():
        raise SavedRollError(f"{shown} names a notation dialect; pick another name")
    if key in _KEYWORDS:
        raise SavedRollError(f"{shown} is a word the notation uses; pick another name")
    return key


def check_text(name: str, text: str, dialect: Dialect, resolve: Resolver) -> Macro:
    """The macro `name` = `text`, or `SavedRollError` if it does not roll with its defaults
    in `dialect`, with names resolved by `resolve` (which should know the new roll itself, so
    that a cycle through it shows)."""
    body = text.strip()
    if not body:
        raise SavedRollError("a saved roll needs something to roll, like `1d20+5 attack`")
    if len(body) > MAX_TEXT_LENGTH:
        raise SavedRollError(f"a saved roll is at most {MAX_TEXT_LENGTH:,} characters")
    try:
        macro = Macro.define(name, body)
        parse(macro.sample(), dialect, resolve=resolve)
    except DiceError as error:
        first = str(error).partition("\n")[0]
        raise SavedRollError(f"`{name}` doesn't roll: {first}") from None
    return macro
