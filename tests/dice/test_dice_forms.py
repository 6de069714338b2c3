"""The forms of issue #10 section 1, rolled with scripted faces: totals, dice, text, errors."""

from __future__ import annotations

import random
import time
from fractions import Fraction

import pytest

from nazh.dice import DiceError, DieFlag, LimitError, ParseError, RollResult, RollSet, parse, roll
from nazh.dice.ast import Binary, Call, ComputedDice, Decimal, Dice, Literal
from tests.dice.dice_support import Scripted

R, X, S = DieFlag.REROLLED, DieFlag.EXPLODED, DieFlag.SUCCESS


def one(text: str, faces: list[int]) -> RollResult:
    rng = Scripted(faces)
    result = roll(text, rng=rng)
    assert isinstance(result, RollResult)
    assert not rng.faces, f"unused scripted faces {rng.faces}"
    return result


# -- math functions, %, ^, decimals ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "faces", "total"),
    [
        ("floor(1d20/2)", [7], 3),
        ("FLOOR(7 / 2)", [], 3),
        ("ceil(7.5)", [], 8),
        ("ceil(-7.5)", [], -7),
        ("round(2.5)", [], 3),
        ("round(-2.5)", [], -3),
        ("round(2.49)", [], 2),
        ("abs(1d6 - 4)", [1], 3),
        ("min(1d6, 1d8)", [5, 2], 2),
        ("Max(1d6, 1d8, 3)", [1, 2], 3),
        ("max(4)", [], 4),
        ("7 % 3", [], 1),
        ("-7 % 3", [], 2),
        ("1d20 % 5 + 1", [13], 4),
        ("2 ^ 10", [], 1024),
        ("2 ** 3 ** 2", [], 512),
        ("-2 ^ 2", [], -4),
        ("2 * 3 ^ 2", [], 18),
        ("2 ^ -1 * 4", [], 2),
        ("1d6 ^ 2", [5], 25),
        ("3d6 * 1.5", [1, 2, 3], 9),
        (".5 * 4", [], 2),
    ],
)
def test_arithmetic_forms(text: str, faces: list[int], total: int) -> None:
    result = one(text, faces)
    assert result.total == total
    assert type(result.total) is int


def test_a_total_that_is_not_whole_stays_an_exact_fraction_shown_to_two_decimals() -> None:
    result = one("1d6 * 1.5", [3])
    assert result.total == Fraction(9, 2)
    assert result.render() == "1d6 (3) * 1.5 = `4.5`"
    third = one("1d6 * 0.333", [1])
    assert third.total == Fraction(333, 1000)
    assert third.render().endswith("= `0.33`")
    assert one("2.999", []).render() == "2.999 = `3.00`"
    assert one("-1.005", []).render() == "-1.005 = `-1.01`"


def test_decimals_and_calls_parse_to_their_nodes() -> None:
    assert parse(".5").root == Decimal(Fraction(1, 2), "0.5")
    call = parse("max(1d6, 2)").root
    assert isinstance(call, Call)
    assert call.name == "max"
    assert call.args == (Dice(1, 6), Literal(2))
    power = parse("2^3^2").root
    assert power == Binary("^", Literal(2), Binary("^", Literal(3), Literal(2)))
    assert parse("2**3").text == "2 ^ 3"
    assert parse("MIN(1, 2)").text == "min(1, 2)"


def test_function_bounds() -> None:
    assert (parse("floor(1d20/2)").minimum, parse("floor(1d20/2)").maximum) == (0, 10)
    assert (parse("max(1d6, 1d8)").minimum, parse("max(1d6, 1d8)").maximum) == (1, 8)
    assert (parse("abs(1d6 - 4)").minimum, parse("abs(1d6 - 4)").maximum) == (0, 3)
    assert (parse("1d6 % 4").minimum, parse("1d6 % 4").maximum) == (0, 4)
    assert (parse("1d6 ^ 2").minimum, parse("1d6 ^ 2").maximum) == (1, 36)


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("foo(1)", 1, "unknown function `foo`"),
        ("1d20 + bar(2)", 8, "unknown function `bar`"),
        ("floor(1, 2)", 1, "`floor` takes one argument"),
        ("min()", 1, "`min` takes at least one argument"),
        ("abs(x=1)", 1, "`abs` takes no named arguments"),
        ("max(1, 2", 9, "unexpected end of input"),
        ("1.5d6", 1, "the number of dice must be whole"),
        ("d[1,2", 6, "unexpected end of input"),
    ],
)
def test_errors_of_the_new_forms_point_at_a_column(text: str, column: int, message: str) -> None:
    with pytest.raises(ParseError) as caught:
        parse(text)
    assert str(caught.value).startswith(message)
    assert caught.value.column == column


def test_text_after_a_space_is_still_the_comment() -> None:
    result = one("1d20 keep calm", [4])
    assert result.comment == "keep calm"
    assert result.notes == ()
    assert one("1d20 floor(2)", [4]).comment == "floor(2)"


@pytest.mark.parametrize(
    ("text", "error"),
    [
        ("7 % 0", "modulo by zero"),
        ("1 / (1d6 - 1d5)", "division by zero"),
        ("2 ^ 0.5", "whole exponent"),
        ("0 ^ -1", "division by zero"),
    ],
)
def test_impossible_arithmetic_is_a_dice_error(text: str, error: str) -> None:
    with pytest.raises(DiceError, match=error):
        roll(text, rng=Scripted([3, 3]))


@pytest.mark.parametrize("text", ["2 ^ 1000000000", "10 ^ 13", "1d6 ^ 99999", "3 ^ -100"])
def test_absurd_powers_are_a_limit_error_at_once(text: str) -> None:
    start = time.perf_counter()
    with pytest.raises(LimitError):
        roll(text, rng=random.Random(1))
    assert time.perf_counter() - start < 1


# -- computed counts and sides --------------------------------------------------------------


def test_computed_count_rolls_the_count_then_the_dice_and_shows_it() -> None:
    rng = Scripted([3, 2, 5, 1])
    result = roll("(1d4)d6", rng=rng)
    assert isinstance(result, RollResult)
    assert rng.asked == [4, 6, 6, 6]
    assert result.total == 8
    assert [die.sides for die in result.dice] == [4, 6, 6, 6]
    assert result.render() == "(1d4 (3))d6 → 3d6 (2, 5, 1) = `8`"
    assert isinstance(parse("(1d4)d6").root, ComputedDice)


def test_computed_sides_and_constant_counts() -> None:
    rng = Scripted([12, 1, 4])
    result = roll("3d(2*6)", rng=rng)
    assert isinstance(result, RollResult)
    assert rng.asked == [12, 12, 12]
    assert result.total == 17
    assert result.render() == "3d(2 * 6) → 3d12 (12, 1, 4) = `17`"
    assert one("(2+2)d6kh1", [1, 6, 2, 3]).total == 6


def test_a_computed_d20_can_crit() -> None:
    result = one("1d(4*5)", [20])
    assert result.crit
    assert "**20**" in result.render()


def test_computed_dice_obey_the_limits_at_roll_time() -> None:
    with pytest.raises(LimitError, match="0 to 1,000, not 4,000"):
        roll("(1d4 * 1000)d6", rng=Scripted([4]))
    with pytest.raises(LimitError, match="1,000 dice"):
        roll("(1d4 * 250)d6 + 500d6", rng=Scripted([3]))
    with pytest.raises(LimitError, match="sides"):
        roll("1d(1000 * 1001)", rng=random.Random(1))
    with pytest.raises(DiceError, match="whole"):
        roll("(5 * 0.5)d6", rng=random.Random(1))
    with pytest.raises(LimitError, match="never end"):
        roll("1d(2 - 1)!", rng=random.Random(1))
    assert one("(1d4 - 1)d6", [1]).total == 0


def test_computed_bounds() -> None:
    expression = parse("(1d4)d6")
    assert (expression.minimum, expression.maximum) == (1, 24)


# -- pool modifiers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "faces", "total", "normal"),
    [
        ("2d20kh", [4, 15], 15, "2d20kh1"),
        ("2d20kl", [4, 15], 4, "2d20kl1"),
        ("2d20k", [4, 15], 15, "2d20kh1"),
        ("20d20dh", [5] * 19 + [20], 95, "20d20dh1"),
        ("4d6dl", [3, 1, 4, 6], 13, "4d6dl1"),
        ("4d6d", [3, 1, 4, 6], 13, "4d6dl1"),
        ("4d6d+1", [3, 1, 4, 6], 14, "4d6dl1 + 1"),
        ("4d6min3", [1, 2, 5, 6], 17, "4d6mi3"),
        ("4d6max2", [1, 2, 5, 6], 7, "4d6ma2"),
        ("1D20", [7], 7, "1d20"),
        ("D6", [2], 2, "1d6"),
        ("3df", [1, 2, 3], 0, "3dF"),
        ("0d6", [], 0, "0d6"),
        ("6d6even", [1, 2, 3, 4, 5, 6], 3, "6d6even"),
        ("6d6odd", [1, 1, 3, 4, 5, 6], 4, "6d6odd"),
        ("6d6<>1", [1, 2, 3, 1, 5, 6], 4, "6d6<>1"),
        ("{1, 2, 3}!=2", [], 2, "{1, 2, 3}<>2"),
        ("4d6s", [3, 1, 4, 6], 14, "4d6s"),
        ("4d6sd", [3, 1, 4, 6], 14, "4d6sd"),
        ("4d6sa", [3, 1, 4, 6], 14, "4d6s"),
    ],
)
def test_pool_forms(text: str, faces: list[int], total: int, normal: str) -> None:
    result = one(text, faces)
    assert result.total == total
    assert parse(text).text == normal
    assert parse(normal).root == parse(text).root


def test_bare_r_and_ro_reroll_the_lowest_face() -> None:
    result = one("2d6r", [1, 4, 1, 3])
    assert [(d.face, d.flags) for d in result.dice] == [(1, R), (1, R), (3, DieFlag(0)), (4, 0)]
    assert result.total == 7
    once = one("2d6ro", [1, 4, 1])
    assert once.total == 5
    fate = one("1dFr", [1, 2])
    assert [d.face for d in fate.dice] == [-1, 0]


def test_sorting_changes_only_the_display() -> None:
    result = one("4d6sd", [3, 1, 4, 6])
    assert [die.face for die in result.dice] == [3, 1, 4, 6]
    assert result.render() == "4d6sd (6, 4, 3, 1) = `14`"
    assert one("4d6kh3s", [3, 1, 4, 6]).render() == "4d6kh3s (~~1~~, 3, 4, 6) = `13`"


def test_unique_rerolls_repeated_faces() -> None:
    result = one("3d6u", [2, 2, 5, 5, 2, 1])
    assert [(d.face, d.flags) for d in result.dice] == [
        (2, DieFlag(0)),
        (2, R),
        (5, DieFlag(0)),
        (5, R),
        (2, R),
        (1, DieFlag(0)),
    ]
    assert result.total == 8
    with pytest.raises(LimitError, match="different faces"):
        parse("7d6u")
    with pytest.raises(LimitError, match="100 rerolls"):
        roll("2d6u", rng=Scripted([3] * 102))


def test_custom_faces() -> None:
    rng = Scripted([6, 1])
    result = roll("2d[2,2,4,4,6,7]", rng=rng)
    assert isinstance(result, RollResult)
    assert rng.asked == [6, 6]
    assert [die.face for die in result.dice] == [7, 2]
    assert all(die.custom for die in result.dice)
    assert result.total == 9
    assert result.render() == "2d[2,2,4,4,6,7] (7, 2) = `9`"
    fudge = parse("2d[-1,0,0,1]")
    assert (fudge.minimum, fudge.maximum) == (-2, 2)
    exploding = one("1d[1,3,3]!", [3, 2, 1])
    assert [d.face for d in exploding.dice] == [3, 3, 1]
    with pytest.raises(LimitError, match="never end"):
        parse("1d[4,4]!")
    with pytest.raises(LimitError, match="custom faces"):
        parse("1d[" + ",".join(["1"] * 101) + "]")


def test_foundry_x_and_xo() -> None:
    chain = one("1d6x", [6, 6, 2])
    assert [d.flags for d in chain.dice] == [X, X, DieFlag(0)]
    once = one("1d6xo", [6, 6])
    assert [d.flags for d in once.dice] == [X, DieFlag(0)]
    assert once.total == 12
    assert one("2d6xo>4", [5, 1, 5]).total == 11
    assert parse("3d6xo").text == "3d6xo"


def test_even_odd_and_not_equal_count_successes() -> None:
    result = one("4d6even", [2, 3, 6, 5])
    assert [d.flags & S for d in result.dice] == [S, 0, S, 0]
    assert result.render() == "4d6even (**2**, 3, **6**, 5) = `2` successes"


def test_bang_equals_after_dice_still_explodes() -> None:
    assert one("2d6!=4", [4, 1, 3]).total == 8


# -- several rolls, comments --------------------------------------------------------------


def test_semicolons_give_several_results_each_with_its_comment() -> None:
    rng = Scripted([15, 3, 4])
    rolled = roll("1d20+5 attack; 2d6 damage", rng=rng)
    assert isinstance(rolled, RollSet)
    assert [r.total for r in rolled.results] == [20, 7]
    assert [r.comment for r in rolled.results] == ["attack", "damage"]
    assert rolled.render() == "**attack:** 1d20 (15) + 5 = `20`\n**damage:** 2d6 (3, 4) = `7`"
    assert rolled.expression == "1d20 + 5; 2d6"


def test_semicolon_limits() -> None:
    with pytest.raises(LimitError, match="20 rolls"):
        parse(";".join(["1d6"] * 21))
    with pytest.raises(LimitError, match="1,000 dice"):
        parse("600d6; 600d6")
    with pytest.raises(ParseError, match="not both"):
        parse("1d6; 2#1d6")
    with pytest.raises(ParseError, match="unexpected end of input") as caught:
        parse("1d6;")
    assert caught.value.column == 5
    assert roll("2d6[a;b]", rng=Scripted([1, 2])).results[0].total == 3


@pytest.mark.parametrize(
    ("text", "comment"),
    [
        ("1d20 // sneak attack", "sneak attack"),
        ("1d20//sneak", "sneak"),
        ("1d20 /* sneak */", "sneak"),
        ("1d20+2 /* a */ b", "a b"),
    ],
)
def test_slash_comments(text: str, comment: str) -> None:
    result = one(text, [5])
    assert result.comment == comment


def test_double_slash_is_a_comment_in_nazh() -> None:
    result = one("10 // 4", [])
    assert (result.total, result.comment) == (10, "4")


# -- notes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("10d10>6", '`>6` read as "more than 6"; Roll20 reads "6 or more"'),
        ("4d6k3", '`k3` read as "keep the highest 3"; Avrae reads "keep the 3s"'),
        ("2d6r1", "Foundry reads"),
        ("3d6e6", "Dice Maiden reads"),
        ("7 / 2", "Roll20 keeps the fraction"),
        ("1d20 // x", "Avrae reads"),
        ("4d6 k3", '"k3" was read as the comment'),
        ("1 == 2", '"== 2" was read as the comment'),
        ("1d20 mod 2", '"mod 2" was read as the comment'),
    ],
)
def test_notes_say_how_a_form_was_read(text: str, fragment: str) -> None:
    notes = parse(text).notes
    assert any(fragment in note for note in notes), notes


def test_plain_rolls_have_no_notes() -> None:
    assert parse("4d6kh3 + 2 stats").notes == ()
    assert parse("10d10>=7").notes == ()
