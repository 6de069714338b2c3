"""The closed forms for single-face explosions against the general routes."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

import pytest

from nazh.dice import parse
from nazh.dice.ast import Dice
from nazh.dice.odds.explode import exploding_weights, ranked_exploding_weights, ranked_explosion
from nazh.dice.odds.pool import PoolModel, pool_weights

if TYPE_CHECKING:
    from nazh.dice.odds.weights import Weights


def model_of(text: str) -> PoolModel:
    root = parse(text).root
    assert isinstance(root, Dice)
    return PoolModel(root)


def as_fractions(weights: Weights) -> tuple[dict[int, Fraction], Fraction, Fraction]:
    counts = {v: Fraction(w, weights.denom) for v, w in weights.counts.items() if w}
    return counts, Fraction(weights.alive, weights.denom), Fraction(weights.mass, weights.denom)


@pytest.mark.parametrize(
    "text",
    ["3d6!", "1d6!", "4dF!", "2d6e3", "5d6e1", "3d8!=4", "20d6!", "10d10!>9>=7", "8d10!10>=7f1"],
)
def test_closed_form_matches_the_per_die_route(text: str) -> None:
    model = model_of(text)
    closed = exploding_weights(model)
    assert closed is not None
    assert as_fractions(closed) == as_fractions(pool_weights(model))


@pytest.mark.parametrize("text", ["3d6", "3d6!>4", "3d6!!", "3d6!p", "3d6!mi2", "4d6!kh3"])
def test_other_pools_take_the_general_routes(text: str) -> None:
    assert exploding_weights(model_of(text)) is None


@pytest.mark.parametrize(
    "text",
    [
        "2d4!kh1",
        "3d6!kh3",
        "2d4!kh3",
        "3d4!kl1",
        "2d4!kl4",
        "3d4!dl1",
        "2d4!dl3",
        "3d4!dh1",
        "2d4!dh3",
        "3d2!kh2",
        "2dF!kh1",
        "3d4!=4kh2",
        "3d4!>3dl1",
        "3d4!cs>3kh2",
        "3d4!kh0",
    ],
)
def test_ranked_closed_form_matches_the_multiset_route(text: str) -> None:
    model = model_of(text)
    closed = ranked_exploding_weights(model)
    assert closed is not None
    assert as_fractions(closed) == as_fractions(pool_weights(model))


@pytest.mark.parametrize(
    "text", ["4d6kh3", "4d6!!kh3", "4d6!pkh3", "4d6!>4kh3", "4d6kh3!", "4d6!kh3>=5", "4d6!kh3kl2"]
)
def test_other_ranked_pools_are_not_taken_for_it(text: str) -> None:
    root = parse(text).root
    assert isinstance(root, Dice)
    assert ranked_explosion(root) is None
