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
    "alias_note",
    "bang_note",
    "bare_keep_note",
    "bare_point_note",
    "comment_note",
    "compare_note",
    "comparison_note",
    "crits_note",
    "division_note",
    "double_slash_note",
    "explode_cap_note",
    "explode_e_note",
    "group_keep_note",
    "group_target_note",
    "hash_note",
    "leading_repeat_note",
    "modifier_order_note",
    "percentile_note",
    "reroll_note",
    "scope_note",
    "spaced_note",
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


def bare_point_note(readings: Readings, written: str, value: int, toward: str) -> str:
    """`e6`, `r2`, `f1`, `t7`: a bare point that is not the die's extreme face."""
    beyond = f"{value} or {'more' if toward == 'high' else 'less'}"
    if readings.bare_point == "threshold":
        return f'`{written}` read as "{beyond}"; Nazh reads "exactly {value}"'
    return f'`{written}` read as "exactly {value}"; Dice Maiden reads "{beyond}"'


def explode_cap_note(readings: Readings, limit: int, point: str) -> str:
    """`x5=10`: a number between `x` and a comparison."""
    cap = f'"explode on {point.lstrip("=")}, at most {limit} time{"" if limit == 1 else "s"}"'
    if readings.explode_cap:
        return f'`x{limit}{point}` read as {cap}; Nazh reads `x{limit}` as "explode on {limit}"'
    return f'`x{limit}{point}` read as "explode on {limit}, then count"; Foundry reads {cap}'


def crits_note(readings: Readings, letters: str) -> str:
    """`cs`, `cf`."""
    kind = "successes" if letters == "cs" else "failures"
    if readings.crits == "count":
        return f'`{letters}` read as "count {kind}"; Nazh only marks crits and fumbles'
    return f'`{letters}` read as "mark crits and fumbles"; Foundry counts {kind}'


def percentile_note(readings: Readings) -> str:
    """`d%`."""
    if readings.percentile == "tens":
        return '`d%` read as "a tens die: 0, 10, ..., 90"; Nazh reads "1 to 100"'
    return '`d%` read as "1 to 100"; Avrae reads a tens die (0, 10, ..., 90)'


def alias_note(written: str, meaning: str) -> str:
    """A Dice Maiden shorthand read as what it stands for."""
    shown = written.strip()
    shown = shown if len(shown) <= 40 else shown[:39] + "…"
    return f"Dice Maiden's `{shown}` read as `{meaning.strip()[:80]}`"


def hash_note(readings: Readings) -> str:
    """`#` right after a leading number (`6#4d6`)."""
    if readings.hash_sign == "comment":
        return "`#` read as the start of a comment; Nazh reads `6#4d6` as a repetition"
    return '`#` read as "repeat"; Foundry and rpg-dice-roller read it as the start of a comment'


def bang_note() -> str:
    """`!` right after dice, where it starts a comment."""
    return '`!` read as the start of a comment; Nazh reads `!` after dice as "explode"'


def comparison_note(op: str) -> str:
    """A comparison between totals (`1d20+5>=15`)."""
    return f'`{op}` read as "compare the totals: 1 or 0"; Nazh counts the dice that pass'


def group_keep_note(readings: Readings) -> str:
    """Keep or drop on a group of one roll (`{4d6}kh2`)."""
    if readings.group_keep == "dice":
        return "keep/drop on a group of one roll chose among its dice; Nazh keeps its total"
    return "keep/drop on a group of one roll chose its total; Roll20 chooses among its dice"


def group_target_note(readings: Readings) -> str:
    """A success target on a group of one roll (`{3d20+5}>21`)."""
    if readings.group_target == "each-die":
        return (
            "a target on a group of one roll tested each die plus its numbers; Nazh tests its total"
        )
    return (
        "a target on a group of one roll tested its total; Roll20 tests each die plus its numbers"
    )


def modifier_order_note(readings: Readings) -> str:
    """Modifiers written out of the dialect's fixed order."""
    order = ", ".join(dict.fromkeys(readings.modifier_order))
    return f"modifiers applied in {readings.label}'s order ({order}); Nazh applies them as written"


def scope_note(readings: Readings) -> str:
    """A keep or drop after another (`3d10k1d1`)."""
    if readings.keep_drop_scope == "all":
        return "a later keep/drop chose among every die; Nazh chooses among the dice still kept"
    return (
        "a later keep/drop chose among the dice still kept; rpg-dice-roller chooses among every die"
    )


def spaced_note(written: str) -> str:
    """A modifier after a space, applied to every dice term (Dice Maiden)."""
    return f"`{written}` read as a modifier of every dice term; Nazh reads it as the comment"


def leading_repeat_note(count: int) -> str:
    """`6 4d6` (Dice Maiden)."""
    return f'`{count} ` read as "roll {count} times"; Nazh reads {count} with a comment'
