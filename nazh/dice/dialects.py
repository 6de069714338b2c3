"""Dialects: how the notation reads the forms on which dice rollers disagree.

A `Dialect` is data only: one field per disputed form, each fixed from that roller's own
documentation (see `tests/dice/test_dialects.py` for the quoted rules). The engine reads the
fields; nothing here parses or rolls. `nazh` is today's reading and the default.

A dialect is chosen per server, then per player, then per roll with a leading tag: a known
dialect name, a colon and whitespace, as in `roll20: 3d6>3` (see `split_dialect_tag`). A tag
cannot be notation (no dice form has a colon) nor a saved-roll call `server:name` (no space
follows that colon).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from nazh.dice.errors import DiceError

__all__ = (
    "AVRAE",
    "DIALECTS",
    "DICEMAIDEN",
    "FOUNDRY",
    "MODIFIER_KINDS",
    "NAZH",
    "ROLL20",
    "RPG_DICE_ROLLER",
    "Dialect",
    "ModifierKind",
    "dialect_names",
    "get_dialect",
    "split_dialect_tag",
)

ModifierKind = Literal[
    "clamp", "explode", "reroll", "unique", "keep", "drop", "success", "failure", "crit", "sort"
]
"""A family of dice modifiers, as `Dialect.modifier_order` orders them."""

MODIFIER_KINDS: tuple[ModifierKind, ...] = (
    "clamp",
    "explode",
    "reroll",
    "unique",
    "keep",
    "drop",
    "success",
    "failure",
    "crit",
    "sort",
)
"""Every `ModifierKind`, once each."""


@dataclass(frozen=True, slots=True)
class Dialect:
    """One roller's reading of the disputed forms. Each field names the form it decides."""

    name: str
    """The dialect's name, lower case, as typed in `/settings notation` and in a roll's tag."""

    label: str
    """The roller's name as its makers write it, for messages."""

    bare_select: Literal["count", "face"]
    """`4d6k3`, `4d6p3`: a number after `k`/`p`/`d` with no `h`/`l`/comparison. `count`: keep
    the highest 3 (drop the lowest 3). `face`: keep (drop) the dice showing 3 (Avrae)."""

    compare: Literal["strict", "inclusive"]
    """`>N` / `<N` wherever a modifier compares faces (successes, failures, explode, reroll,
    crit ranges, keep selectors). `strict`: above / below N. `inclusive`: at least / at most N
    (Roll20). `>=`, `<=` and `=` read the same in every dialect."""

    bare_point: Literal["face", "threshold"]
    """`e6`, `r2`, `f1` with no comparison. `face`: exactly that face. `threshold`: that face
    or beyond it, away from the middle: explode and targets on 6 or more, rerolls, failures and
    botches on 2 or less (Dice Maiden)."""

    reroll: Literal["until", "once"]
    """`r` (with or without a point): reroll until no die matches, or once (Foundry, Dice
    Maiden). `rr` always rerolls until and `ro` always once."""

    explode_e: Literal["unlimited", "once"]
    """`e` (with or without a point): new dice can explode again, or only the first roll
    explodes (Dice Maiden; its `ie` is unlimited). `!` and `x` are always unlimited, `xo` once."""

    explode_cap: bool
    """`x5=10`, `x2>=9`: whether a number between `x` and a comparison caps the explosions of
    the whole pool (Foundry: at most 5, on 10). Elsewhere `x5` explodes on 5 and `=10` then
    counts successes. A bare `x10` explodes on 10 everywhere."""

    crits: Literal["mark", "count"]
    """`cs` / `cf`. `mark`: only show crits and fumbles, the total is unchanged. `count`: the
    total counts the matching dice, as Foundry's count successes / count failures do."""

    percentile: Literal["d100", "tens"]
    """`d%`. `d100`: 1 to 100. `tens`: Avrae's tens die, 0, 10, ..., 90 (one d10 per die)."""

    division: Literal["floor", "real"]
    """`/`. `floor`: rounds down (`-7 / 2` = -4). `real`: exact quotient (`7 / 2` = 3.5)."""

    total: Literal["exact", "truncate"]
    """The roll's final total. `exact`: as computed. `truncate`: rounded toward zero at the
    very end, as Avrae's `RollResult.total` is (`7 / 2 * 2` = 7, `-7 / 2` = -3)."""

    double_slash: Literal["floor-division", "comment"]
    """`//`. `floor-division`: Avrae's integer division (`-7 // 2` = -4). `comment`: the rest
    of the text is the comment, as in rpg-dice-roller."""

    block_comments: bool
    """Whether `/* ... */` is a comment (rpg-dice-roller's block descriptions)."""

    hash_sign: Literal["repeat", "comment"]
    """`#`. `repeat`: `6#4d6` rolls six times. `comment`: the rest of the text is the comment
    (Foundry's `# flavor`, rpg-dice-roller's `# description`)."""

    bang: Literal["explode", "comment"]
    """`!`. `explode`: `3d6!` explodes. `comment`: `4d6 ! Damage roll` (Dice Maiden)."""

    remainder: Literal["divisor", "dividend"]
    """`%` on negatives: the remainder takes the divisor's sign (`-7 % 3` = 2, Python) or the
    dividend's (`-7 % 3` = -1, JavaScript)."""

    round_half: Literal["up", "away", "even"]
    """`round()` at .5: toward +infinity (`round(-2.5)` = -2), away from zero (-3), or to the
    even neighbour."""

    bare_compare: Literal["successes", "comparison"]
    """`3d6>3`, `1d20+5>=15` (a comparison not attached to a modifier). `successes`: count the
    dice (or group results) that pass. `comparison`: compare the totals on each side, 1 if
    true else 0, as Avrae's comparison operators (`==`, `!=` too) do."""

    group_keep: Literal["dice", "total"]
    """`{4d6}kh2`, `(4d6)kh2`: keep/drop on a group of one roll. `dice`: acts on the dice
    inside (Roll20, rpg-dice-roller, Avrae). `total`: the group is one result, its total.
    Groups of several rolls always keep/drop whole totals."""

    group_target: Literal["each-die", "total"]
    """`{3d20+5}>21`: a success target on a group of one roll. `each-die`: each die, with the
    group's arithmetic applied to it, is compared (Roll20: "for each roll add 5"). `total`:
    the group's total is compared, 1 or 0. Groups of several rolls always compare totals."""

    modifier_order: tuple[ModifierKind, ...]
    """The order modifiers apply in. Empty: as written. Otherwise every kind once, in the
    roller's fixed order, whatever order they are written in."""

    keep_drop_scope: Literal["kept", "all"]
    """Which dice a later keep/drop chooses from. `kept`: the dice still kept. `all`: every
    die, dropped ones included, so `3d10k1d1` keeps the highest (rpg-dice-roller)."""

    spaced_modifiers: bool
    """Whether modifiers may follow the roll after a space (`4d6 k3`, `3d6 e6`, `6d10 t7 f1`),
    applying to every dice term, as in Dice Maiden. Elsewhere that text is the comment."""

    leading_repeat: bool
    """Whether `6 4d6` (a count, a space, a roll) rolls six times (Dice Maiden, 2 to 20)."""

    maiden_options: bool
    """Whether Dice Maiden's letter options read as modifiers: `t` target (successes), `ie`
    explode indefinitely, `ir` reroll indefinitely, `b` count botches; and its alias
    shorthands as what they stand for (`4cod` → `cod(4)`, `+d20` → `2d20kh1`; see
    `nazh.dice.systems.dicemaiden`)."""


NAZH = Dialect(
    name="nazh",
    label="Nazh",
    bare_select="count",
    compare="strict",
    bare_point="face",
    reroll="until",
    explode_e="unlimited",
    explode_cap=False,
    crits="mark",
    percentile="d100",
    division="floor",
    total="exact",
    double_slash="comment",
    block_comments=True,
    hash_sign="repeat",
    bang="explode",
    remainder="divisor",
    round_half="away",
    bare_compare="successes",
    group_keep="total",
    group_target="total",
    modifier_order=(),
    keep_drop_scope="kept",
    spaced_modifiers=False,
    leading_repeat=False,
    maiden_options=False,
)
"""Nazh's own reading, the default: README's "Dice notation"."""

AVRAE = Dialect(
    name="avrae",
    label="Avrae",
    bare_select="face",
    compare="strict",
    bare_point="face",
    reroll="until",
    explode_e="unlimited",
    explode_cap=False,
    crits="mark",
    percentile="tens",
    division="real",
    total="truncate",
    double_slash="floor-division",
    block_comments=False,
    hash_sign="repeat",
    bang="explode",
    remainder="divisor",
    round_half="away",
    bare_compare="comparison",
    group_keep="dice",
    group_target="total",
    modifier_order=(),
    keep_drop_scope="kept",
    spaced_modifiers=False,
    leading_repeat=False,
    maiden_options=False,
)
"""avrae/d20: README "Dice Syntax", `d20/grammar.lark`, `d20/expression.py`."""

ROLL20 = Dialect(
    name="roll20",
    label="Roll20",
    bare_select="count",
    compare="inclusive",
    bare_point="face",
    reroll="until",
    explode_e="unlimited",
    explode_cap=False,
    crits="mark",
    percentile="d100",
    division="real",
    total="exact",
    double_slash="comment",
    block_comments=False,
    hash_sign="repeat",
    bang="explode",
    remainder="dividend",
    round_half="up",
    bare_compare="successes",
    group_keep="dice",
    group_target="each-die",
    modifier_order=(
        "explode",
        "reroll",
        "clamp",
        "unique",
        "keep",
        "drop",
        "success",
        "failure",
        "crit",
        "sort",
    ),
    keep_drop_scope="kept",
    spaced_modifiers=False,
    leading_repeat=False,
    maiden_options=False,
)
"""Roll20's Dice Reference (wiki.roll20.net/Dice_Reference; help.roll20.net, 360037773133)."""

FOUNDRY = Dialect(
    name="foundry",
    label="Foundry VTT",
    bare_select="count",
    compare="strict",
    bare_point="face",
    reroll="once",
    explode_e="unlimited",
    explode_cap=True,
    crits="count",
    percentile="d100",
    division="real",
    total="exact",
    double_slash="comment",
    block_comments=False,
    hash_sign="comment",
    bang="explode",
    remainder="dividend",
    round_half="up",
    bare_compare="successes",
    group_keep="total",
    group_target="total",
    modifier_order=(),
    keep_drop_scope="kept",
    spaced_modifiers=False,
    leading_repeat=False,
    maiden_options=False,
)
"""Foundry VTT's "Dice Modifiers" article (foundryvtt.com/article/dice-modifiers) and its `Die`."""

DICEMAIDEN = Dialect(
    name="dicemaiden",
    label="Dice Maiden",
    bare_select="count",
    compare="strict",
    bare_point="threshold",
    reroll="once",
    explode_e="once",
    explode_cap=False,
    crits="mark",
    percentile="d100",
    division="floor",
    total="exact",
    double_slash="comment",
    block_comments=False,
    hash_sign="repeat",
    bang="comment",
    remainder="divisor",
    round_half="away",
    bare_compare="successes",
    group_keep="total",
    group_target="total",
    modifier_order=(
        "explode",
        "reroll",
        "clamp",
        "unique",
        "drop",
        "keep",
        "success",
        "failure",
        "crit",
        "sort",
    ),
    keep_drop_scope="kept",
    spaced_modifiers=True,
    leading_repeat=True,
    maiden_options=True,
)
"""Humblemonk/DiceMaiden: README, and `/roll help` and aliases in `src/dice_maiden_logic.rb`."""

RPG_DICE_ROLLER = Dialect(
    name="rpg-dice-roller",
    label="rpg-dice-roller",
    bare_select="count",
    compare="strict",
    bare_point="face",
    reroll="until",
    explode_e="unlimited",
    explode_cap=False,
    crits="mark",
    percentile="d100",
    division="real",
    total="exact",
    double_slash="comment",
    block_comments=True,
    hash_sign="comment",
    bang="explode",
    remainder="dividend",
    round_half="away",
    bare_compare="successes",
    group_keep="dice",
    group_target="total",
    modifier_order=(
        "clamp",
        "explode",
        "reroll",
        "unique",
        "keep",
        "drop",
        "success",
        "failure",
        "crit",
        "sort",
    ),
    keep_drop_scope="all",
    spaced_modifiers=False,
    leading_repeat=False,
    maiden_options=False,
)
"""dice-roller/documentation `docs/guide/notation/*.md`, dice-roller/rpg-dice-roller grammar."""

_ALL: tuple[Dialect, ...] = (NAZH, AVRAE, ROLL20, FOUNDRY, DICEMAIDEN, RPG_DICE_ROLLER)

DIALECTS: tuple[str, ...] = tuple(dialect.name for dialect in _ALL)
"""The dialects' names, in a fixed order (the default first)."""

_ALIASES: dict[str, str] = {
    "dice-maiden": "dicemaiden",
    "dice_maiden": "dicemaiden",
    "maiden": "dicemaiden",
    "rpgdiceroller": "rpg-dice-roller",
    "rpg_dice_roller": "rpg-dice-roller",
    "foundryvtt": "foundry",
    "foundry-vtt": "foundry",
    "fvtt": "foundry",
    "r20": "roll20",
}

_BY_NAME: dict[str, Dialect] = {dialect.name: dialect for dialect in _ALL} | {
    alias: next(dialect for dialect in _ALL if dialect.name == name)
    for alias, name in _ALIASES.items()
}

_TAG = re.compile(
    r"\s*(" + "|".join(sorted(map(re.escape, _BY_NAME), key=len, reverse=True)) + r"):\s+",
    re.IGNORECASE,
)
_SHOWN = 30


def dialect_names() -> tuple[str, ...]:
    """Every word `get_dialect` accepts: the names in `DIALECTS` order, then the aliases."""
    return DIALECTS + tuple(_ALIASES)


def get_dialect(name: str) -> Dialect:
    """The dialect called `name` (or an alias such as `dice-maiden`), case and spaces ignored.

    Raise `DiceError` naming the valid dialects for any other word.
    """
    dialect = _BY_NAME.get(name.strip().lower())
    if dialect is None:
        shown = name.strip()[:_SHOWN].replace("`", "\u02cb")
        raise DiceError(f"unknown dialect `{shown}`: choose one of {', '.join(DIALECTS)}")
    return dialect


def split_dialect_tag(text: str) -> tuple[Dialect | None, str]:
    """Split a leading dialect tag off `text`: `"roll20: 3d6>3"` -> (`ROLL20`, `"3d6>3"`).

    The tag is a dialect name or alias (any case) at the start, then `:`, then at least one
    whitespace character. Anything else, `server:name` and `roll20:3d6` included, is no tag:
    (None, `text` unchanged).
    """
    match = _TAG.match(text)
    if match is None:
        return None, text
    return _BY_NAME[match.group(1).lower()], text[match.end() :]
