"""Which of a roll's reading notes a player is shown, so that a regular is not nagged.

A note about a form that rollers read differently (`>3`, `k3`, `/`) helps a player who has not
said which roller they come from; it is shown to them once per form, and never to a player
whose server, own setting or tag chose a dialect. A note that part of the text was read as the
comment is shown every time: it says what happened to what they typed.
"""

from __future__ import annotations

import collections
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from nazh.services import DialectSource

__all__ = ("MAX_REMEMBERED", "NoteBook", "is_comment_note")

MAX_REMEMBERED = 50_000
"""(player, note) pairs remembered as shown; the least recent are forgotten first."""

_COMMENT_MARK = "was read as the comment"


def is_comment_note(note: str) -> bool:
    """Whether a note says that some text was read as the comment."""
    return _COMMENT_MARK in note


class NoteBook:
    """Remembers the dialect notes each player has been shown, within a bounded memory."""

    __slots__ = ("_limit", "_shown")

    def __init__(self, limit: int = MAX_REMEMBERED) -> None:
        self._limit = limit
        self._shown: collections.OrderedDict[tuple[int, str], None] = collections.OrderedDict()

    def select(
        self, user_id: int, notes: Iterable[str], *, source: DialectSource, tagged: bool
    ) -> list[str]:
        """The notes to show now, remembering the dialect notes among them as shown."""
        chosen = source != "default" or tagged
        shown: list[str] = []
        for note in notes:
            if is_comment_note(note):
                shown.append(note)
                continue
            if chosen:
                continue
            key = (user_id, note)
            if key in self._shown:
                self._shown.move_to_end(key)
                continue
            self._shown[key] = None
            if len(self._shown) > self._limit:
                self._shown.popitem(last=False)
            shown.append(note)
        return shown
