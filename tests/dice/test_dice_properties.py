"""Property tests: any text gives a result or a DiceError; totals stay within bounds."""

from __future__ import annotations

import random
from contextlib import suppress
from itertools import pairwise
from typing import TYPE_CHECKING

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nazh.dice import DiceError, LimitError, RollResult, RollSet, complete, parse, roll

if TYPE_CHECKING:
    from collections.abc import Sequence

_ALPHABET = "0123456789d%F+-*/(){}[],#x<>=!khlproaemicsf vadisADV@`*_~|\\\n.;^uxnvo"
_MODIFIERS = (
    "kh1",
    "kl2",
    "k3",
    "dl1",
    "dh1",
    "d1",
    "k>3",
    "k<3",
    "k=2",
    "p<2",
    "ph1",
    "pl1",
    "rr1",
    "ro<2",
    "ra6",
    "r<2",
    "e6",
    "!",
    "!>4",
    "!!",
    "!p",
    "!!>5",
    "mi2",
    "ma5",
    "cs>19",
    "cf<2",
    "min3",
    "max5",
    "x>4",
    "xo>5",
    "u",
)
_SUCCESS = ("", ">=4", ">3", "<2", "=6", ">=4f1", ">4f<2", "even", "odd", "<>3")
_SORT = ("", "", "s", "sd")
_SIDES = ("1", "2", "4", "6", "8", "10", "12", "20", "100", "%", "F", "[1,3,5]", "[-1,0,1]")


def _unambiguous(modifiers: Sequence[str]) -> bool:
    """A bare `!`, `!!` or `!p` reads what follows as its selector or mode: avoid that."""
    return not any(a in ("!", "!!", "!p") and b[0] in "!p" for a, b in pairwise(modifiers))


def _dice(count: int, sides: str, modifiers: list[str], success: str, sort: str) -> str:
    if success and modifiers and modifiers[-1] in ("!", "!!", "!p"):
        modifiers = [*modifiers, "kh12"]  # `3d6!>=4` explodes on >=4; keep it a success count
    return f"{count}d{sides}{''.join(modifiers)}{success}{sort}"


dice = st.builds(
    _dice,
    st.integers(1, 12),
    st.sampled_from(_SIDES),
    st.lists(st.sampled_from(_MODIFIERS), max_size=3).filter(_unambiguous),
    st.sampled_from(_SUCCESS),
    st.sampled_from(_SORT),
)
plain_atoms = st.one_of(st.integers(0, 50).map(str), st.sampled_from(["1.5", ".25"]), dice)
atoms = st.one_of(plain_atoms, plain_atoms.map(lambda a: f"{a}[label]"))


def _extend(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(
            lambda a, op, b: f"{a}{op}{b}",
            children,
            st.sampled_from(["+", " - ", "*", " / ", "-", " % ", "^"]),
            children,
        ),
        children.map(lambda a: f"({a})"),
        children.map(lambda a: f"({a})d6"),
        children.map(lambda a: f"floor({a})"),
        st.builds(lambda a, b: f"max({a}, {b})", children, children),
        children.map(lambda a: f"-{a}"),
        st.builds(
            lambda items, mod: "{" + ", ".join(items) + "}" + mod,
            st.lists(children, min_size=1, max_size=3),
            st.sampled_from(["", "kh1", "kl1", "dl1", ">3", "k>2"]),
        ),
    )


expressions = st.recursive(atoms, _extend, max_leaves=6)
full_inputs = st.builds(
    lambda repeat, advantage, expression, tail: f"{repeat}{advantage}{expression}{tail}",
    st.sampled_from(["", "", "", "3#", "2x "]),
    st.sampled_from(["", "", "1d20+", "d20-"]),
    expressions,
    st.sampled_from(["", " attack @everyone", " keep calm"]),
).map(lambda text: text + " adv" if "1d20+" in text and "#" not in text else text)

_FAST = settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@_FAST
@given(st.text(alphabet=_ALPHABET, max_size=60))
def test_any_dice_like_text_gives_a_result_or_a_dice_error(text: str) -> None:
    try:
        rolled = roll(text)
    except DiceError as error:
        message = str(error)
        assert message
        return
    assert isinstance(rolled, RollResult | RollSet)
    assert len(rolled.render()) <= 2000


@_FAST
@given(st.text(max_size=80))
def test_any_text_at_all_gives_a_result_or_a_dice_error(text: str) -> None:
    with suppress(DiceError):
        assert len(roll(text).render(200)) <= 200


@_FAST
@given(full_inputs, st.integers(0, 2**32), st.integers(1, 400))
def test_generated_expressions_stay_within_bounds_and_round_trip(
    text: str, seed: int, max_length: int
) -> None:
    try:
        expression = parse(text)
    except LimitError:
        return
    except DiceError as error:
        message = str(error)
        assert message in ("division by zero", "modulo by zero", "a power needs a whole exponent")
        return
    assert expression.minimum <= expression.maximum
    again = parse(expression.text)
    assert again.text == expression.text
    assert (again.minimum, again.maximum) == (expression.minimum, expression.maximum)
    try:
        rolled = roll(expression, rng=random.Random(seed))
    except DiceError:
        return
    for result in rolled.results:
        assert expression.minimum <= result.total <= expression.maximum
        assert all(die.kept or die.dropped or die.rerolled or die.compounded for die in result.dice)
    assert len(rolled.render(max_length)) <= max_length


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=_ALPHABET, max_size=25))
def test_every_completion_parses(text: str) -> None:
    suggestions = complete(text, 10)
    assert len(suggestions) <= 10
    for suggestion in suggestions:
        parse(suggestion)
        assert len(suggestion) <= 100
