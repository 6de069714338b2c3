"""The saved-rolls file: what `/rolls export` writes and `/rolls import` reads.

    {
      "format": "nazh-saved-rolls",
      "version": 1,
      "rolls": [{"name": "attack", "expression": "1d20+7 attack"}, ...]
    }

Other keys are ignored (an export adds `exported_at` and `scope`), so later versions can add
fields; a file of a newer `version` is refused with a line saying so.
"""

from __future__ import annotations

import json
import time
from typing import TYPE_CHECKING, Any, cast

from nazh.saved.rules import SavedRollError, check_name

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nazh.storage import SavedRoll

__all__ = ("FORMAT", "MAX_FILE_BYTES", "VERSION", "ImportFileError", "dump", "load")

FORMAT = "nazh-saved-rolls"
VERSION = 1
MAX_FILE_BYTES = 512 * 1024
"""Largest file `load` reads: 500 rolls of 1,000 characters fit."""


class ImportFileError(ValueError):
    """A file that cannot be imported; the message is one line fit to show a player."""


def dump(rolls: Sequence[SavedRoll], scope: str) -> bytes:
    """The file for `rolls`, sorted by name."""
    document = {
        "format": FORMAT,
        "version": VERSION,
        "scope": scope,
        "exported_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "rolls": [
            {"name": roll.name, "expression": roll.expression}
            for roll in sorted(rolls, key=lambda r: r.name)
        ],
    }
    return (json.dumps(document, indent=2, ensure_ascii=False) + "\n").encode()


def load(data: bytes, *, limit: int) -> list[tuple[str, str]]:
    """The (name, expression) pairs of a file, names checked and lower-cased; raise
    `ImportFileError` for anything wrong with it. Expressions are checked by the caller, who
    knows the dialect and the other saved rolls."""
    if len(data) > MAX_FILE_BYTES:
        raise ImportFileError(f"the file is too big: at most {MAX_FILE_BYTES // 1024} KiB")
    try:
        document: Any = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise ImportFileError("the file is not text (UTF-8 JSON expected)") from None
    except json.JSONDecodeError as error:
        raise ImportFileError(
            f"the file is not JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    if not isinstance(document, dict):
        raise ImportFileError("the file is not a saved-rolls file: expected a JSON object")
    fields = cast("dict[str, Any]", document)
    if fields.get("format") != FORMAT:
        raise ImportFileError(f'the file is not a saved-rolls file: no `"format": "{FORMAT}"`')
    version = fields.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ImportFileError("the file has no valid `version`")
    if version > VERSION:
        raise ImportFileError(
            f"the file is version {version}; this Nazh reads version {VERSION}: update Nazh"
        )
    entries = fields.get("rolls")
    if not isinstance(entries, list):
        raise ImportFileError("the file has no `rolls` list")
    rolls = cast("list[Any]", entries)
    if len(rolls) > limit:
        raise ImportFileError(f"the file has {len(rolls)} rolls; at most {limit} can be kept")
    pairs: dict[str, str] = {}
    for number, entry in enumerate(rolls, 1):
        pairs.update([_pair(number, entry, pairs)])
    return list(pairs.items())


def _pair(number: int, entry: Any, seen: dict[str, str]) -> tuple[str, str]:
    where = f"roll {number}"
    if not isinstance(entry, dict):
        raise ImportFileError(f"{where} is not an object with `name` and `expression`")
    fields = cast("dict[str, Any]", entry)
    name, expression = fields.get("name"), fields.get("expression")
    if not isinstance(name, str) or not isinstance(expression, str):
        raise ImportFileError(f"{where} needs a text `name` and a text `expression`")
    try:
        key = check_name(name)
    except SavedRollError as error:
        raise ImportFileError(f"{where}: {error}") from None
    if key in seen:
        raise ImportFileError(f"{where}: `{key}` is in the file twice")
    return key, expression
