"""The dialect table as data: names, lookup, leading tags, and the invariants of each field."""

from __future__ import annotations

import dataclasses

import pytest

from nazh.dice.dialects import (
    AVRAE,
    DIALECTS,
    DICEMAIDEN,
    FOUNDRY,
    MODIFIER_KINDS,
    NAZH,
    ROLL20,
    RPG_DICE_ROLLER,
    Dialect,
    dialect_names,
    get_dialect,
    split_dialect_tag,
)
from nazh.dice.errors import DiceError

ALL = (NAZH, AVRAE, ROLL20, FOUNDRY, DICEMAIDEN, RPG_DICE_ROLLER)


def test_dialects_lists_the_six_names_default_first() -> None:
    assert DIALECTS == ("nazh", "avrae", "roll20", "foundry", "dicemaiden", "rpg-dice-roller")
    assert [dialect.name for dialect in ALL] == list(DIALECTS)


@pytest.mark.parametrize("dialect", ALL, ids=DIALECTS)
def test_get_dialect_finds_each_by_name_in_any_case(dialect: Dialect) -> None:
    assert get_dialect(dialect.name) is dialect
    assert get_dialect(dialect.name.upper()) is dialect
    assert get_dialect(f"  {dialect.name.title()} ") is dialect


@pytest.mark.parametrize(
    ("alias", "dialect"),
    [
        ("dice-maiden", DICEMAIDEN),
        ("Dice_Maiden", DICEMAIDEN),
        ("maiden", DICEMAIDEN),
        ("rpgdiceroller", RPG_DICE_ROLLER),
        ("RPG_dice_roller", RPG_DICE_ROLLER),
        ("foundryvtt", FOUNDRY),
        ("Foundry-VTT", FOUNDRY),
        ("fvtt", FOUNDRY),
        ("R20", ROLL20),
    ],
)
def test_get_dialect_accepts_aliases(alias: str, dialect: Dialect) -> None:
    assert get_dialect(alias) is dialect


@pytest.mark.parametrize("word", ["", "d20", "roll 20", "server", "nazh2", "`avrae`"])
def test_get_dialect_rejects_other_words_naming_the_valid_ones(word: str) -> None:
    with pytest.raises(DiceError) as caught:
        get_dialect(word)
    message = str(caught.value)
    assert message.startswith("unknown dialect")
    assert all(name in message for name in DIALECTS)
    assert message.count("`") == 2  # the word is quoted once, its own backticks defused


def test_get_dialect_shortens_a_long_word_in_its_message() -> None:
    with pytest.raises(DiceError) as caught:
        get_dialect("x" * 500)
    assert "x" * 31 not in str(caught.value)


def test_dialect_names_lists_names_then_aliases_all_resolvable() -> None:
    names = dialect_names()
    assert names[: len(DIALECTS)] == DIALECTS
    assert len(set(names)) == len(names)
    assert all(get_dialect(name).name in DIALECTS for name in names)


@pytest.mark.parametrize(
    ("text", "dialect", "rest"),
    [
        ("roll20: 3d6>3", ROLL20, "3d6>3"),
        ("Roll20:  3d6>3 fire", ROLL20, "3d6>3 fire"),
        ("  avrae:\t4d6k3", AVRAE, "4d6k3"),
        ("dice-maiden: 6 4d6 k3", DICEMAIDEN, "6 4d6 k3"),
        ("rpg-dice-roller: 4d6 // fire", RPG_DICE_ROLLER, "4d6 // fire"),
        ("FOUNDRY: 2d20kh", FOUNDRY, "2d20kh"),
        ("nazh: 1d20+5", NAZH, "1d20+5"),
    ],
)
def test_split_dialect_tag_splits_a_leading_tag(text: str, dialect: Dialect, rest: str) -> None:
    assert split_dialect_tag(text) == (dialect, rest)


@pytest.mark.parametrize(
    "text",
    [
        "3d6>3",
        "roll20:3d6",  # no whitespace after the colon: reads like `server:name`
        "server:attack",
        "server: attack",  # not a dialect name
        "1d20 roll20: 3d6",  # not at the start
        "roll20 : 3d6",  # the colon must follow the name
        "roll2: 3d6",
        "roll200: 3d6",
        "smite(3)",
        "",
    ],
)
def test_split_dialect_tag_leaves_anything_else_alone(text: str) -> None:
    assert split_dialect_tag(text) == (None, text)


def test_dialects_are_frozen_and_slotted() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        NAZH.name = "other"  # pyright: ignore[reportAttributeAccessIssue]
    assert not hasattr(NAZH, "__dict__")


@pytest.mark.parametrize("dialect", ALL, ids=DIALECTS)
def test_a_fixed_modifier_order_names_every_kind_once(dialect: Dialect) -> None:
    order = dialect.modifier_order
    assert order == () or sorted(order) == sorted(MODIFIER_KINDS)
    if order:
        assert order.index("keep") != order.index("drop")


def test_the_dialects_differ_where_the_rollers_do() -> None:
    """Each dialect other than nazh changes at least one reading, and no two are the same."""
    fields = [
        field.name for field in dataclasses.fields(Dialect) if field.name not in {"name", "label"}
    ]
    readings = {tuple(getattr(dialect, field) for field in fields) for dialect in ALL}
    assert len(readings) == len(ALL)


@pytest.mark.parametrize(
    ("dialect", "field", "value"),
    [
        (AVRAE, "bare_select", "face"),
        (AVRAE, "percentile", "tens"),
        (AVRAE, "total", "truncate"),
        (AVRAE, "double_slash", "floor-division"),
        (ROLL20, "compare", "inclusive"),
        (ROLL20, "group_target", "each-die"),
        (FOUNDRY, "reroll", "once"),
        (FOUNDRY, "crits", "count"),
        (DICEMAIDEN, "explode_e", "once"),
        (DICEMAIDEN, "spaced_modifiers", True),
        (RPG_DICE_ROLLER, "keep_drop_scope", "all"),
        (RPG_DICE_ROLLER, "hash_sign", "comment"),
    ],
)
def test_only_the_roller_that_reads_a_form_differently_has_that_reading(
    dialect: Dialect, field: str, value: object
) -> None:
    """The issue's named differences belong to their roller; the nazh default keeps its own."""
    assert getattr(dialect, field) == value
    assert getattr(NAZH, field) != value
