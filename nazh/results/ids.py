"""The custom ids of a result's buttons: ``nazh:<kind>:<result id>``, nothing else.

A button carries only what it does and which kept result it acts on; the result itself stays
on the bot's side (`nazh.storage.Results`), so a client cannot forge what is revealed.
"""

from __future__ import annotations

import re
from typing import Literal, NamedTuple, get_args

__all__ = ("KINDS", "MAX_CUSTOM_ID", "PREFIX", "ButtonId", "Kind", "custom_id", "parse")

Kind = Literal["again", "reveal"]
"""What a result's button does: roll the same text again, or post the result publicly."""
KINDS: tuple[Kind, ...] = get_args(Kind)

PREFIX = "nazh:"
"""Every persistent Nazh button's custom id starts with this."""
MAX_CUSTOM_ID = 100
"""Discord's longest custom id."""

_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


class ButtonId(NamedTuple):
    """A parsed custom id."""

    kind: Kind
    result_id: str


def custom_id(kind: Kind, result_id: str) -> str:
    """The custom id of `kind`'s button on the result kept under `result_id`."""
    if not _ID.fullmatch(result_id):
        raise ValueError(f"not a result id: {result_id!r}")
    return f"{PREFIX}{kind}:{result_id}"


def parse(value: str) -> ButtonId | None:
    """The kind and result id of a custom id made by `custom_id`, None for any other."""
    if len(value) > MAX_CUSTOM_ID or not value.startswith(PREFIX):
        return None
    kind, _, result_id = value[len(PREFIX) :].partition(":")
    for known in KINDS:
        if kind == known and _ID.fullmatch(result_id):
            return ButtonId(known, result_id)
    return None
