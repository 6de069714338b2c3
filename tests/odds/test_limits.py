"""Truncated explosions and the pre-flight refusal of huge inputs."""

from __future__ import annotations

from fractions import Fraction

import pytest

from nazh.dice import DiceError, LimitError
from nazh.dice.odds import check_odds, distribution


@pytest.mark.parametrize("text", ["3d6!", "2d10!!", "4d6!p", "5d4!>=3", "2d20!+3"])
def test_explosions_report_a_tiny_truncation(text: str) -> None:
    result = distribution(text)
    assert 0 < result.truncated < Fraction(1, 10**9)
    assert result.refused == 0
    assert result.mass + result.truncated == 1


def test_explosion_probabilities_are_exact_below_the_cut() -> None:
    result = distribution("1d6!")
    assert result[3] == Fraction(1, 6)
    assert result[9] == Fraction(1, 36)
    assert result[14] == Fraction(1, 216)
    assert 6 not in result
    assert 12 not in result


def test_reroll_until_is_exact_with_the_roller_chain_limit() -> None:
    # The roller gives up (raises) when the die and its 100 rerolls all match.
    result = distribution("1d6rr<6")
    assert result.truncated == 0
    assert result.refused == Fraction(5, 6) ** 101
    assert result[6] == 1 - Fraction(5, 6) ** 101


@pytest.mark.parametrize(
    "text", ["500d1000kh250", "1000d1000", "1d1000000*1d1000000", "200d100kh100", "500d6!"]
)
def test_huge_inputs_are_refused_up_front(text: str) -> None:
    with pytest.raises(LimitError, match="too large for exact odds"):
        distribution(text)


def test_a_roll_that_usually_exceeds_the_dice_limit_is_refused() -> None:
    with pytest.raises(LimitError, match="dice limit"):
        distribution("990d6ro<6")


@pytest.mark.parametrize(
    "text", ["7d12rr1ra6", "8d10ro1ra6", "15d6ra6ro<3", "5d20rr1ra6", "12d6ro1ra6"]
)
def test_rerolls_on_a_pool_with_an_added_die_are_refused_up_front(text: str) -> None:
    # Each takes the exact kernel several seconds, near the plugin's time limit.
    with pytest.raises(LimitError, match="too large for exact odds"):
        check_odds(text)


@pytest.mark.parametrize("text", ["7d12ra6", "4d6rr1ra6", "3d6kh2!", "4d6kh3kl2"])
def test_cheap_pools_with_an_added_die_or_two_selections_are_accepted(text: str) -> None:
    check_odds(text)


@pytest.mark.parametrize("text", ["10d6!p!", "30d6!p!!", "2d6!!!"])
def test_stacked_explosions_are_refused_before_any_work(text: str) -> None:
    with pytest.raises(LimitError, match="too large for exact odds"):
        check_odds(text)


def test_a_single_explosion_is_still_worked_out() -> None:
    assert check_odds("3d6!").text == "3d6!"


@pytest.mark.parametrize(
    ("text", "dialect", "form"),
    [
        ("4d6u", "nazh", "`u` (unique dice)"),
        ("1d6; 1d8", "nazh", "one roll at a time"),
        ("{4d6}kh3", "roll20", "the dice of a group one by one"),
        ("3d10kh2dl1", "rpg-dice-roller", "a keep or drop after another"),
        ("4d10x5=10", "foundry", "explosions capped for the whole pool"),
    ],
)
def test_notation_exact_odds_do_not_model_is_refused_before_any_work(
    text: str, dialect: str, form: str
) -> None:
    with pytest.raises(DiceError, match="exact odds") as refused:
        check_odds(text, dialect)
    assert form in str(refused.value)
    assert not isinstance(refused.value, LimitError)


@pytest.mark.parametrize(("text", "dialect"), [("1d6+1.5", "nazh"), ("1d6/2", "roll20")])
def test_a_total_that_can_be_a_fraction_is_refused(text: str, dialect: str) -> None:
    with pytest.raises(DiceError, match="whole totals") as refused:
        distribution(text, dialect)
    assert not isinstance(refused.value, LimitError)


@pytest.mark.parametrize(
    "text", ["(1d1000)d1000", "(10d100)d6", "(1d20)d(1d1000)", "(2d100)d(2d100)", "(1d100)d6!"]
)
def test_costly_computed_dice_are_refused_before_any_work(text: str) -> None:
    with pytest.raises(LimitError):
        check_odds(text)


def test_computed_dice_that_can_exceed_the_dice_limit_are_refused() -> None:
    with pytest.raises(LimitError, match="dice limit"):
        distribution("3#(1d400)d1")


@pytest.mark.parametrize(
    ("text", "dialect"),
    [
        ("floor(1d1000/1d300)", "roll20"),
        ("max(1d1000, 1d1000, 1d1000, 1d1000)", "nazh"),
        ("1d10000*1d10000", "nazh"),
    ],
)
def test_costly_pairs_of_values_are_refused_before_any_work(text: str, dialect: str) -> None:
    with pytest.raises(LimitError, match="too large for exact odds"):
        check_odds(text, dialect)
