"""Macros (saved rolls) read by the parser: parameters, nesting, cycles, labels, limits."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest
from dice_support import Scripted

from nazh.dice import DiceError, Expression, LimitError, ParseError, RollResult, RollSet, roll
from nazh.dice.dialects import get_dialect
from nazh.dice.functions import builtin
from nazh.dice.macros import MAX_MACRO_DEPTH, Macro, MacroError, Param

if TYPE_CHECKING:
    from nazh.dice.functions import Function, Resolver


def resolver(*macros: Macro) -> Resolver:
    table = {macro.label: macro for macro in macros}

    def resolve(name: str) -> Function | Macro | None:
        return builtin(name) or table.get(name)

    return resolve


def parse(text: str, *macros: Macro, dialect: str = "nazh") -> Expression:
    return Expression.from_text(text, get_dialect(dialect), resolver(*macros))


ATTACK = Macro.define("attack", "1d20+7 attack")
DAMAGE = Macro.define("dmg", "1d8+4")
SMITE = Macro.define("smite", "{level=1}d8+{bonus=0} radiant")


def test_define_finds_parameters_in_order_with_their_defaults() -> None:
    macro = Macro.define("Smite", "{Level=1}d8+{bonus}+{level}")
    assert macro.name == "smite"
    assert macro.params == (Param("level", "1"), Param("bonus", None))
    assert macro.signature == "smite(level=1, bonus)"
    assert Macro.define("plain", "1d20").signature == "plain"


@pytest.mark.parametrize(
    ("text", "reason"),
    [("{n=1}d6+{n=2}", "two defaults"), ("{n=}d6", "default of `n` is empty")],
)
def test_define_refuses_conflicting_or_empty_defaults(text: str, reason: str) -> None:
    with pytest.raises(MacroError, match=reason):
        Macro.define("bad", text)


@pytest.mark.parametrize(
    ("call", "expanded"),
    [
        ("smite", "1d8 + 0"),
        ("smite()", "1d8 + 0"),
        ("smite(3)", "3d8 + 0"),
        ("smite(3, 2)", "3d8 + 2"),
        ("smite(level=3, bonus=2)", "3d8 + 2"),
        ("smite(bonus=2)", "1d8 + 2"),
        ("smite(4, bonus=1d4)", "4d8 + (1d4)"),
        ("smite(1+1)", "(1 + 1)d8 + 0"),
    ],
)
def test_arguments_bind_by_position_name_or_default(call: str, expanded: str) -> None:
    expression = parse(call, SMITE)
    assert expression.text == expanded
    assert expression.comment == "radiant"


@pytest.mark.parametrize(
    ("call", "message"),
    [
        ("req", "`req` needs `n`"),
        ("smite(lvl=2)", "`smite` has no parameter `lvl`"),
        ("smite(1, 2, 3)", "`smite` takes 2 arguments, not 3"),
        ("smite(2, level=3)", "`level` is given twice"),
    ],
)
def test_a_bad_call_says_which_argument_and_shows_the_saved_roll(call: str, message: str) -> None:
    required = Macro.define("req", "{n}d6")
    with pytest.raises(MacroError) as caught:
        parse(call, SMITE, required)
    first, shown = str(caught.value).split("\n")
    assert first == message
    assert shown in ("smite = {level=1}d8+{bonus=0} radiant", "req = {n}d6")


def test_a_saved_roll_alone_rolls_its_expansion_under_its_comment() -> None:
    result = roll(parse("attack", ATTACK), rng=Scripted([13]))
    assert isinstance(result, RollResult)
    assert result.total == 20
    assert result.render() == "**attack:** 1d20 (13) + 7 = `20`"


def test_a_saved_roll_without_a_comment_is_labelled_by_its_name() -> None:
    assert parse("dmg", DAMAGE).comment == "dmg"
    assert parse("dmg hits hard", DAMAGE).comment == "hits hard"


def test_a_saved_roll_is_a_value_inside_an_expression() -> None:
    expression = parse("attack + 1d4", ATTACK)
    assert expression.text == "(1d20 + 7)[attack] + 1d4"
    assert expression.comment == "attack"
    result = roll(expression, rng=Scripted([10, 3]))
    assert isinstance(result, RollResult)
    assert result.total == 20
    assert [die.face for die in result.dice] == [10, 3]
    both = roll(parse("max(attack, attack) + dmg", ATTACK, DAMAGE), rng=Scripted([4, 15, 6]))
    assert isinstance(both, RollResult)
    assert both.total == 15 + 7 + 6 + 4


def test_a_saved_roll_repeats_and_sits_among_several_rolls() -> None:
    repeated = roll(parse("2#attack", ATTACK), rng=Scripted([1, 20]))
    assert isinstance(repeated, RollSet)
    assert [r.total for r in repeated.results] == [8, 27]
    several = parse("1d20 to hit; dmg", DAMAGE)
    assert [part.text for part in several.parts] == ["1d20", "1d8 + 4"]
    assert [part.comment for part in several.parts] == ["to hit", "dmg"]


def test_a_saved_repetition_or_several_rolls_roll_only_on_their_own() -> None:
    stats = Macro.define("stats", "6#4d6kh3 stats")
    combo = Macro.define("combo", "1d20+7 to hit; 2d6+3 damage")
    wrapped = Macro.define("wrap", "stats")
    assert parse("stats", stats).repeat == 6
    assert parse("wrap", stats, wrapped).repeat == 6
    both = parse("combo", combo)
    assert [part.comment for part in both.parts] == ["to hit", "damage"]
    assert [part.comment for part in parse("combo now", combo).parts] == ["to hit", "damage"]
    for text, kind in (("stats + 1", "a repeated roll"), ("1d4 + combo", "several rolls")):
        with pytest.raises(MacroError, match=f"is {kind}: roll it on its own"):
            parse(text, stats, combo)
    with pytest.raises(MacroError, match="roll it on its own"):
        parse("2#stats", stats)


def test_saved_rolls_nest_up_to_the_limit() -> None:
    chain = [Macro.define(f"m{i}", f"m{i + 1}+1") for i in range(MAX_MACRO_DEPTH - 1)]
    chain.append(Macro.define(f"m{MAX_MACRO_DEPTH - 1}", "1d6"))
    assert parse("m0", *chain).text == "(((1d6[m4] + 1)[m3] + 1)[m2] + 1)[m1] + 1"
    deeper = [*chain[:-1], Macro.define(f"m{MAX_MACRO_DEPTH - 1}", "m99"), Macro.define("m99", "1")]
    with pytest.raises(LimitError, match=f"at most {MAX_MACRO_DEPTH} deep: m0 → m1"):
        parse("m0", *deeper)


def test_a_cycle_is_a_clear_error() -> None:
    first, second = Macro.define("a", "b+1"), Macro.define("b", "1d6+a")
    with pytest.raises(MacroError, match="`a` uses itself: a → b → a"):
        parse("a", first, second)
    with pytest.raises(MacroError, match="`me` uses itself: me → me"):
        parse("me", Macro.define("me", "me"))


def test_an_exponential_expansion_is_refused_quickly() -> None:
    body = "+".join(["x"] * 10)
    macros = [
        Macro.define(name, body.replace("x", inner))
        for name, inner in zip("pqrs", "qrst", strict=True)
    ]
    with pytest.raises(LimitError, match="expand to at most"):
        parse("p", *macros, Macro.define("t", "1"))


def test_an_error_in_a_saved_roll_names_it_and_shows_its_text() -> None:
    with pytest.raises(ParseError) as caught:
        parse("bad + 1", Macro.define("bad", "1d20+"))
    assert str(caught.value).startswith("unexpected end of input in the saved roll `bad`")
    assert "1d20+" in caught.value.hint


def test_an_unknown_name_says_so() -> None:
    with pytest.raises(ParseError, match="`attack` is not dice, a function or a saved roll"):
        parse("attack + 2")
    with pytest.raises(ParseError, match="unknown function `attack`"):
        parse("attack(2)")


def test_names_with_hyphens_and_qualified_names() -> None:
    sneak = Macro.define("sneak-attack", "3d6")
    server = Macro.define("attack", "1d20+5", qualifier="server:")
    assert parse("sneak-attack", sneak).text == "3d6"
    assert parse("sneak-attack-2", sneak).text == "3d6[sneak-attack] - 2"
    assert parse("attack-2", ATTACK).text == "(1d20 + 7)[attack] - 2"
    assert parse("server:attack", server).text == "1d20 + 5"
    with pytest.raises(MacroError, match="`server:attack` uses itself"):
        parse("server:attack", Macro.define("attack", "server:attack", qualifier="server:"))


def test_words_that_read_as_dice_stay_dice() -> None:
    shadow = Macro.define("d20", "1")
    assert parse("d20", shadow).text == "1d20"
    assert parse("1d20 attack", ATTACK).comment == "attack"


def test_advantage_by_keyword_reaches_the_d20_of_a_saved_roll() -> None:
    expression = parse("attack adv", ATTACK)
    assert expression.text == "2d20kh1 + 7"
    with pytest.raises(ParseError, match="advantage needs a plain `1d20`"):
        parse("dmg adv", DAMAGE)


def test_a_saved_roll_reads_in_the_callers_dialect() -> None:
    half = Macro.define("half", "{n=7}/2")
    floored = roll(parse("half", half))
    exact = roll(parse("half", half, dialect="roll20"))
    assert isinstance(floored, RollResult)
    assert isinstance(exact, RollResult)
    assert (floored.total, exact.total) == (3, 3.5)


def test_a_macro_error_is_a_dice_error() -> None:
    assert issubclass(MacroError, DiceError)
