"""Game-system calls read by the parser and rolled by the engine, alone, repeated, saved."""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from dice_support import Scripted

from nazh.dice import DiceError, Expression, ParseError, RollSet, distribution, roll
from nazh.dice.dialects import get_dialect
from nazh.dice.functions import builtin
from nazh.dice.macros import Macro, MacroError
from nazh.dice.results import SystemResult
from nazh.dice.systems import SYSTEMS, split_call

if TYPE_CHECKING:
    from nazh.dice.functions import Function


def system_result(text: str, faces: list[int]) -> SystemResult:
    result = roll(text, rng=Scripted(faces))
    assert isinstance(result, SystemResult)
    return result


def test_a_system_call_is_a_whole_roll_with_an_outcome() -> None:
    result = system_result("fitd(3) sneaking past", [2, 5, 6])
    assert result.outcome.name == "success"
    assert result.render() == "**sneaking past:** fitd(3) (2, 5, **6**) = **success**"
    assert [(die.sides, die.face) for die in result.dice] == [(6, 2), (6, 5), (6, 6)]
    assert result.expression == "fitd(3)"
    pbta = system_result("pbta(+1)", [4, 5])
    assert (pbta.total, pbta.outcome.name) == (10, "strong hit")
    assert pbta.outcome.rank > system_result("pbta(1)", [1, 2]).outcome.rank


def test_a_bare_system_name_and_a_case_insensitive_one() -> None:
    assert system_result("dndstats", [3] * 24).roll.total == 6 * 9
    assert system_result("FITD(1)", [6]).outcome.name == "success"


def test_repeated_and_several_system_rolls() -> None:
    rolled = roll("3#fitd(1) go", rng=Scripted([1, 4, 6]))
    assert isinstance(rolled, RollSet)
    names = [r.outcome.name for r in rolled.results if isinstance(r, SystemResult)]
    assert names == ["failure", "partial success", "success"]
    assert rolled.render().splitlines()[0] == "**go:** fitd(1) (**1**) = **failure**"
    mixed = roll("fitd(1); 1d6", rng=Scripted([6, 3]))
    assert isinstance(mixed, RollSet)
    assert mixed.render().splitlines() == ["fitd(1) (**6**) = **success**", "1d6 (3) = `3`"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("fitd(3)+1", "a system's roll is a whole roll"),
        ("1 + fitd(2)", "`fitd` is a game system's roll: roll it on its own"),
        ("fitd(3", "`)` to close the call"),
        ("fitd(x)", "must be a whole number, not `x`"),
        ("pbta(1, 2)", "pbta takes 0 to 1 argument, not 2"),
    ],
)
def test_bad_system_calls_say_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(DiceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        roll(text)


def test_a_saved_roll_may_be_a_system_call_with_parameters() -> None:
    sneak = Macro.define("sneak", "fitd({dice=2}) sneak")
    table = {"sneak": sneak}

    def resolve(name: str) -> Function | Macro | None:
        return builtin(name) or table.get(name)

    expression = Expression.from_text("sneak(3)", get_dialect("nazh"), resolve)
    assert expression.system is not None
    assert expression.text == "fitd(3)"
    assert expression.comment == "sneak"
    repeated = Expression.from_text("2#sneak", get_dialect("nazh"), resolve)
    assert repeated.repeat == 2
    with pytest.raises(MacroError, match="is a game system's roll: roll it on its own"):
        Expression.from_text("sneak + 1", get_dialect("nazh"), resolve)


def test_a_system_call_parses_in_every_dialect() -> None:
    for dialect in ("nazh", "roll20", "avrae", "foundry", "dicemaiden", "rpg-dice-roller"):
        assert system_result_in(dialect).outcome.name == "strong hit"


def system_result_in(dialect: str) -> SystemResult:
    result = roll("pbta(0)", rng=Scripted([6, 6]), dialect=dialect)
    assert isinstance(result, SystemResult)
    return result


def test_an_unclosed_comment_after_a_call_is_still_a_comment() -> None:
    with pytest.raises(ParseError):
        roll("fitd(3)x")


@pytest.mark.parametrize(
    ("text", "call"),
    [("4cod", "cod(4)"), ("fitd2", "fitd(2)"), ("attack +5", "dnd(5)"), ("6yz", "yz(6)")],
)
def test_dice_maiden_shorthands_are_system_calls_in_its_dialect(text: str, call: str) -> None:
    expression = Expression.from_text(text, get_dialect("dicemaiden"))
    assert expression.system is not None
    assert expression.text == call
    assert expression.notes[0] == f"Dice Maiden's `{text}` read as `{call}`"
    with pytest.raises(DiceError):
        Expression.from_text(text, get_dialect("nazh"))


def test_a_saved_roll_beats_a_dice_maiden_shorthand() -> None:
    attack = Macro.define("attack", "1d20+7 attack")

    def resolve(name: str) -> Function | Macro | None:
        return builtin(name) or {"attack": attack}.get(name)

    expression = Expression.from_text("attack +5", get_dialect("dicemaiden"), resolve)
    assert expression.system is None
    assert expression.text == "(1d20 + 7)[attack] + 5"


def test_every_system_in_the_readme_table_rolls_as_that_system() -> None:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Game systems", 1)[1].split("\n## ", 1)[0]
    examples = re.findall(r"^\| `([^`]+)` \|", section, re.MULTILINE)
    assert sorted(split_call(e)[0] for e in examples) == sorted(SYSTEMS)
    for example in examples:
        result = roll(example)
        assert isinstance(result, SystemResult), example


def test_fate_dice_count_as_fate_dice_in_statistics() -> None:
    result = system_result("fate(+1)", [1, 2, 3, 3])
    assert [(die.sides, die.face) for die in result.dice] == [(0, -1), (0, 0), (0, 1), (0, 1)]
    assert result.roll.total == 2


def test_distributions_refuse_a_system_call_and_point_to_its_outcomes() -> None:
    with pytest.raises(DiceError, match="its exact odds are those of its outcomes"):
        distribution("fitd(3)")
