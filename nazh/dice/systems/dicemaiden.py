"""Dice Maiden's alias shorthands (`4cod`, `4wod8`, `sr6`, `+d20`, `attack +5`, `ed15`...)
translated into Nazh text, for the `dicemaiden` dialect.

`dicemaiden_alias(text)` gives the text with every alias replaced, or None when it has none.
It follows Dice Maiden (Humblemonk/DiceMaiden, `alias_input_pass` in
`src/dice_maiden_logic.rb` and `earthdawn_logic.rb`; README "Alias Commands"), plus the
aliases of its Rust edition (Humblemonk/dicemaiden-rs, `src/dice/aliases.rs`) for the systems
Nazh has (`fitd2`, `sw8`, `vtm7h2`, `cpr + 5`, `ed4e15`, `sp4t6`):

- A roll that is one alias and nothing else (after an optional set count, `6 4cod`, and before
  the comment, `! text`) becomes the system's call: `4cod` → `cod(4)`, `attack +5` →
  `dnd(5)`, `6yz` → `yz(6)`, `ed15` → `ed(15)`.
- Elsewhere in a roll an alias becomes plain notation that means what Dice Maiden's expansion
  means and reads the same in the `nazh` and `dicemaiden` dialects: `4cod + 2` →
  `4d10x10>=8 + 2`, `+d20` → `2d20kh1`, `3df` → `3dF`, `ex5` → `5d[0,0,0,0,0,0,1,1,1,2]`
  (Exalted: 7-9 one success, a 10 two).
- Earthdawn's `edN` reads Dice Maiden's own step table (its steps 19 to 50 are not the 4th
  edition's): a step whose dice are the 4th edition's becomes `ed(N)`, any other Dice
  Maiden's dice (`ed25` → `1d20x+1d12x+1d8x+1d4x`). `ed4eN` is always `ed(N)`.
- Hero System damage (`3hsn`, `2hsk1`) shows two numbers from one roll, which no Nazh roll
  does: a `DiceError` says so. `3hsh` (to hit) is `11+3-3d6`, as Dice Maiden computes it.

Texts are matched case-insensitively; `;` separates rolls, each translated on its own.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nazh.dice.errors import DiceError
from nazh.dice.systems.earthdawn import step_dice

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("MAIDEN_EARTHDAWN", "dicemaiden_alias")

MAIDEN_EARTHDAWN: tuple[str, ...] = (
    "1d4-2",
    "1d4-1",
    "1d4",
    "1d6",
    "1d8",
    "1d10",
    "1d12",
    "2d6",
    "1d8+1d6",
    "2d8",
    "1d10+1d8",
    "2d10",
    "1d12+1d10",
    "2d12",
    "1d12+2d6",
    "1d12+1d8+1d6",
    "1d12+2d8",
    "1d12+1d10+1d8",
    "1d20+2d6",
    "1d20+1d8+1d6",
    "1d20+1d10+1d6",
    "1d20+1d10+1d8",
    "1d20+2d10",
    "1d20+1d12+1d10",
    "1d20+1d12+1d8+1d4",
    "1d20+1d12+1d8+1d6",
    "1d20+1d12+2d8",
    "1d20+2d10+1d8",
    "1d20+1d12+1d10+1d8",
    "1d20+1d12+1d10+1d8",
    "1d20+1d10+2d8+1d6",
    "1d20+2d10+1d8+1d6",
    "1d20+2d10+2d8",
    "1d20+3d10+1d8",
    "1d20+1d12+2d10+1d8",
    "2d20+1d10+1d8+1d4",
    "2d20+1d10+1d8+1d6",
    "2d20+1d10+2d8",
    "2d20+2d10+1d8",
    "2d20+1d12+1d10+1d8",
    "2d20+1d10+1d8+2d6",
    "2d20+1d10+2d8+1d6",
    "2d20+2d10+1d8+1d6",
    "2d20+2d10+2d8",
    "2d20+3d10+1d8",
    "2d20+1d12+2d10+1d8",
    "2d20+2d10+2d8+1d4",
    "2d20+2d10+2d8+1d6",
    "2d20+2d10+3d8",
    "2d20+3d10+2d8",
)
"""Dice Maiden's `ed1` to `ed50` (`@earthdawn_replacements`), every die exploding."""

_MAIDEN_ED4E_STEPS = 100
"""Highest `ed4eN` (dicemaiden-rs: steps 1 to 100)."""

_COMMENT = "!"
_SET = re.compile(r"\s*(\d+\s+)?(.*?)\s*", re.DOTALL)
_AGAIN = {"": "", "8": ", 8again", "9": ", 9again", "r": ", rote"}
_MODIFIER = r"(?:\s*([+-])\s*(\d+))?"

_WHOLE: tuple[tuple[re.Pattern[str], Callable[[re.Match[str]], str]], ...] = (
    (re.compile(r"(\d+)cod([89r]?)", re.I), lambda m: f"cod({m[1]}{_AGAIN[m[2].lower()]})"),
    (re.compile(r"(\d+)wod(\d+)", re.I), lambda m: f"wod({m[1]}, {m[2]})"),
    (re.compile(r"sr(\d+)", re.I), lambda m: f"sr({m[1]})"),
    (re.compile(r"(\d+)yz", re.I), lambda m: f"yz({m[1]})"),
    (re.compile(r"fitd(\d+)", re.I), lambda m: f"fitd({m[1]})"),
    (re.compile(r"sw(\d+)", re.I), lambda m: f"sw(d{m[1]})"),
    (re.compile(r"vtm(\d+)h(\d+)", re.I), lambda m: f"v5({m[1]}, {m[2]})"),
    (re.compile(r"cpr" + _MODIFIER, re.I), lambda m: f"cpr({_signed(m)})"),
    (re.compile(r"(?:attack|skill|save)" + _MODIFIER, re.I), lambda m: f"dnd({_signed(m)})"),
    (re.compile(r"dndstats", re.I), lambda m: "dndstats"),
    (re.compile(r"ed4e(\d+)", re.I), lambda m: f"ed({int(m[1])})"),
)
"""Aliases that are a whole roll, as system calls."""

_ANYWHERE = re.compile(
    r"""
    \b(?P<fudge>\d+)dF\b
    | \bSNM(?P<snm>\d+)\b
    | \b(?P<wh>\d+)wh(?P<wh_target>\d+)\+
    | \b(?P<wod>\d+)WoD(?P<wod_target>\d+)\b
    | \bdd(?P<dd_tens>\d)(?P<dd_units>\d)\b
    | (?P<age>\bage\b)
    | \B\+d(?P<adv>\d+)\b
    | \B-d(?P<dis>\d+)\b
    | (?P<adv_pct>\B\+d%\B)
    | (?P<dis_pct>\B-d%\B)
    | \b(?P<cod>\d+)CoD(?P<cod_again>[89r]?)\b
    | \bd6s(?P<d6s>\d*)\b
    | \bsr(?P<sr>\d+)\b
    | \b(?P<pct>\d+)d%\B
    | \bsp(?P<sp>\d+)(?:t(?P<sp_target>\d+))?\b
    | \b(?P<yz>\d+)yz\b
    | (?P<stats>\bdndstats\b)
    | (?P<d20>\b(?:attack|skill|save)\b)
    | \b(?P<hero>\d+)hs(?P<hero_kind>[nkh])(?P<hero_extra>\d*)\b
    | \bex(?P<ex>\d+)(?:t(?P<ex_target>\d+))?\b
    """,
    re.IGNORECASE | re.VERBOSE,
)
"""Dice Maiden's alias table (`alias_input_map`), in its order: aliases anywhere in a roll."""

_EARTHDAWN = re.compile(r"(\s*)ed(4e)?(\d+)", re.IGNORECASE)


def dicemaiden_alias(text: str) -> str | None:
    """`text` (a Dice Maiden roll) with every alias translated into Nazh text, or None when
    it has no alias. Raise `DiceError` for an alias Nazh cannot express."""
    rolls = text.split(";")
    translated = [_roll(roll) for roll in rolls]
    if all(result is None for result in translated):
        return None
    return ";".join(
        roll if result is None else result for roll, result in zip(rolls, translated, strict=True)
    )


def _roll(text: str) -> str | None:
    body, bang, comment = text.partition(_COMMENT)
    tail = bang + comment
    match = _SET.fullmatch(body)
    sets, alias = (match[1] or "", match[2]) if match else ("", body)
    for pattern, call in _WHOLE:
        whole = pattern.fullmatch(alias)
        if whole is not None:
            return _join(body, sets + call(whole), tail)
    earthdawn = _EARTHDAWN.match(body)
    if earthdawn is not None and earthdawn.end() == len(body.rstrip()):
        step = int(earthdawn[3])
        if earthdawn[2] or _same_as_fourth_edition(step):
            return _join(body, f"ed({step})", tail)
    replaced = _earthdawn_prefix(body)
    replaced = _ANYWHERE.sub(_replace, replaced)
    if replaced == body:
        return None
    return replaced + tail


def _join(body: str, call: str, tail: str) -> str:
    """`call` in place of the roll, keeping the comment after one space."""
    leading = body[: len(body) - len(body.lstrip())]
    return f"{leading}{call} {tail}" if tail else leading + call


def _signed(match: re.Match[str]) -> str:
    if match[2] is None:
        return "0"
    return f"-{int(match[2])}" if match[1] == "-" else str(int(match[2]))


def _same_as_fourth_edition(step: int) -> bool:
    if not 1 <= step <= len(MAIDEN_EARTHDAWN):
        return False
    return _sides(MAIDEN_EARTHDAWN[step - 1]) == step_dice(step)


def _sides(dice: str) -> tuple[tuple[int, ...], int]:
    sides: list[int] = []
    modifier = 0
    for term in dice.split("+"):
        roll, _, minus = term.partition("-")
        count, _, size = roll.partition("d")
        sides.extend([int(size)] * int(count))
        modifier -= int(minus or 0)
    return tuple(sorted(sides, reverse=True)), modifier


def _earthdawn_prefix(body: str) -> str:
    """Dice Maiden's `edN`/`ed4eN` at the start of a roll, as exploding plain dice."""
    match = _EARTHDAWN.match(body)
    if match is None:
        return body
    step = int(match[3])
    if match[2]:
        if not 1 <= step <= _MAIDEN_ED4E_STEPS:
            raise DiceError(f"Dice Maiden's `ed4e` steps go from 1 to {_MAIDEN_ED4E_STEPS}")
        sides, modifier = step_dice(step)
        dice = "+".join(f"1d{size}x" for size in sides)
        dice += f"{modifier:+d}" if modifier else ""
    else:
        if not 1 <= step <= len(MAIDEN_EARTHDAWN):
            raise DiceError(
                f"Dice Maiden's `ed` steps go from 1 to {len(MAIDEN_EARTHDAWN)}; write `ed(step)`"
                " for any step of the 4th edition table"
            )
        dice = re.sub(r"d(\d+)", r"d\1x", MAIDEN_EARTHDAWN[step - 1])
    return match[1] + dice + body[match.end() :]


def _replace(match: re.Match[str]) -> str:
    groups = match.groupdict()
    return next(plain(groups, match[0]) for key, plain in _PLAIN.items() if groups[key] is not None)


def _cod(count: str, again: str) -> str:
    if again == "r":
        return f"{count}d10x10ro<=7>=8"
    return f"{count}d10x>={again}>=8" if again else f"{count}d10x10>=8"


_Groups = dict[str, "str | None"]

_PLAIN: dict[str, Callable[[_Groups, str], str]] = {
    "fudge": lambda g, _: f"{g['fudge']}dF",
    "snm": lambda g, _: f"{g['snm']}d6x6>=4",
    "wh": lambda g, _: f"{g['wh']}d6>={g['wh_target']}",
    "wod": lambda g, _: f"{g['wod']}d10>={g['wod_target']}f1",
    "dd_tens": lambda g, _: f"(1d{g['dd_tens']}*10)+1d{g['dd_units']}",
    "age": lambda g, _: "2d6+1d6",
    "adv": lambda g, _: f"2d{g['adv']}kh1",
    "dis": lambda g, _: f"2d{g['dis']}kl1",
    "adv_pct": lambda g, _: "((2d10kl1-1)*10)+1d10",
    "dis_pct": lambda g, _: "((2d10kh1-1)*10)+1d10",
    "cod": lambda g, _: _cod(g["cod"] or "", (g["cod_again"] or "").lower()),
    "d6s": lambda g, _: f"{g['d6s']}d6+1d6x" if g["d6s"] else "1d6x",
    "sr": lambda g, _: f"{g['sr']}d6>=5",
    "pct": lambda g, _: f"{g['pct']}d100",
    "sp": lambda g, _: f"{g['sp']}d10x10>={g['sp_target'] or 8}",
    "yz": lambda g, _: f"{g['yz']}d6>=6",
    "stats": lambda g, _: "6#4d6kh3",
    "d20": lambda g, _: "1d20",
    "hero": lambda g, written: _hero(g["hero"] or "", (g["hero_kind"] or "").lower(), written),
    "ex": lambda g, _: _exalted(int(g["ex"] or 0), int(g["ex_target"] or 7)),
}
"""Each alias of `_ANYWHERE`, by its first group, as plain notation."""


def _hero(count: str, kind: str, written: str) -> str:
    if kind == "h":
        return f"11+{count}-3d6"
    raise DiceError(
        f"Dice Maiden's Hero System damage (`{written}`) counts BODY and STUN from one roll,"
        f" which Nazh cannot show; roll `{count}d6` for the total"
    )


def _exalted(count: int, target: int) -> str:
    """Exalted's pool: a die at or above the target is a success, a 10 two."""
    faces = [int(face >= target) + (face == 10) for face in range(1, 11)]
    return f"{count}d[{','.join(map(str, faces))}]"
