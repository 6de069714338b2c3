"""Reading a player's roll with their saved rolls: storage is asked only when a roll names
something the notation does not know, so typed rolls cost nothing more."""

from __future__ import annotations

import asyncio
import collections
from typing import TYPE_CHECKING, TypeVar

from nazh import dice
from nazh.dice.dialects import split_dialect_tag
from nazh.dice.errors import UnknownNameError
from nazh.saved.table import SavedTable

if TYPE_CHECKING:
    from nazh.dice.dialects import Dialect
    from nazh.storage import SavedRoll, Storage

__all__ = (
    "EXPANDED_CACHE_SIZE",
    "SAVED_WAIT",
    "SavedRollsUnavailableError",
    "expand_text",
    "load_table",
    "parse_roll",
)

_K = TypeVar("_K")
_V = TypeVar("_V")

SAVED_WAIT = 2.0
"""Seconds a roll waits for the saved rolls it names before saying they cannot be reached."""

EXPANDED_CACHE_SIZE = 1024
"""Rolls read with saved rolls kept parsed, keyed by text, dialect and the saved rolls
themselves (so a changed saved roll is a new key, never a stale hit)."""

_expanded: collections.OrderedDict[tuple[str, str, tuple[SavedRoll, ...]], dice.Expression] = (
    collections.OrderedDict()
)
_naming: collections.OrderedDict[tuple[str, str], None] = collections.OrderedDict()
"""Texts (with their dialect) known to name something beyond the notation."""


class SavedRollsUnavailableError(dice.DiceError):
    """The roll may name saved rolls, and storage could not be read to find them."""

    def __init__(self) -> None:
        super().__init__(
            "I can't reach the saved rolls right now; rolls typed out still work. "
            "Try again in a moment."
        )


async def load_table(storage: Storage, user_id: int, guild_id: int | None) -> SavedTable:
    """The player's and the server's saved rolls, read now."""
    return SavedTable(await storage.saved.for_roller(user_id, guild_id))


async def parse_roll(
    storage: Storage, text: str, dialect: Dialect, *, user_id: int, guild_id: int | None
) -> dice.Expression:
    """`text` parsed in `dialect`, names resolved through the player's saved rolls when the
    notation alone finds an unknown name (or a comment with `;` in it, which may be a saved
    roll: `1d20 to hit; dmg`). Raise `DiceError`, or `SavedRollsUnavailableError` when
    storage fails."""
    if (text, dialect.name) not in _naming:
        try:
            parsed = dice.parse(text, dialect)
        except UnknownNameError:
            _remember(_naming, (text, dialect.name), None)
        else:
            parts = parsed.parts or (parsed,)
            if not any(";" in (part.comment or "") for part in parts):
                return parsed
    try:
        async with asyncio.timeout(SAVED_WAIT):
            rolls = tuple(await storage.saved.for_roller(user_id, guild_id))
    except Exception as failure:
        raise SavedRollsUnavailableError from failure
    if not rolls:
        return dice.parse(text, dialect)
    key = (text, dialect.name, rolls)
    found = _expanded.get(key)
    if found is None:
        found = dice.parse(text, dialect, resolve=SavedTable(rolls).resolve)
    _remember(_expanded, key, found)
    return found


def _remember(cache: collections.OrderedDict[_K, _V], key: _K, value: _V) -> None:
    cache[key] = value
    cache.move_to_end(key)
    if len(cache) > EXPANDED_CACHE_SIZE:
        cache.popitem(last=False)


async def expand_text(
    storage: Storage, text: str, dialect: Dialect, *, user_id: int, guild_id: int | None
) -> str:
    """`text` with the saved rolls it names written out, for work done elsewhere (exact odds
    in a worker process): unchanged when it names none or does not parse."""
    if not _names_unknown(text, dialect):
        return text
    try:
        expression = await parse_roll(storage, text, dialect, user_id=user_id, guild_id=guild_id)
    except dice.DiceError:
        return text
    tag = split_dialect_tag(text)[0] if ":" in text else None
    written = expression.text if tag is None else f"{tag.name}: {expression.text}"
    return written if expression.comment is None else f"{written} {expression.comment}"


def _names_unknown(text: str, dialect: Dialect) -> bool:
    try:
        dice.parse(text, dialect)
    except UnknownNameError:
        return True
    except dice.DiceError:
        return False
    return False
