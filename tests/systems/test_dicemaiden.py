"""Dice Maiden's alias shorthands, translated into Nazh text.

Every alias of Dice Maiden's table, with what Dice Maiden documents it to mean (README "Alias
Commands" and `/roll help alias|system` of Humblemonk/DiceMaiden, and `alias_input_map` in
`src/dice_maiden_logic.rb`; its Rust edition's `roll_syntax.md` for `fitd`, `sw`, `vtm`,
`cpr`, `sp4t6` and `ed4e`):

| alias | Dice Maiden's expansion | what it is |
|---|---|---|
| `4cod` | `4d10 t8 ie10` | Chronicles of Darkness |
| `4cod8`, `4cod9`, `4codr` | `ie8`, `ie9`, rote quality (`r7`) | 8-again, 9-again, rote |
| `4wod8` | `4d10 f1 t8` | World of Darkness, difficulty 8 |
| `3df` | `3d3 t3 f1` | Fate (Fudge dice) |
| `3wh4+` | `3d6 t4` | Warhammer 40k/AoS |
| `age` | `2d6 + 1d6` | AGE System |
| `sr6` | `6d6 t5` | Shadowrun |
| `dndstats` | `6 4d6 k3` | D&D stat generation |
| `attack +5`, `skill -2`, `save +3` | `1d20 + 5`, ... | D&D attack, skill check, save |
| `+d20`, `-d20` | `2d20 d1`, `2d20 kl1` | advantage, disadvantage |
| `+d%`, `-d%` | `((2d10kl1-1) *10) + 1d10`, `((2d10k1-1) *10) + 1d10` | percentile |
| `dd34` | `(1d3 * 10) + 1d4` | double digit |
| `2d%` | `2d100` | multiple percentile |
| `ex5`, `ex5t8` | `5d10 t7 t10`, `5d10 t8 t10` | Exalted (10s count double) |
| `snm5` | `5d6 ie6 t4` | Sunsails: New Millennium |
| `d6s4` | `4d6 + 1d6 ie` | D6 System (a wild die exploding) |
| `sp4` | `4d10 t8 ie10` | Storypath |
| `6yz` | `6d6 t6` | Year Zero |
| `ed1` ... `ed50` | `@earthdawn_replacements` | Earthdawn steps |
| `ed4e1` ... | 4th edition steps | Earthdawn 4th edition |
| `2hsn`, `5hsk1`, `3hsh` | `hsn`/`hsk` modes, `11+3 -3d6` | Hero System |
| `fitd2`, `sw8`, `vtm7h2`, `cpr + 5` | (Rust edition) | FitD, Savage Worlds, V5, Cyberpunk RED |

Dice Maiden's `edN` table (`src/earthdawn_logic.rb`) begins `'1d4 ie - 2', '1d4 ie - 1',
'1d4 ie', '1d6 ie', ...` and at step 25 reads `'1d20 ie + 1d12 ie + 1d8 ie + 1d4 ie'`.
"""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction
from itertools import product

import pytest
from systems_support import bind

from nazh.dice import DiceError, roll
from nazh.dice.odds import distribution
from nazh.dice.systems import get_system, system_odds
from nazh.dice.systems.dicemaiden import MAIDEN_EARTHDAWN, dicemaiden_alias
from nazh.dice.systems.earthdawn import step_dice

SYSTEM_CALLS: list[tuple[str, str]] = [
    ("4cod", "cod(4)"),
    ("4COD8", "cod(4, 8again)"),
    ("4cod9", "cod(4, 9again)"),
    ("4codr", "cod(4, rote)"),
    ("4wod8", "wod(4, 8)"),
    ("sr6", "sr(6)"),
    ("6yz", "yz(6)"),
    ("dndstats", "dndstats"),
    ("attack +5", "dnd(5)"),
    ("skill -2", "dnd(-2)"),
    ("save +3", "dnd(3)"),
    ("attack", "dnd(0)"),
    ("ed15", "ed(15)"),
    ("ed1", "ed(1)"),
    ("ed4e25", "ed(25)"),
    ("fitd2", "fitd(2)"),
    ("sw8", "sw(d8)"),
    ("vtm7h2", "v5(7, 2)"),
    ("cpr + 5", "cpr(5)"),
    ("cpr", "cpr(0)"),
]
"""A whole roll that is one alias: the system's call."""


@pytest.mark.parametrize(("alias", "call"), SYSTEM_CALLS)
def test_a_lone_alias_is_a_system_call(alias: str, call: str) -> None:
    assert dicemaiden_alias(alias) == call
    system, bound = bind(call)
    assert bound.call == call
    assert get_system(system.name) is system


PLAIN: list[tuple[str, str, str]] = [
    ("3df", "3dF", "3d3 t3 f1"),
    ("3wh4+", "3d6>=4", "3d6 t4"),
    ("age", "2d6+1d6", "2d6 + 1d6"),
    ("+d20", "2d20kh1", "2d20 d1"),
    ("-d20", "2d20kl1", "2d20 kl1"),
    ("+d%", "((2d10kl1-1)*10)+1d10", "((2d10kl1-1) *10) + 1d10"),
    ("-d%", "((2d10kh1-1)*10)+1d10", "((2d10k1-1) *10) + 1d10"),
    ("dd34", "(1d3*10)+1d4", "(1d3 * 10) + 1d4"),
    ("2d%", "2d100", "2d100"),
    ("snm5", "5d6x6>=4", "5d6 ie6 t4"),
    ("d6s4", "4d6+1d6x", ""),
    ("d6s", "1d6x", "1d6 ie"),
    ("sp4", "4d10x10>=8", "4d10 ie10 t8"),
    ("sp4t6", "4d10x10>=6", "4d10 ie10 t6"),
    ("3hsh", "11+3-3d6", "11+3 -3d6"),
    ("4cod + 2", "4d10x10>=8 + 2", "4d10 ie10 t8 + 2"),
    ("2cod8 + 0", "2d10x>=8>=8 + 0", "2d10 ie8 t8"),
    ("2cod9 * 1", "2d10x>=9>=8 * 1", "2d10 ie9 t8"),
    ("4wod8 + 1", "4d10>=8f1 + 1", "4d10 t8 f1 + 1"),
    ("sr6 + 1", "6d6>=5 + 1", "6d6 t5 + 1"),
    ("6yz - 1", "6d6>=6 - 1", "6d6 t6 - 1"),
    ("1d4 + attack", "1d4 + 1d20", "1d4 + 1d20"),
    ("ed25", "1d20x+1d12x+1d8x+1d4x", "1d20 ie + 1d12 ie + 1d8 ie + 1d4 ie"),
]
"""An alias inside a roll: plain notation, and Dice Maiden's expansion (as its code writes it)
for the `dicemaiden` dialect to read: `t8 f1` for `4wod8`'s `f1 t8` and `ie10 t8` for the
README's `t8 ie10`, the orders that dialect reads as successes. The D6 System's `4d6 + 1d6 ie`
and Earthdawn's dice are left out: that dialect explodes every term of them."""


@pytest.mark.parametrize(("alias", "text", "maiden"), PLAIN)
def test_an_alias_in_a_roll_is_plain_notation(alias: str, text: str, maiden: str) -> None:
    assert dicemaiden_alias(alias) == text
    ours = distribution(text, "nazh")
    assert distribution(text, "dicemaiden") == ours
    if maiden and "ie + " not in maiden:
        assert ours == distribution(maiden, "dicemaiden")


def test_earthdawn_with_more_is_plain_dice() -> None:
    assert dicemaiden_alias("ed1 + 1") == "1d4x-2 + 1"
    assert dicemaiden_alias("ed15 + 2") == "1d12x+2d6x + 2"
    assert dicemaiden_alias("ed4e19 - 1") == "1d20x+1d6x+1d6x - 1"


def test_the_d6_system_explodes_only_the_wild_die() -> None:
    law = distribution("4d6+1d6x")
    assert max(law) > 30
    assert law[5] == Fraction(1, 6**5)


@pytest.mark.parametrize(("alias", "target"), [("ex2", 7), ("ex3t8", 8), ("ex2t10", 10)])
def test_exalted_counts_tens_twice(alias: str, target: int) -> None:
    text = dicemaiden_alias(alias)
    assert text is not None
    count = int(alias[2])
    assert text.startswith(f"{count}d[")
    brute: Counter[int] = Counter(
        sum((face >= target) + (face == 10) for face in faces)
        for faces in product(range(1, 11), repeat=count)
    )
    assert distribution(text) == {
        successes: Fraction(ways, 10**count) for successes, ways in brute.items()
    }


def test_the_earthdawn_table_is_dice_maidens() -> None:
    assert len(MAIDEN_EARTHDAWN) == 50
    assert MAIDEN_EARTHDAWN[:4] == ("1d4-2", "1d4-1", "1d4", "1d6")
    assert MAIDEN_EARTHDAWN[24] == "1d20+1d12+1d8+1d4"
    assert MAIDEN_EARTHDAWN[49] == "2d20+3d10+2d8"


@pytest.mark.parametrize("step", range(1, 51))
def test_each_earthdawn_step(step: int) -> None:
    text = dicemaiden_alias(f"ed{step}")
    assert text is not None
    maiden = MAIDEN_EARTHDAWN[step - 1]
    sides, modifier = step_dice(step)
    fourth = "+".join(f"1d{size}" for size in sides) + (f"{modifier:+d}" if modifier else "")
    if text == f"ed({step})":
        assert distribution(maiden) == distribution(fourth)
    else:
        assert text == maiden.replace("d4", "d4x").replace("d6", "d6x").replace(
            "d8", "d8x"
        ).replace("d10", "d10x").replace("d12", "d12x").replace("d20", "d20x")
        assert distribution(maiden) != distribution(fourth)
        roll(text, rng=random.Random(step))


def test_steps_beyond_the_fourth_edition_table_differ_from_dice_maidens() -> None:
    assert dicemaiden_alias("ed21") == "1d20x+1d10x+1d6x"
    assert dicemaiden_alias("ed29") == "ed(29)"
    assert dicemaiden_alias("ed4e21") == "ed(21)"


def test_year_zero_means_dice_maidens_successes() -> None:
    failure = distribution("6d6 t6", "dicemaiden")[0]
    assert system_odds("yz", ["6"], {})["failure"] == failure


@pytest.mark.parametrize(
    ("text", "translated"),
    [
        ("6 4cod", "6 cod(4)"),
        ("4cod ! sneaking in", "cod(4) ! sneaking in"),
        ("1d20 ! attack the orc", None),
        ("d20 ; 4cod", "d20 ; cod(4)"),
        ("4cod;sr3", "cod(4);sr(3)"),
        ("+d20 + 5", "2d20kh1 + 5"),
        ("  sw8  ", "  sw(d8)"),
    ],
)
def test_sets_comments_and_several_rolls(text: str, translated: str | None) -> None:
    assert dicemaiden_alias(text) == translated


@pytest.mark.parametrize("text", ["2d6", "1d20+5", "4d6 k3", "6 4d6", "hello world", "", "d20"])
def test_text_without_an_alias(text: str) -> None:
    assert dicemaiden_alias(text) is None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2hsn", "Hero System damage \\(`2hsn`\\) counts BODY and STUN"),
        ("5hsk1 +1d3", "Hero System damage \\(`5hsk1`\\)"),
        ("ed51", "`ed` steps go from 1 to 50"),
        ("ed0 + 1", "`ed` steps go from 1 to 50"),
        ("ed4e101 + 1", "`ed4e` steps go from 1 to 100"),
    ],
)
def test_aliases_nazh_cannot_roll(text: str, message: str) -> None:
    with pytest.raises(DiceError, match=message):
        dicemaiden_alias(text)
