"""NoteBook: which reading notes a player is shown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nazh.notices import NoteBook

if TYPE_CHECKING:
    from nazh.services import DialectSource

_DIALECT = '`>3` read as "more than 3"; Roll20 reads "3 or more"'
_COMMENT = '"k3" was read as the comment, not as part of the roll'


def test_dialect_notes_show_once_per_player_and_comment_notes_always() -> None:
    book = NoteBook()
    assert book.select(1, [_DIALECT, _COMMENT], source="default", tagged=False) == [
        _DIALECT,
        _COMMENT,
    ]
    assert book.select(1, [_DIALECT, _COMMENT], source="default", tagged=False) == [_COMMENT]
    assert book.select(2, [_DIALECT], source="default", tagged=False) == [_DIALECT]


def test_a_chosen_dialect_hides_dialect_notes() -> None:
    book = NoteBook()
    chosen: list[tuple[DialectSource, bool]] = [
        ("server", False),
        ("player", False),
        ("default", True),
    ]
    for source, tagged in chosen:
        assert book.select(1, [_DIALECT, _COMMENT], source=source, tagged=tagged) == [_COMMENT]
    assert book.select(1, [_DIALECT], source="default", tagged=False) == [_DIALECT]


def test_memory_is_bounded_forgetting_the_least_recent() -> None:
    book = NoteBook(limit=2)
    for user in (1, 2, 3):
        book.select(user, [_DIALECT], source="default", tagged=False)
    assert book.select(1, [_DIALECT], source="default", tagged=False) == [_DIALECT]
    assert book.select(3, [_DIALECT], source="default", tagged=False) == []
