"""Every notation form, rolled with scripted faces: exact dice, flags and totals."""

from __future__ import annotations

import random

import pytest
from dice_support import Scripted

from nazh.dice import FATE, DiceError, Die, DieFlag, RollResult, RollSet, parse, roll

D, X, R, C, K, P, S, F = (
    DieFlag.DROPPED,
    DieFlag.EXPLODED,
    DieFlag.REROLLED,
    DieFlag.CLAMPED,
    DieFlag.COMPOUNDED,
    DieFlag.PENETRATED,
    DieFlag.SUCCESS,
    DieFlag.FAILURE,
)


def one(text: str, faces: list[int]) -> RollResult:
    rng = Scripted(faces)
    result = roll(text, rng=rng)
    assert isinstance(result, RollResult)
    assert not rng.faces, f"unused scripted faces {rng.faces}"
    return result


def summary(result: RollResult) -> list[tuple[int, int, DieFlag]]:
    return [(die.face, die.value, die.flags) for die in result.dice]


@pytest.mark.parametrize(
    ("text", "faces", "sides", "total"),
    [
        ("1d20", [13], [20], 13),
        ("d20", [7], [20], 7),
        ("3d6", [1, 2, 6], [6, 6, 6], 9),
        ("d%", [100], [100], 100),
        ("2d%", [37, 5], [100, 100], 42),
        ("1d1", [1], [1], 1),
        ("1d1000000", [999999], [1000000], 999999),
    ],
)
def test_plain_dice(text: str, faces: list[int], sides: list[int], total: int) -> None:
    rng = Scripted(faces)
    result = roll(text, rng=rng)
    assert isinstance(result, RollResult)
    assert rng.asked == sides
    assert result.total == total
    assert [die.face for die in result.dice] == faces
    assert all(die.kept and die.flags == DieFlag(0) for die in result.dice)


def test_fate_dice_have_sides_zero_and_faces_minus_one_to_one() -> None:
    rng = Scripted([1, 2, 3, 3])
    result = roll("4dF", rng=rng)
    assert isinstance(result, RollResult)
    assert rng.asked == [3, 3, 3, 3]
    assert [die.face for die in result.dice] == [-1, 0, 1, 1]
    assert {die.sides for die in result.dice} == {FATE}
    assert result.total == 1
    assert parse("4dF").minimum == -4
    assert parse("4dF").maximum == 4


@pytest.mark.parametrize(
    ("text", "total"),
    [
        ("1 + 2 * 3", 7),
        ("(1 + 2) * 3", 9),
        ("10 - 4 - 3", 3),
        ("7 / 2", 3),
        ("-7 / 2", -4),
        ("7 / -2", -4),
        ("2 * 3 / 4", 1),
        ("-(2 + 3)", -5),
        ("--3", 3),
        ("+4", 4),
        ("1d20 + 5", 17),
        ("1d20+5*2", 22),
        ("(1d20 + 5) * 2", 34),
        ("20 / 1d20", 1),
        ("1d20 - 1d20", 0),
    ],
)
def test_arithmetic_precedence_and_floor_division(text: str, total: int) -> None:
    rng = Scripted([12] * text.count("d20"))
    assert roll(text, rng=rng).results[0].total == total


def test_division_by_a_rolled_zero_is_a_dice_error() -> None:
    with pytest.raises(DiceError, match="division by zero"):
        roll("10 / (1d2 - 1)", rng=Scripted([1]))
    assert roll("10 / (1d2 - 1)", rng=Scripted([2])).results[0].total == 10


def test_division_by_a_constant_zero_fails_when_parsed() -> None:
    with pytest.raises(DiceError, match="division by zero"):
        parse("1d6 / 0")


@pytest.mark.parametrize(
    ("text", "faces", "flags", "total"),
    [
        ("4d6kh3", [5, 4, 1, 3], [0, 0, D, 0], 12),
        ("4d6k3", [5, 4, 1, 3], [0, 0, D, 0], 12),
        ("4d6kl1", [5, 4, 1, 3], [D, D, 0, D], 1),
        ("4d6dh1", [5, 4, 1, 3], [D, 0, 0, 0], 8),
        ("4d6dl1", [5, 4, 1, 3], [0, 0, D, 0], 12),
        ("4d6d1", [5, 4, 1, 3], [0, 0, D, 0], 12),
        ("4d6ph1", [5, 4, 1, 3], [D, 0, 0, 0], 8),
        ("4d6pl1", [5, 4, 1, 3], [0, 0, D, 0], 12),
        ("4d6p<4", [5, 4, 1, 3], [0, 0, D, D], 9),
        ("4d6k=4", [5, 4, 1, 4], [D, 0, D, 0], 8),
        ("4d6k>3", [5, 4, 1, 3], [0, 0, D, D], 9),
        ("4d6k<4", [5, 4, 1, 3], [D, D, 0, 0], 4),
        ("4d6k>=4", [5, 4, 1, 3], [0, 0, D, D], 9),
        ("4d6k<=3", [5, 4, 1, 3], [D, D, 0, 0], 4),
        ("4d6kh3dl1", [5, 4, 1, 3], [0, 0, D, D], 9),
        ("3d6kh1", [4, 6, 6], [D, 0, D], 6),
        ("3d6kl1", [4, 2, 2], [D, 0, D], 2),
        ("2d6kh5", [4, 2], [0, 0], 6),
    ],
)
def test_keep_and_drop(text: str, faces: list[int], flags: list[DieFlag], total: int) -> None:
    result = one(text, faces)
    assert [die.face for die in result.dice] == faces
    assert [die.flags for die in result.dice] == flags
    assert result.total == total


def test_reroll_until_none_match_strikes_each_reroll() -> None:
    result = one("2d6rr<3", [1, 5, 2, 1, 6])
    assert summary(result) == [(1, 1, R), (2, 2, R), (1, 1, R), (6, 6, 0), (5, 5, DieFlag(0))]
    assert result.total == 11


def test_roll20_r_means_reroll_until() -> None:
    assert parse("2d6r<3").text == "2d6rr<3"
    assert one("1d6r1", [1, 1, 4]).total == 4


def test_reroll_once_keeps_the_second_roll() -> None:
    result = one("2d6ro<3", [1, 5, 2])
    assert summary(result) == [(1, 1, R), (2, 2, DieFlag(0)), (5, 5, DieFlag(0))]
    assert result.total == 7


def test_reroll_and_add_adds_one_die_for_the_first_match() -> None:
    result = one("3d6ra6", [6, 6, 2, 3])
    assert summary(result) == [(6, 6, X), (3, 3, DieFlag(0)), (6, 6, DieFlag(0)), (2, 2, 0)]
    assert result.total == 17


@pytest.mark.parametrize(
    ("text", "faces", "summary_", "total"),
    [
        ("3d6!", [6, 2, 3, 6, 1], [(6, 6, X), (6, 6, X), (1, 1, 0), (2, 2, 0), (3, 3, 0)], 18),
        ("2d6e6", [6, 2, 4], [(6, 6, X), (4, 4, 0), (2, 2, 0)], 12),
        ("2d6e>5", [6, 2, 6, 1], [(6, 6, X), (6, 6, X), (1, 1, 0), (2, 2, 0)], 15),
        ("2d6!>4", [5, 2, 1], [(5, 5, X), (1, 1, 0), (2, 2, 0)], 8),
        ("2d6!!", [6, 2, 6, 3], [(6, 15, X), (6, 6, X | K), (3, 3, K), (2, 2, 0)], 17),
        ("1d6!p", [6, 6, 2], [(6, 6, X), (6, 5, X | P), (2, 1, P)], 12),
    ],
)
def test_explosions(
    text: str, faces: list[int], summary_: list[tuple[int, int, int]], total: int
) -> None:
    result = one(text, faces)
    assert summary(result) == [(f, v, DieFlag(fl)) for f, v, fl in summary_]
    assert result.total == total


def test_clamps_raise_and_lower_values() -> None:
    result = one("4d6mi2ma5", [1, 6, 3, 2])
    assert summary(result) == [(1, 2, C), (6, 5, C), (3, 3, DieFlag(0)), (2, 2, DieFlag(0))]
    assert result.total == 12


@pytest.mark.parametrize(
    ("text", "successes"),
    [("10d10>=7", 4), ("10d10>6", 4), ("10d10>=7f1", 2), ("10d10>6f<3", 1), ("10d10=10", 1)],
)
def test_success_counting(text: str, successes: int) -> None:
    result = one(text, [7, 1, 10, 8, 2, 3, 9, 1, 5, 6])
    assert result.successes == successes
    assert result.total == successes
    marked = [die.face for die in result.dice if die.success]
    assert all(face >= 7 for face in marked) or text == "10d10=10"


def test_failures_are_flagged() -> None:
    result = one("3d10>=7f1", [1, 8, 1])
    assert [die.flags for die in result.dice] == [F, S, F]
    assert result.total == -1


def test_success_count_plays_in_arithmetic_and_sums_across_pools() -> None:
    result = one("3d6>4 + 2d6>4 + 10", [5, 6, 1, 5, 2])
    assert result.successes == 3
    assert result.total == 13
    assert one("1d20 + 2", [3]).successes is None


def test_successes_leave_out_dropped_set_items_and_counts_a_set_replaces() -> None:
    kept = one("{4d6>=5, 1d8>=5}kh1", [2, 5, 5, 2, 6])
    assert (kept.successes, kept.total) == (2, 2)
    outer = one("{2d6>=4, 1d6>=4}kh1>=1", [5, 5, 6])
    assert (outer.successes, outer.total) == (1, 1)
    both = one("{2d6>=4, 1d6>=4} + 1d6>=4", [5, 1, 6, 4])
    assert (both.successes, both.total) == (3, 3)


@pytest.mark.parametrize(
    ("text", "faces", "crit", "fumble"),
    [
        ("1d20", [20], True, False),
        ("1d20", [1], False, True),
        ("1d20", [19], False, False),
        ("1d20+5", [20], True, False),
        ("2d20kh1+7", [3, 20], True, False),
        ("2d20kl1", [1, 20], False, True),
        ("1d20cs>18", [19], True, False),
        ("1d20cs>=19cf<3", [2], False, True),
        ("1d20+1d20", [20, 20], False, False),
        ("1d20+1d6", [20, 1], True, False),
        ("1d6", [6], False, False),
        ("1d12cs12", [12], True, False),
        ("1d12cs12", [1], False, False),
        ("1d6cf1", [6], False, False),
        ("1d6cf1", [1], False, True),
        ("1d20cf<3", [20], True, False),
        ("{1d20, 1d20}kh1", [20, 3], True, False),
        ("{1d20+5, 1d20+5}kl1", [20, 1], False, True),
        ("{1d20, 1d20 + 1d20}kh1", [2, 20, 1], False, False),
        ("({1d20, 1d20}kh1, 30)kh1", [20, 3], False, False),
    ],
)
def test_crit_and_fumble_for_a_single_kept_crit_die(
    text: str, faces: list[int], crit: bool, fumble: bool
) -> None:
    result = one(text, faces)
    assert (result.crit, result.fumble) == (crit, fumble)


@pytest.mark.parametrize(
    ("text", "faces", "total", "item_flags"),
    [
        ("(1d4, 2d6, 3)kh1", [2, 3, 4], 7, [D, 0, D]),
        ("{4d6, 3d8}kh1", [1, 1, 1, 1, 2, 2, 2], 6, [D, 0]),
        ("{1d6, 1d6, 1d6}dl1", [3, 1, 5], 8, [0, D, 0]),
        ("{1d6, 1d6, 1d6}>3", [3, 4, 5], 2, [0, S, S]),
        ("(1d6, 5)", [2], 7, [0, 0]),
        ("{1d20}", [9], 9, [0]),
    ],
)
def test_sets_keep_drop_and_count_their_items(
    text: str, faces: list[int], total: int, item_flags: list[int]
) -> None:
    result = one(text, faces)
    assert result.total == total
    assert result.trace[-1][2] == item_flags


@pytest.mark.parametrize(
    ("text", "normalised", "faces", "total"),
    [
        ("1d20 adv", "2d20kh1", [4, 17], 17),
        ("1d20 dis", "2d20kl1", [4, 17], 4),
        ("1d20+5 advantage to hit", "2d20kh1 + 5", [4, 17], 22),
        ("1d20+5 DIS", "2d20kl1 + 5", [4, 17], 9),
        ("+d20", "2d20kh1", [4, 17], 17),
        ("-d20", "2d20kl1", [4, 17], 4),
        ("+d20+4", "2d20kh1 + 4", [4, 17], 21),
        ("1d20ro1 adv", "2d20ro1kh1", [1, 3, 8], 8),
        ("1d4 + 1d20 adv", "1d4 + 2d20kh1", [2, 4, 17], 19),
    ],
)
def test_advantage(text: str, normalised: str, faces: list[int], total: int) -> None:
    assert parse(text).text == normalised
    assert one(text, faces).total == total


def test_a_minus_d20_inside_an_expression_is_subtraction() -> None:
    assert parse("5 - d20").text == "5 - 1d20"
    assert parse("-d200").text == "-1d200"


def test_repetition_returns_a_roll_set_sharing_the_comment() -> None:
    rng = Scripted([6, 5, 4, 3] * 6)
    rolled = roll("6#4d6kh3 stats", rng=rng)
    assert isinstance(rolled, RollSet)
    assert rolled.expression == "6#4d6kh3"
    assert rolled.comment == "stats"
    assert [result.total for result in rolled.results] == [15] * 6
    assert [result.expression for result in rolled.results] == ["4d6kh3"] * 6
    assert len(rolled.dice) == 24
    again = roll("6x 4d6kh3", rng=Scripted([1, 1, 1, 1] * 6))
    assert isinstance(again, RollSet)
    assert again.expression == "6#4d6kh3"
    assert [result.total for result in again.results] == [3] * 6
    assert isinstance(roll("1#1d6", rng=Scripted([2])), RollResult)


def test_labels_are_kept_and_do_not_change_the_total() -> None:
    result = one("2d6[fire] + 1d4[cold]", [3, 4, 2])
    assert result.total == 9
    assert result.expression == "2d6[fire] + 1d4[cold]"
    assert "[fire]" in result.render()


@pytest.mark.parametrize(
    ("text", "comment", "total"),
    [
        ("1d20+5 attack the goblin", "attack the goblin", 15),
        ("1d20 keep calm", "keep calm", 10),
        ("1d20 d20", "d20", 10),
        ("1d20 (fire)", "(fire)", 10),
        ("1d20 2nd attack", "2nd attack", 10),
        ("1d20   ", None, 10),
        ("1d20 +5 sneak", "sneak", 15),
    ],
)
def test_comments_are_never_parsed_as_dice(text: str, comment: str | None, total: int) -> None:
    result = one(text, [10])
    assert result.comment == comment
    assert result.total == total


def test_injected_random_draws_randint_one_to_sides_in_rolling_order() -> None:
    result = roll("2d6 + 1d20 + 1d%", rng=random.Random(42))
    twin = random.Random(42)
    expected = [twin.randint(1, 6), twin.randint(1, 6), twin.randint(1, 20), twin.randint(1, 100)]
    assert [die.face for die in result.results[0].dice] == expected
    assert result.results[0].total == sum(expected)


def test_the_default_source_rolls_within_range() -> None:
    for text, low, high in (
        ("1d20", 1, 20),
        ("10d6", 10, 60),
        ("3dF", -3, 3),
        ("1d1000000", 1, 10**6),
    ):
        for _ in range(50):
            result = roll(text)
            assert isinstance(result, RollResult)
            assert low <= result.total <= high


def test_dice_equality_and_repr() -> None:
    die = Die(6, 3)
    assert die == Die(6, 3, 3, 0)
    assert die != Die(6, 3, 4, int(DieFlag.CLAMPED))
    assert "d6" in repr(die)
    assert Die(6, 1, 2, int(DieFlag.CLAMPED)).clamped
