"""Errors of the dice engine; every message is fit to show a player."""

from __future__ import annotations

__all__ = ("DiceError", "LimitError", "ParseError", "UnknownNameError")

_WINDOW = 30


class DiceError(Exception):
    """Any failure caused by a dice input."""


class LimitError(DiceError):
    """The input asks for more than the engine allows (see `nazh.dice.limits`)."""


class ParseError(DiceError):
    """The input is not valid notation.

    `column` is 1-based; `hint` is two lines, an excerpt of the input and a caret under the column.
    The excerpt shows backticks as U+02CB (a look-alike) so that the hint can sit in a code block.
    """

    def __init__(self, reason: str, text: str, column: int, expected: str | None = None) -> None:
        self.reason = reason
        self.column = column
        self.expected = expected
        self.hint = _caret_hint(text, column)
        message = f"{reason} at column {column}"
        if expected:
            message += f", expected {expected}"
        super().__init__(f"{message}\n{self.hint}")


class UnknownNameError(ParseError):
    """A name that is not dice, a function or a macro the parser was given: `name` (as written,
    cut to 30 characters). A caller with macros to offer may read the text again with them."""

    def __init__(self, name: str, text: str, column: int, *, call: bool) -> None:
        self.name = name
        what = "unknown function" if call else "is not dice, a function or a saved roll"
        super().__init__(f"{what} `{name}`" if call else f"`{name}` {what}", text, column)


def _caret_hint(text: str, column: int) -> str:
    """An excerpt of at most ~60 characters around `column` with a caret line under it."""
    index = column - 1
    start = max(0, index - _WINDOW)
    end = min(len(text), index + _WINDOW)
    excerpt = "".join(
        " " if c.isspace() or not c.isprintable() else c for c in text[start:end]
    ).replace("`", "\u02cb")
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return f"{prefix}{excerpt}{suffix}\n{' ' * (len(prefix) + index - start)}^"


def describe_char(char: str) -> str:
    """A readable name for one unexpected character."""
    if char == "`":
        return "backtick"
    if char.isspace():
        return "space"
    if not char.isprintable():
        return f"character U+{ord(char):04X}"
    return f"`{char}`"
