"""Chronicles of Darkness (`cod`) and the classic World of Darkness (`wod`).

Chronicles of Darkness Core Rulebook (2nd edition), "Dramatic Systems": "Each die that shows an
8, 9, or 10 is a success." "Every die that comes up as a 10 is a success. You also roll the die
again, potentially scoring another success. If this second roll comes up as another 10, count
the success and roll it again, on until you roll a number other than 10." "If your pool drops
below one die, you instead roll a single chance die." Permutations: "9-Again: You reroll dice
that show 9 or 10", "8-Again: You reroll dice that show 8, 9, or 10". Glossary: "A result of 1
on a chance roll causes a dramatic failure". Five or more successes make an exceptional
success, and a rote action rerolls, once, every die that failed on the first roll (both
paraphrased). Our reading, stated in the card: the chance die succeeds only on a 10 and does
not roll again.

Vampire: The Masquerade Revised, "Rolling Dice": "Each time you score that number [the
difficulty] or higher on one of your dice, you're considered to have gained a success." "Six
is the default difficulty". Each 1 cancels one success; no success rolled and at least one 1
is a botch, while 1s that cancel every success make a plain failure (paraphrased).
"""

from __future__ import annotations

from fractions import Fraction

import pytest
from systems_support import (
    assert_close_to_enumeration,
    bind,
    chi_square_p,
    enumerate_outcomes,
    nonzero,
    roll_scripted,
)

from nazh.dice.systems.core import Mark


@pytest.mark.parametrize(
    ("call", "faces", "successes", "outcome", "text"),
    [
        (
            "cod(3)",
            [8, 10, 3, 2],
            2,
            "success",
            "cod(3) (**8**, **10!**, 3, 2) = `2` successes · **success**",
        ),
        (
            "cod(3)",
            [10, 10, 10, 1, 8, 9],
            5,
            "exceptional success",
            "cod(3) (**10!**, **10!**, **10!**, 1, **8**, **9**) = `5` successes"
            " · **exceptional success**",
        ),
        ("cod(2)", [1, 7], 0, "failure", "cod(2) (1, 7) = `0` successes · **failure**"),
        (
            "cod(2, 9again)",
            [9, 3, 4],
            1,
            "success",
            "cod(2, 9again) (**9!**, 3, 4) = `1` success · **success**",
        ),
        (
            "cod(1, 8-again)",
            [8, 8, 2],
            2,
            "success",
            "cod(1, 8again) (**8!**, **8!**, 2) = `2` successes · **success**",
        ),
        (
            "cod(2, rote)",
            [3, 10, 5, 7, 8],
            2,
            "success",
            "cod(2, rote) (~~3~~, **10!**, 5, ~~7~~, **8**) = `2` successes · **success**",
        ),
        (
            "cod(0)",
            [10],
            1,
            "success",
            "cod(0) chance die (**10**) = `1` success · **success**"
            " (a chance die: only a 10 succeeds)",
        ),
        (
            "cod(0)",
            [1],
            0,
            "dramatic failure",
            "cod(0) chance die (**1**) = `0` successes · **dramatic failure**"
            " (a chance die rolled 1)",
        ),
        (
            "cod(0)",
            [9],
            0,
            "failure",
            "cod(0) chance die (9) = `0` successes · **failure**"
            " (a chance die: only a 10 succeeds)",
        ),
    ],
)
def test_cod_by_hand(call: str, faces: list[int], successes: int, outcome: str, text: str) -> None:
    result = roll_scripted(call, faces)
    assert result.total == successes
    assert result.outcome.name == outcome
    assert result.render() == text


def test_cod_options_are_normalised() -> None:
    assert bind("cod(5, ROTE, 9-again)")[1].call == "cod(5, 9again, rote)"
    assert bind("cod(5, 10again)")[1].call == "cod(5)"


@pytest.mark.parametrize(
    ("call", "cutoff"),
    [
        ("cod(1)", Fraction(1, 10**12)),
        ("cod(2)", Fraction(1, 10**9)),
        ("cod(1, rote)", Fraction(1, 10**9)),
        ("cod(2, rote)", Fraction(1, 10**8)),
        ("cod(1, 9again)", Fraction(1, 10**8)),
        ("cod(1, 8again)", Fraction(1, 10**8)),
        ("cod(2, 9again)", Fraction(1, 10**7)),
        ("cod(0)", Fraction(0)),
    ],
)
def test_cod_odds_match_enumeration(call: str, cutoff: Fraction) -> None:
    assert_close_to_enumeration(call, cutoff)


def test_cod_one_die_by_hand() -> None:
    # one die succeeds on 8-10 (3/10); five successes need four 10s and then an 8 to 10
    system, bound = bind("cod(1)")
    assert system.outcome_odds(bound) == {
        "dramatic failure": 0,
        "failure": Fraction(7, 10),
        "success": Fraction(3, 10) - Fraction(3, 10**5),
        "exceptional success": Fraction(3, 10**5),
    }


@pytest.mark.parametrize(
    "call", ["cod(0)", "cod(3)", "cod(5)", "cod(7, 9again)", "cod(4, 8again, rote)"]
)
def test_cod_roller_agrees_with_the_odds(call: str) -> None:
    assert chi_square_p(call) > 1e-4


@pytest.mark.parametrize(
    ("call", "faces", "net", "outcome", "text"),
    [
        (
            "wod(6, 7)",
            [1, 9, 7, 6, 7, 10],
            3,
            "success",
            "wod(6, 7) (~~1~~, **9**, ~~7~~, 6, **7**, **10**) = `3` successes · **success**",
        ),
        ("wod(3)", [1, 2, 5], 0, "botch", "wod(3, 6) (**1**, 2, 5) = `0` successes · **botch**"),
        (
            "wod(3)",
            [1, 6, 1],
            0,
            "failure",
            "wod(3, 6) (~~1~~, ~~6~~, 1) = `0` successes · **failure**"
            " (1s cancelled every success)",
        ),
        ("wod(2)", [2, 3], 0, "failure", "wod(2, 6) (2, 3) = `0` successes · **failure**"),
        ("wod(2, 10)", [10, 9], 1, "success", "wod(2, 10) (**10**, 9) = `1` success · **success**"),
    ],
)
def test_wod_by_hand(call: str, faces: list[int], net: int, outcome: str, text: str) -> None:
    result = roll_scripted(call, faces)
    assert result.total == net
    assert result.outcome.name == outcome
    assert result.render() == text


def test_wod_marks_which_dice_cancel() -> None:
    result = roll_scripted("wod(4, 6)", [1, 10, 6, 1])
    assert [die.marks for die in result.dice] == [
        Mark.CANCELLED,
        Mark.CANCELLED,
        Mark.CANCELLED,
        Mark.CANCELLED,
    ]
    assert result.details == {"successes": 2, "ones": 2, "net": 0}


@pytest.mark.parametrize("call", ["wod(3, 6)", "wod(4, 8)", "wod(2, 2)", "wod(3, 10)", "wod(1, 6)"])
def test_wod_odds_match_enumeration(call: str) -> None:
    system, bound = bind(call)
    assert nonzero(system.outcome_odds(bound)) == enumerate_outcomes(call).odds


@pytest.mark.parametrize("call", ["wod(6, 7)", "wod(3, 6)", "wod(10, 9)"])
def test_wod_roller_agrees_with_the_odds(call: str) -> None:
    assert chi_square_p(call) > 1e-4
