"""Parsing: normalised text, comments, errors with carets, limits, the syntax tree."""

from __future__ import annotations

import random

import pytest

from nazh.dice import DiceError, LimitError, ParseError, parse, roll
from nazh.dice.ast import Binary, Dice, Explode, Group, Keep, Labelled, Literal, Selector, Set
from nazh.dice.limits import MAX_DICE, MAX_INPUT_LENGTH, MAX_NESTING, MAX_REPEAT, MAX_SIDES


@pytest.mark.parametrize(
    ("text", "normalised"),
    [
        ("d20", "1d20"),
        ("1d20+5", "1d20 + 5"),
        ("  1d20   +   5  ", "1d20 + 5"),
        ("4d6k3", "4d6kh3"),
        ("4d6d1", "4d6dl1"),
        ("4d6p1", "4d6dl1"),
        ("4d6pl1", "4d6dl1"),
        ("4d6ph1", "4d6dh1"),
        ("4d6p<3", "4d6p<3"),
        ("4d6k=3", "4d6k=3"),
        ("2d6r<2", "2d6rr<2"),
        ("2d6ro=1", "2d6ro1"),
        ("3d6e6", "3d6!6"),
        ("3d6!>=5", "3d6!>=5"),
        ("3d6!!", "3d6!!"),
        ("3d6!p", "3d6!p"),
        ("4dF", "4dF"),
        ("d%", "1d%"),
        ("10d10>=7f1", "10d10>=7f1"),
        ("1d20cs>19cf<2", "1d20cs>19cf<2"),
        ("(1d4,2d6,3)kh1", "(1d4, 2d6, 3)kh1"),
        ("{ 4d6 , 3d8 }kh1", "{4d6, 3d8}kh1"),
        ("(1d6,)", "(1d6,)"),
        ("(4d6)kh1", "(4d6)kh1"),
        ("(1d8+4)*2", "(1d8 + 4) * 2"),
        ("6x 4d6kh3", "6#4d6kh3"),
        ("6x4d6kh3", "6#4d6kh3"),
        ("1#1d6", "1d6"),
        ("2d6[ fire ]", "2d6[fire]"),
        ("4dFk=-1", "4dFk=-1"),
        ("- -2", "--2"),
    ],
)
def test_normalised_text_reparses_to_itself(text: str, normalised: str) -> None:
    expression = parse(text)
    assert expression.text == normalised
    again = parse(normalised)
    assert again.text == normalised
    assert again.root == expression.root


def test_the_tree_is_reachable_and_typed() -> None:
    expression = parse("(4d6kh3 + 2)[str] * 2")
    root = expression.root
    assert isinstance(root, Binary)
    assert root.op == "*"
    assert root.right == Literal(2)
    labelled = root.left
    assert isinstance(labelled, Labelled)
    assert labelled.label == "str"
    group = labelled.operand
    assert isinstance(group, Group)
    inner = group.inner
    assert isinstance(inner, Binary)
    assert inner.left == Dice(4, 6, (Keep(Selector("h", 3)),))
    assert parse("3d6!").root == Dice(3, 6, (Explode(None, "explode"),))
    assert isinstance(parse("{1d6}").root, Set)


@pytest.mark.parametrize(
    ("text", "minimum", "maximum"),
    [
        ("1d20+5", 6, 25),
        ("4d6kh3", 3, 18),
        ("2d6 - 1d4", -2, 11),
        ("(1d8+4)*2", 10, 24),
        ("-1d6", -6, -1),
        ("10 / 1d4", 2, 10),
        ("4dF", -4, 4),
        ("10d10>=7", 0, 10),
        ("10d10>=7f1", -10, 10),
        ("(1d4, 2d6, 3)kh1", 3, 12),
        ("{1d4, 1d6}kl1", 1, 4),
        ("4d6mi3", 12, 24),
        ("4d6ma2", 4, 8),
        ("5", 5, 5),
    ],
)
def test_bounds(text: str, minimum: int, maximum: int) -> None:
    expression = parse(text)
    assert (expression.minimum, expression.maximum) == (minimum, maximum)


def test_parse_is_cached() -> None:
    assert parse("3d8+2") is parse("3d8+2")


@pytest.mark.parametrize(
    ("text", "column", "start"),
    [
        ("1d20y", 5, "unexpected `y` at column 5"),
        ("1d20+", 6, "unexpected end of input at column 6"),
        ("2d", 3, "unexpected end of input at column 3"),
        ("(1d20", 6, "unexpected end of input at column 6"),
        ("1d20 + x", 8, "`x` is not dice, a function or a saved roll at column 8"),
        ("1d20 - attack", 8, "`attack` is not dice, a function or a saved roll at column 8"),
        ("4d6k>", 6, "unexpected end of input at column 6"),
        ("1d20adv", 5, "unexpected `a` at column 5"),
        ("4d6kh3kh>", 10, "unexpected end of input"),
        ("1d6f1", 4, "unexpected `f` at column 4"),
        ("(2)d", 5, "unexpected end of input at column 5"),
        ("1d6 adv", 5, "advantage needs a plain `1d20`"),
        ("+d20 adv", 6, "advantage is already given"),
        ("d0", 2, "a die needs at least one side"),
        ("1.5d6", 1, "the number of dice must be whole"),
        ("0#1d6", 1, "a roll must repeat at least once"),
        ("2d6[]", 4, "empty label"),
        ("2d6[fire", 9, "unexpected end of input"),
        ("", 1, "unexpected end of input"),
        ("1d6 `", 1, None),
        ("1d6`", 4, "unexpected backtick at column 4"),
        ("1d20 ++", 8, "unexpected end of input"),
    ],
)
def test_parse_errors_point_at_the_column(text: str, column: int, start: str | None) -> None:
    if start is None:
        assert roll(text).comment == "`"
        return
    with pytest.raises(ParseError) as caught:
        parse(text)
    error = caught.value
    assert str(error).startswith(start)
    assert error.column == column
    excerpt, caret = error.hint.splitlines()
    assert caret == " " * (column - 1) + "^"
    assert excerpt == text.replace("`", "\u02cb")


def test_error_hints_cannot_close_the_code_block_they_are_shown_in() -> None:
    text = "1d20+```\n# big **bold** @everyone"
    with pytest.raises(ParseError) as caught:
        parse(text)
    excerpt, caret = caught.value.hint.splitlines()
    assert "`" not in excerpt
    assert excerpt[caret.index("^")] == "\u02cb"


def test_error_hints_never_echo_huge_input() -> None:
    text = "1d20+" + "1+" * 300 + "x" + "+1" * 100
    with pytest.raises(ParseError) as caught:
        parse(text)
    error = caught.value
    assert error.column == text.index("x") + 1
    assert len(str(error)) < 200
    excerpt, caret = error.hint.splitlines()
    assert excerpt[caret.index("^")] == "x"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1" * 2 + "d6" + " " * MAX_INPUT_LENGTH, "characters"),
        (f"{MAX_DICE + 1}d6", "1,000 dice"),
        (f"{MAX_DICE // 2 + 1}d6 + {MAX_DICE // 2}d6", "1,000 dice"),
        (f"2#{MAX_DICE // 2 + 1}d6", "1,000 dice"),
        (f"1d{MAX_SIDES + 1}", "sides"),
        (f"{MAX_REPEAT + 1}#1d6", "repetitions"),
        ("9999#1d6", "repetitions"),
        ("(" * (MAX_NESTING + 1) + "1" + ")" * (MAX_NESTING + 1), "nesting"),
        ("-" * (MAX_NESTING + 1) + "1", "nesting"),
        ("10000000000000", "numbers"),
        ("9" * 900, "numbers"),
        ("1d1!", "never end"),
        ("1d6!>0", "never end"),
        ("2d6rr<7", "never end"),
        ("4dFrr>=-1", "never end"),
        ("1000000 * 1000000 * 2", "results"),
    ],
)
def test_limits_raise_a_clear_limit_error(text: str, message: str) -> None:
    with pytest.raises(LimitError, match=message):
        parse(text)


def test_runtime_limits() -> None:
    with pytest.raises(LimitError, match="results"):
        roll("1000000000000 * (1d6 + 1)")
    with pytest.raises(LimitError, match="1,000 dice"):
        roll("1000d6!")
    with pytest.raises(LimitError, match="1,000 dice"):
        roll("20#50d2!")


class AlwaysMax(random.Random):
    """Every die shows its highest face."""

    def randint(self, a: int, b: int) -> int:
        return b


def test_explosion_and_reroll_chains_are_limited_per_die() -> None:
    with pytest.raises(LimitError, match="100 rerolls or explosions"):
        roll("1d6!", rng=AlwaysMax())
    with pytest.raises(LimitError, match="100 rerolls or explosions"):
        roll("1d6rr6", rng=AlwaysMax())
    with pytest.raises(LimitError, match="100 rerolls or explosions"):
        roll("1d6!!", rng=AlwaysMax())


def test_accepted_limits_are_inclusive() -> None:
    assert parse(f"{MAX_DICE}d6").maximum == MAX_DICE * 6
    assert parse(f"1d{MAX_SIDES}").maximum == MAX_SIDES
    assert parse(f"{MAX_REPEAT}#1d6").repeat == MAX_REPEAT
    nested = "(" * (MAX_NESTING - 1) + "1" + ")" * (MAX_NESTING - 1)
    assert parse(nested).maximum == 1
    long_chain = "+".join(["1"] * (MAX_INPUT_LENGTH // 2))
    assert len(long_chain) < MAX_INPUT_LENGTH
    assert roll(long_chain).results[0].total == MAX_INPUT_LENGTH // 2


def test_every_error_is_a_dice_error() -> None:
    assert issubclass(ParseError, DiceError)
    assert issubclass(LimitError, DiceError)
