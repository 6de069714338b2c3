"""The closed form for single-face explosions against the general per-die route."""

from fractions import Fraction

import pytest

from nazh.dice import parse
from nazh.dice.ast import Dice
from nazh.dice.odds.explode import exploding_weights
from nazh.dice.odds.pool import PoolModel, pool_weights
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
