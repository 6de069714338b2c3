"""Starting a build from a saved roll's expression: what the builder holds, what it leaves out."""

from __future__ import annotations

import pytest

from nazh import dice
from nazh.builder import Build, Term
from nazh.builder.model import MAX_TERMS
from nazh.builder.saved import load
from nazh.dice import FATE


@pytest.mark.parametrize(
    ("text", "build"),
    [
        ("1d20+7 attack", Build((Term(20),), 7, label="attack")),
        ("2d20kh1 + 1d4 + 5", Build((Term(20, 2, 1), Term(4)), 5)),
        ("1d20+5 adv to hit", Build((Term(20, 2, 1),), 5, label="to hit")),
        ("4d6kh3", Build((Term(6, 4, 3),))),
        ("4d6dl1", Build((Term(6, 4, 3),))),
        ("4d6dh1", Build((Term(6, 4, -3),))),
        ("4d6kh4", Build((Term(6, 4),))),
        ("3d6!kh2", Build((Term(6, 3, 2, explode=True),))),
        ("4dF + 2", Build((Term(FATE, 4),), 2)),
        ("d% - 10", Build((Term(100),), -10)),
        ("4d6s", Build((Term(6, 4),))),
        ("1d6 + 2d6 + 1", Build((Term(6, 3),), 1)),
        ("-3 + 1d4", Build((Term(4),), -3)),
        ("2d6[fire] + (1d4 + 2)", Build((Term(6, 2), Term(4)), 2)),
        ("1d8+0 radiant", Build((Term(8),), label="radiant")),
    ],
)
def test_what_a_build_can_hold_is_loaded_whole(text: str, build: Build) -> None:
    loaded = load(dice.parse(text))
    assert loaded.left_out == ()
    assert loaded.build == build
    assert dice.parse(loaded.build.text).comment == (build.label or None)


@pytest.mark.parametrize(
    ("text", "notation", "left_out"),
    [
        ("1d20 - 1d4 + 3", "1d20 + 3", ("- 1d4",)),
        ("max(1d6, 1d8) + 2", "2", ("max(1d6, 1d8)",)),
        ("-(1d4 + 2) + 1d6", "1d6 - 2", ("- 1d4",)),
        ("3d6kh2!", "", ("3d6kh2!",)),
        ("1d6! + 1d6", "1d6!", ("1d6",)),
        ("2d20kh1 + 1d20", "2d20kh1", ("1d20",)),
        ("4d6!dl1", "", ("4d6!dl1",)),
        ("2d6 * 2", "", ("2d6 * 2",)),
        ("1.5 + 1d4", "1d4", ("1.5",)),
        ("4d6ro1", "", ("4d6ro1",)),
        ("6#4d6kh3", "4d6kh3", ("6#",)),
        ("1d20 + 5; 2d6 + 3", "1d20 + 5", ("2d6 + 3",)),
    ],
)
def test_what_a_build_cannot_hold_is_left_out_and_named(
    text: str, notation: str, left_out: tuple[str, ...]
) -> None:
    loaded = load(dice.parse(text))
    assert loaded.build.notation == notation
    assert loaded.left_out == left_out


def test_a_comment_that_would_read_as_dice_is_left_out() -> None:
    loaded = load(dice.parse("1d20 // + 5 crit"))
    assert loaded.build == Build((Term(20),))
    assert loaded.left_out == ("+ 5 crit",)


def test_a_comment_alone_is_not_kept() -> None:
    loaded = load(dice.parse("2d6 * 2 double"))
    assert loaded.build.empty
    assert loaded.build.label == ""


def test_kinds_of_dice_past_the_builds_limit_are_left_out() -> None:
    sizes = range(2, 2 + MAX_TERMS + 2)
    loaded = load(dice.parse(" + ".join(f"1d{size}" for size in sizes)))
    assert [term.sides for term in loaded.build.terms] == list(sizes)[:MAX_TERMS]
    assert loaded.left_out == tuple(f"1d{size}" for size in list(sizes)[MAX_TERMS:])


def test_a_roll_read_in_another_dialect_loads_what_it_means() -> None:
    loaded = load(dice.parse("4d6d1", "roll20"))
    assert loaded.build == Build((Term(6, 4, 3),))
