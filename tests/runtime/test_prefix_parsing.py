"""How prefix messages split into a command name and its text."""

from __future__ import annotations

import pytest

from nazh.prefix import split_command

PREFIXES = ("<@42>", "<@!42>", "!")


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("!roll 4d6kh3 fireball", ("roll", "4d6kh3 fireball")),
        ("!r 1d20", ("r", "1d20")),
        ("!ROLL 1d20", ("roll", "1d20")),
        ("! roll 1d20", ("roll", "1d20")),
        ("<@42> roll 2d6", ("roll", "2d6")),
        ("<@!42>roll 2d6", ("roll", "2d6")),
        ("!roll\n1d20 attack", ("roll", "1d20 attack")),
        ("!roll\t1d20", ("roll", "1d20")),
        ("!roll  2d6 \n fire", ("roll", "2d6 \n fire")),
        ("!stats", ("stats", "")),
    ],
)
def test_commands_are_found(content: str, expected: tuple[str, str]) -> None:
    assert split_command(content, PREFIXES) == expected


@pytest.mark.parametrize("content", ["roll 1d20", "hello !roll", "!", "<@43> roll 1d20", ""])
def test_other_messages_are_ignored(content: str) -> None:
    assert split_command(content, PREFIXES) is None
