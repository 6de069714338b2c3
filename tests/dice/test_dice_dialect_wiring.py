"""The engine side of dialects: parse and roll take one, the cache keys on it, a tag wins."""

from __future__ import annotations

from fractions import Fraction

import pytest

from nazh.dice import DiceError, RollResult, parse, roll
from nazh.dice.dialects import AVRAE, NAZH, ROLL20
from tests.dice.dice_support import Scripted


def test_the_cache_keys_on_text_and_dialect() -> None:
    assert parse("3d6>3") is parse("3d6>3", "nazh")
    assert parse("3d6>3", "roll20") is parse("3d6>3", ROLL20)
    assert parse("3d6>3", "roll20") is not parse("3d6>3")
    assert parse("3d6>3", "roll20").dialect == "roll20"
    assert parse("3d6>3").dialect == "nazh"


def test_a_leading_tag_overrides_the_given_dialect() -> None:
    tagged = parse("roll20: 3d6>3", AVRAE)
    assert tagged.readings is ROLL20
    assert tagged.text == "3d6>=3"
    assert parse("nazh: 7 / 2", ROLL20).readings is NAZH


def test_an_unknown_dialect_names_the_valid_ones() -> None:
    with pytest.raises(DiceError, match="roll20"):
        parse("1d20", "roll21")


@pytest.mark.parametrize(
    ("dialect", "text", "faces", "total"),
    [
        ("nazh", "3d6>3", [3, 4, 6], 2),
        ("roll20", "3d6>3", [3, 4, 6], 3),
        ("nazh", "7 / 2", [], 3),
        ("roll20", "7 / 2", [], Fraction(7, 2)),
        ("avrae", "-7 / 2", [], -3),
        ("avrae", "7 // 2", [], 3),
        ("roll20", "-7 % 3", [], -1),
        ("nazh", "-7 % 3", [], 2),
        ("foundry", "2d6r1", [1, 4, 1], 5),
        ("nazh", "2d6r1", [1, 1, 5, 2], 7),
        ("avrae", "4d6k3", [3, 5, 3, 1], 6),
    ],
)
def test_readings_follow_the_dialect(
    dialect: str, text: str, faces: list[int], total: int | Fraction
) -> None:
    rng = Scripted(faces)
    result = roll(text, rng=rng, dialect=dialect)
    assert isinstance(result, RollResult)
    assert not rng.faces
    assert result.total == total


def test_notes_name_the_reading_of_the_dialect() -> None:
    assert any('read as "3 or more"; Nazh reads' in note for note in parse("3d6>3", "roll20").notes)
    assert any("divide exactly" in note for note in parse("7 / 2", "roll20").notes)
