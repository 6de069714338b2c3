"""Short notes about how a roll was read, as data for the bot to show or not.

A form whose meaning differs between dialects gets one note naming the reading taken and the
other one; a comment that looks like notation (`4d6 k3`, `1 == 2`) gets a note saying what was
read as the comment.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nazh.dice.readings import Readings

__all__ = (
    "bare_keep_note",
    "comment_note",
    "compare_note",
    "division_note",
    "double_slash_note",
    "explode_e_note",
    "reroll_note",
)

_NOTATION_LIKE = re.compile(
    r"""(?ix)
    [-+*/^%<>=!]                                  # an operator or comparison
    | [kdp][hl]?\d | [kdp][hl]\b | [kdp][<>=]      # keep / drop
    | (?:r[roa]?|e|x|xo|cs|cf|mi|ma|min|max|f|t)[<>=]?-?\d  # a modifier with its point
    | (?:mod|div|rem)\b                            # words some rollers take as operators
    | \d*d\d                                       # dice
    """
)
_SNIPPET = 20


def compare_note(readings: Readings, op: str, value: int) -> str:
    """`>3` / `<3` in a modifier point."""
    above = op == ">"
    strict = f"{'more' if above else 'less'} than {value}"
    inclusive = f"{value} or {'more' if above else 'less'}"
    if readings.compare == "inclusive":
        return f'`{op}{value}` read as "{inclusive}"; Nazh reads "{strict}"'
    return f'`{op}{value}` read as "{strict}"; Roll20 reads "{inclusive}"'


def bare_keep_note(readings: Readings, letter: str, value: int) -> str:
    """`k3`, `d3`, `p3`: a bare number after keep or drop."""
    verb = "keep" if letter == "k" else "drop"
    count = f"{verb} the {'highest' if letter == 'k' else 'lowest'} {value}"
    face = f"{verb} the {value}s"
    if readings.bare_select == "face":
        return f'`{letter}{value}` read as "{face}"; Nazh reads "{count}"'
    return f'`{letter}{value}` read as "{count}"; Avrae reads "{face}"'


def reroll_note(readings: Readings) -> str:
    """`r` without `r`/`o`/`a` after it."""
    if readings.reroll == "once":
        return '`r` read as "reroll once"; Nazh reads "reroll until none match" (`ro`, `rr`)'
    return '`r` read as "reroll until none match"; Foundry reads "reroll once" (`ro`, `rr`)'


def explode_e_note(readings: Readings) -> str:
    """`e` as an explosion."""
    if readings.explode_e == "once":
        return '`e` read as "explode once"; Nazh reads "explode again and again" (`!`, `xo`)'
    return '`e` read as "explode again and again"; Dice Maiden reads "explode once" (`!`, `xo`)'


def division_note(readings: Readings) -> str:
    """`/` between operands."""
    if readings.division == "real":
        return '`/` read as "divide exactly"; Nazh reads "divide, rounding down" (`floor()`)'
    return '`/` read as "divide, rounding down"; Roll20 keeps the fraction (`7 / 2` = 3.5)'


def double_slash_note(readings: Readings) -> str:
    """`//`."""
    if readings.double_slash == "floor-division":
        return '`//` read as "divide, rounding down"; Nazh reads it as the start of a comment'
    return '`//` read as the start of a comment; Avrae reads "divide, rounding down"'


def comment_note(comment: str) -> str | None:
    """A note if the comment starts like notation, else None."""
    if not _NOTATION_LIKE.match(comment):
        return None
    shown = comment if len(comment) <= _SNIPPET else comment[: _SNIPPET - 1] + "…"
    return f'"{shown.replace("`", "ˋ")}" was read as the comment, not as part of the roll'
