"""The engine around the dialects' readings: text that reads back, bounds, notes, odds
refusals, errors, and `;` inside a comment."""

from __future__ import annotations

import random
import re

import pytest

from nazh.dice import DiceError, LimitError, ParseError, RollResult, RollSet, parse, roll
from nazh.dice.odds import check_odds
from tests.dice.dice_support import Scripted

FORMS = [
    ("avrae", "1d20+5>=15"),
    ("avrae", "3d6 == 10"),
    ("avrae", "3d%"),
    ("avrae", "(4d6)kh2"),
    ("roll20", "{3d20+5}>21"),
    ("roll20", "{4d6+3d8}k4"),
    ("roll20", "2d6k1r1"),
    ("foundry", "4d20cs>10"),
    ("foundry", "4d6cf<3"),
    ("foundry", "6d10cs>=6cf1"),
    ("foundry", "2d10x1=10"),
    ("foundry", "3#1d6"),
    ("dicemaiden", "6d10 t7 f1"),
    ("dicemaiden", "10d6 e6 k8 +4"),
    ("dicemaiden", "4d6 ie6"),
    ("dicemaiden", "4d6 r2 b1"),
    ("dicemaiden", "3 4d6 k3"),
    ("rpg-dice-roller", "3d10k1d1"),
    ("rpg-dice-roller", "4d6d1!"),
    ("rpg-dice-roller", "3x 2d6"),
]


@pytest.mark.parametrize(("dialect", "text"), FORMS)
def test_the_normalised_text_reads_back_to_the_same_roll(dialect: str, text: str) -> None:
    expression = parse(text, dialect)
    again = parse(expression.text, dialect)
    assert (again.root, again.repeat) == (expression.root, expression.repeat)


@pytest.mark.parametrize(("dialect", "text"), FORMS)
def test_every_total_lies_within_the_bounds(dialect: str, text: str) -> None:
    expression = parse(text, dialect)
    rng = random.Random(7)
    for _ in range(200):
        result = roll(expression, rng=rng)
        results = result.results if isinstance(result, RollSet) else (result,)
        for one in results:
            assert expression.minimum <= one.total <= expression.maximum
            one.render()


def test_a_keep_then_drop_among_every_die_can_keep_a_die() -> None:
    expression = parse("3d10k1d1", "rpg-dice-roller")
    assert (expression.minimum, expression.maximum) == (0, 10)


@pytest.mark.parametrize(
    ("dialect", "text", "refusal"),
    [
        ("roll20", "{4d6}kh2", "dice of a group"),
        ("foundry", "2d10x1=10", "capped"),
        ("rpg-dice-roller", "3d10k1d1", "among dropped dice"),
    ],
)
def test_exact_odds_refuse_the_forms_they_do_not_model(
    dialect: str, text: str, refusal: str
) -> None:
    with pytest.raises(DiceError, match=re.escape(refusal)):
        check_odds(text, dialect)


@pytest.mark.parametrize(
    ("dialect", "text", "fragment"),
    [
        ("avrae", "1d20+5>=15", '`>=` read as "compare the totals'),
        ("avrae", "1d%", "tens die"),
        ("nazh", "1d%", "Avrae reads a tens die"),
        ("dicemaiden", "4d6 r2", '`r2` read as "2 or less"'),
        ("nazh", "4d6r2", 'Dice Maiden reads "2 or less"'),
        ("dicemaiden", "4d6 k3", "`k3` read as a modifier of every dice term"),
        ("dicemaiden", "6 4d6", '"roll 6 times"'),
        ("dicemaiden", "4d6! fire", "`!` read as the start of a comment"),
        ("foundry", "4d20cs>10", '`cs` read as "count successes"'),
        ("nazh", "4d20cs>10", "Foundry counts successes"),
        ("foundry", "2d10x2=10", '"explode on 10, at most 2 times"'),
        ("nazh", "2d10x2=10", "Foundry reads"),
        ("foundry", "6#4d6", "`#` read as the start of a comment"),
        ("nazh", "6#4d6", '`#` read as "repeat"'),
        ("roll20", "{4d6}kh2", "chose among its dice"),
        ("nazh", "{4d6}kh2", "Roll20 chooses among its dice"),
        ("roll20", "{3d20+5}>21", "tested each die"),
        ("roll20", "2d6k1r1", "modifiers applied in Roll20's order"),
        ("rpg-dice-roller", "3d10k1d1", "chose among every die"),
        ("nazh", "3d10k1d1", "rpg-dice-roller chooses among every die"),
    ],
)
def test_notes_name_the_reading_taken_and_the_other(dialect: str, text: str, fragment: str) -> None:
    notes = parse(text, dialect).notes
    assert any(fragment in note for note in notes), notes


def test_a_point_at_the_die_s_extreme_needs_no_note() -> None:
    assert not any("or more" in note for note in parse("3d6 e6", "dicemaiden").notes)
    assert any("or more" in note for note in parse("3d6 e5", "dicemaiden").notes)
    assert not any("or less" in note for note in parse("4d6r1").notes)


def test_the_order_written_gets_no_note_when_it_is_the_fixed_order() -> None:
    assert not any("order" in note for note in parse("2d6r1k1", "roll20").notes)


def test_roll20_counts_each_die_plus_the_number_as_successes() -> None:
    result = roll("{3d6+1}<3", rng=Scripted([1, 2, 4]), dialect="roll20")
    assert isinstance(result, RollResult)
    assert (result.total, result.successes) == (2, 2)
    assert "`2` successes" in result.render()


def test_a_group_keep_strikes_the_dropped_dice() -> None:
    result = roll("{2d6+2d8}kh2", rng=Scripted([1, 4, 2, 8]), dialect="roll20")
    assert isinstance(result, RollResult)
    assert result.render().count("~~") == 4


def test_a_group_of_one_roll_with_math_the_dialect_cannot_split_is_an_error() -> None:
    with pytest.raises(ParseError, match="dice and numbers added together"):
        parse("{4d6*2}kh2", "roll20")
    with pytest.raises(ParseError, match="dice and numbers added together"):
        parse("{1d20-1d4}>10", "roll20")


def test_a_comma_makes_a_set_whose_total_is_kept_in_avrae() -> None:
    result = roll("(4d6,)kh1", rng=Scripted([1, 2, 3, 4]), dialect="avrae")
    assert isinstance(result, RollResult)
    assert result.total == 10


@pytest.mark.parametrize(
    ("text", "total"),
    [("3d6 == 10", 1), ("3d6 != 10", 0), ("3d6 < 10", 0), ("1 < 2 < 3", 1), ("2 > 1 + 1", 0)],
)
def test_avrae_comparisons_bind_loosest_and_chain_left(text: str, total: int) -> None:
    faces = [3, 3, 4] if "d" in text else []
    result = roll(text, rng=Scripted(faces), dialect="avrae")
    assert isinstance(result, RollResult)
    assert result.total == total


def test_dicemaiden_options_apply_to_every_dice_term() -> None:
    result = roll("2d6 + 1d8 k1", rng=Scripted([2, 5, 7]), dialect="dicemaiden")
    assert isinstance(result, RollResult)
    assert result.total == 5 + 7


def test_dicemaiden_keeps_a_sum_after_its_options() -> None:
    result = roll("2d6 k1 + 4", rng=Scripted([2, 5]), dialect="dicemaiden")
    assert isinstance(result, RollResult)
    assert result.total == 9


def test_dicemaiden_b_marks_botches_without_changing_the_total() -> None:
    result = roll("3d10 b1", rng=Scripted([1, 5, 1]), dialect="dicemaiden")
    assert isinstance(result, RollResult)
    assert result.total == 7


@pytest.mark.parametrize("text", ["4d6 kill it", "4d6 fire", "4d6 t", "1d20 keep", "2d6 k1x"])
def test_dicemaiden_words_that_are_not_options_are_the_comment(text: str) -> None:
    expression = parse(text, "dicemaiden")
    assert expression.comment == text.split(" ", 1)[1]


@pytest.mark.parametrize(
    ("text", "error"),
    [("1 4d6", ParseError), ("21 4d6", LimitError), ("4d6 ie1", LimitError)],
)
def test_dicemaiden_limits(text: str, error: type[DiceError]) -> None:
    with pytest.raises(error):
        parse(text, "dicemaiden")


def test_dicemaiden_count_before_words_is_no_repetition() -> None:
    expression = parse("20 goblins", "dicemaiden")
    assert (expression.repeat, expression.comment) == (1, "goblins")


def test_foundry_capped_explosions_stop_at_the_cap_across_the_pool() -> None:
    result = roll("3d10x2>=9", rng=Scripted([9, 10, 10, 9, 3]), dialect="foundry")
    assert isinstance(result, RollResult)
    assert result.total == 9 + 9 + 3 + 10 + 10


def test_elsewhere_x_with_a_number_then_a_comparison_counts_successes() -> None:
    result = roll("1d10x10>=8", rng=Scripted([10, 8]), dialect="nazh")
    assert isinstance(result, RollResult)
    assert result.total == 2


# -- `;` inside a comment -------------------------------------------------------------------


def test_a_part_after_a_semicolon_that_is_no_roll_joins_the_comment() -> None:
    result = roll("1d20 attack; then run", rng=Scripted([12]))
    assert isinstance(result, RollResult)
    assert (result.total, result.comment) == (12, "attack; then run")


def test_parts_that_start_like_rolls_stay_separate_rolls() -> None:
    result = roll("1d20+5 hit; 2d6+3 dmg", rng=Scripted([10, 1, 2]))
    assert isinstance(result, RollSet)
    assert result.totals == (15, 6)
    assert [r.comment for r in result.results] == ["hit", "dmg"]


def test_a_part_after_a_roll_without_comment_must_be_a_roll() -> None:
    with pytest.raises(ParseError):
        parse("1d20; then run")


def test_a_comment_may_swallow_several_parts() -> None:
    expression = parse("1d20 a; b; c; 2d6 d")
    assert [part.comment for part in expression.parts] == ["a; b; c", "d"]
