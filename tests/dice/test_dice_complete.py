"""Autocomplete suggestions."""

from __future__ import annotations

import pytest

from nazh.dice import complete, parse


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", ["1d20", "1d20 adv", "4d6kh3"]),
        ("4d6", ["4d6", "4d6kh3", "4d6!", "4d6+1"]),
        ("1d20 a", ["1d20 adv", "1d20 advantage"]),
        ("1d20 d", ["1d20 dis"]),
        ("1d2", ["1d2", "1d20"]),
        ("4d", ["4d6", "4d20", "4dF"]),
        ("1d20+", ["1d20+1d4", "1d20+1"]),
        ("(1d20+", ["(1d20+1)"]),
        ("4d6k", ["4d6kh3", "4d6kl1"]),
        ("2d6ro", ["2d6ro1", "2d6ro<2"]),
        ("{1d6, 2d4", ["{1d6, 2d4}"]),
        ("2d6[fi", ["2d6[fi]"]),
        ("1d20y5", ["1d20 y5", "1d20"]),
        ("6#", ["6#1d20"]),
    ],
)
def test_suggestions_extend_or_fix_what_was_typed(text: str, expected: list[str]) -> None:
    suggestions = complete(text)
    for suggestion in expected:
        assert suggestion in suggestions
    for suggestion in suggestions:
        parse(suggestion)


def test_the_typed_text_comes_first_when_it_is_valid() -> None:
    assert complete("2d8+3 longsword")[0] == "2d8+3 longsword"
    assert complete("  4d6kh3 ")[0] == "4d6kh3"


def test_limits_are_respected() -> None:
    assert len(complete("1d20", 5)) == 5
    assert complete("1d20", 0) == []
    assert all(len(s) <= 100 for s in complete("1d20+" + "1+" * 60 + "1"))
    assert complete("1001d6") == []
