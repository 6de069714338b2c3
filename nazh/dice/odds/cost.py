"""Pre-flight estimate of the work exact odds need, to refuse huge inputs in well under 10 ms.

The walk mirrors `compile`: for every node it estimates how many outcomes its distribution has,
how many bits its integer weights take and how much work the kernel that builds it does, in
rough units of a machine-word operation on big integers (about 10 ns each here). It touches no
faces one by one, so it costs microseconds even for a million-sided die.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

from nazh.dice.ast import (
    Binary,
    Call,
    Clamp,
    ComputedDice,
    CountSuccesses,
    Decimal,
    Dice,
    Drop,
    Explode,
    Group,
    Keep,
    Labelled,
    Literal,
    Reroll,
    Unary,
    chain,
    dice_face_range,
)
from nazh.dice.bounds import bounds
from nazh.dice.errors import LimitError
from nazh.dice.limits import MAX_CHAIN, MAX_DICE, MAX_SIDES
from nazh.dice.odds.explode import ranked_explosion
from nazh.dice.odds.pool import MULTISET_STATES, chain_depth
from nazh.dice.readings import NAZH_READINGS

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nazh.dice.ast import Node, Selector, Set
    from nazh.dice.readings import Readings

__all__ = ("WORK_LIMIT", "check_cost", "estimate")

WORK_LIMIT = 6e7
"""Most estimated work accepted (about a second or two)."""

MEMORY_LIMIT = 96 * 2**20
"""Most bytes accepted for the largest polynomial."""

_TOO_LARGE = "that roll is too large for exact odds"

COMPUTED_POOLS = 400
"""Most (count, sides) pairs that computed dice may roll; each is worked out as its own pool."""


class _Size:
    """`fractional`: values may be fractions, so sums go pair by pair."""

    __slots__ = ("bits", "fractional", "outcomes", "work")

    def __init__(
        self, outcomes: float, bits: float, work: float, *, fractional: bool = False
    ) -> None:
        self.outcomes = outcomes
        self.bits = bits
        self.work = work
        self.fractional = fractional


def check_cost(root: Node, readings: Readings = NAZH_READINGS) -> None:
    """Raise `LimitError` if exact odds of `root` are estimated to be too costly."""
    _check(estimate(root, readings))


def estimate(node: Node, readings: Readings = NAZH_READINGS) -> _Size:
    """Outcomes, weight bits and work of a node's distribution."""
    while isinstance(node, Group | Labelled | Unary):
        node = node.inner if isinstance(node, Group) else node.operand
    if isinstance(node, Literal):
        return _Size(1, 1, 1)
    if isinstance(node, Decimal):
        return _Size(1, 1, 1, fractional=True)
    if isinstance(node, Dice):
        return _dice(node)
    if isinstance(node, Binary):
        first, rest = chain(node)
        size = estimate(first, readings)
        for op, operand in rest:
            right = estimate(operand, readings)
            _check(right)
            real = op == "/" and readings.division == "real"
            size = _combine(size, right, additive=op in ("+", "-"), real=real)
            _check(size)
        return size
    if isinstance(node, Call):
        return _call(node, readings)
    if isinstance(node, ComputedDice):
        return _computed(node, readings)
    return _set(node, readings)


def _call(node: Call, readings: Readings) -> _Size:
    sizes = [estimate(arg, readings) for arg in node.args]
    size = sizes[0]
    size = _Size(
        size.outcomes,
        size.bits,
        size.work + (200 if size.fractional else 20) * size.outcomes,
        fractional=size.fractional and node.name in ("abs", "min", "max"),
    )
    for right in sizes[1:]:
        _check(right)
        outcomes = size.outcomes + right.outcomes
        size = _combine(size, right, additive=False)
        size.outcomes = outcomes
        _check(size)
    return size


def _computed(node: ComputedDice, readings: Readings) -> _Size:
    """Every pool the rolled count and sides can give, each worked out, then mixed."""
    written = node.dice
    counts = _candidates(node.count, written.count, 0, MAX_DICE, readings)
    sides = _candidates(node.sides, written.sides, 1, MAX_SIDES, readings)
    if len(counts) * len(sides) > COMPUTED_POOLS:
        raise LimitError(_TOO_LARGE)
    parts = [estimate(part, readings) for part in (node.count, node.sides) if part is not None]
    work = sum(part.work for part in parts)
    bits = sum(part.bits for part in parts)
    outcomes = 1.0
    for count in counts:
        for faces in sides:
            pool = _dice(dataclasses.replace(written, count=count, sides=faces))
            _check(pool)
            work += pool.work + pool.outcomes * (pool.bits + bits) / 64
            outcomes = max(outcomes, pool.outcomes)
            bits = max(bits, pool.bits + sum(part.bits for part in parts))
            if work > WORK_LIMIT:
                raise LimitError(_TOO_LARGE)
    return _Size(outcomes, bits, work)


def _candidates(
    node: Node | None, written: int, low: int, high: int, readings: Readings
) -> Sequence[int]:
    """The whole values in `low..high` that a computed count or sides can take."""
    if node is None:
        return (written,)
    least, most = bounds(node, readings)
    start, end = max(low, math.ceil(least)), min(high, math.floor(most))
    if end - start + 1 > COMPUTED_POOLS:
        raise LimitError(_TOO_LARGE)
    return range(start, end + 1)


def _check(size: _Size) -> None:
    if size.work > WORK_LIMIT or size.outcomes * (size.bits / 8 + 40) > MEMORY_LIMIT:
        raise LimitError(_TOO_LARGE)


def _combine(left: _Size, right: _Size, *, additive: bool, real: bool = False) -> _Size:
    """`real`: a real division, which makes fractions."""
    work = left.work + right.work
    bits = left.bits + right.bits
    fractional = left.fractional or right.fractional or real
    if additive:
        outcomes = left.outcomes + right.outcomes
        pairs = left.outcomes * right.outcomes
        words = outcomes * (bits / 64 + 1)
        if fractional:
            outcomes = min(pairs, 1e18)
            work += pairs * (bits / 64 + 1) * 4
        else:
            work += min(pairs * (bits / 64 + 1), words**1.585 / 4 + words)
    else:
        outcomes = left.outcomes * right.outcomes
        work += (1000 if fractional else 40) * outcomes
    return _Size(outcomes, bits, work, fractional=fractional)


def matching_faces(
    selector: Selector | None, low: int, high: int, faces: Sequence[int] | None = None
) -> int:
    """How many sides (faces in `low..high`, or the custom `faces`) a reroll/explosion
    selector triggers on."""
    if faces is not None:
        top = max(faces)
        return sum(
            1 for face in faces if (face == top if selector is None else selector.matches(face))
        )
    if selector is None:
        return 1
    op, value = selector.op, selector.value
    if op == "=":
        return 1 if low <= value <= high else 0
    if op in (">", ">="):
        start = value + 1 if op == ">" else value
        return max(0, high - max(start, low) + 1)
    if op in ("<", "<="):
        end = value - 1 if op == "<" else value
        return max(0, min(end, high) - low + 1)
    if op == "!=":
        return high - low + 1 - (1 if low <= value <= high else 0)
    if op in ("even", "odd"):
        evens = high // 2 - (low - 1) // 2
        return evens if op == "even" else high - low + 1 - evens
    return 0


def _dice(node: Dice) -> _Size:
    if sum(isinstance(m, Explode) for m in node.modifiers) > 1:
        # A second explosion also explodes the first one's extra dice: the work compounds
        # beyond what this estimate models, so such pools are refused outright.
        raise LimitError(_TOO_LARGE)
    low, high = dice_face_range(node)
    custom = node.faces
    sides = high - low + 1 if custom is None else len(custom)
    n = node.count
    face_bits = math.log2(sides) if sides > 1 else 1
    shape = ranked_explosion(node)
    if shape is not None:
        return _ranked_explosion(n, sides, face_bits, shape[1])
    steps = [m for m in node.modifiers if isinstance(m, Reroll | Explode | Clamp | Keep | Drop)]
    span = float(high - low + 1)
    sparse = 0.0
    distinct = len(set(custom)) if custom is not None else sides
    if span > 4 * distinct + 16:
        # Sparse custom faces add pair by pair: outcomes are at most the multisets of faces.
        span = min(span, _multisets(n, distinct) / max(n, 1))
        sparse = n * n * span * distinct
    bits = face_bits
    runs = 1.0
    extra = 0.0
    ranked = [s for s in steps if isinstance(s, Keep | Drop) and s.selector.op in ("h", "l")]
    general = any(isinstance(s, Reroll) and s.mode == "add" for s in steps) or len(ranked) > 1
    pool = n
    states = 1.0
    for step in steps:
        if isinstance(step, Keep | Drop) and step.selector.op in ("h", "l"):
            amount = step.selector.value
            pool = max(0, min(pool, amount if isinstance(step, Keep) else pool - amount))
        if isinstance(step, Reroll):
            if step.mode == "until":
                bits += MAX_CHAIN * face_bits
            else:
                bits += face_bits
            runs += 1
        elif isinstance(step, Explode):
            matching = matching_faces(step.selector, low, high, custom)
            depth = 1 if step.once else chain_depth(matching, sides, n)
            bits += depth * face_bits
            span += sides * depth
            runs += 2 * depth
            extra += sides * depth * 4
            if step.mode != "compound":
                chains = sum(matching ** (r - 1) * (sides - matching) for r in range(1, depth + 1))
                states = max(states, _multisets(pool, sides + chains))
                if ranked:
                    general = True
    work = extra * max(len(steps), 1) + sparse
    if steps or any(isinstance(m, CountSuccesses) for m in node.modifiers):
        work += sides * (len(steps) + 1) * 1000
    if any(isinstance(m, CountSuccesses) for m in node.modifiers):
        span = min(span, 2 * (n + 1) * (1 + extra / max(sides, 1)))
        runs = min(runs, span)
    if general:
        expanding = sum(
            1
            for s in steps
            if isinstance(s, Explode) or (isinstance(s, Reroll) and s.mode != "add")
        )
        return _multiset(n, sides, span, bits, work, states=states, expanding=expanding)
    if ranked:
        keep = ranked[0]
        amount = keep.selector.value
        if isinstance(keep, Drop):
            amount = n - amount
        amount = max(0, min(amount, n))
        if 0 < amount < n:
            words = amount * span * n * bits / 64 + 1
            work += span * amount * amount / 2 * words + span * amount * amount * n * bits / 64
            return _Size(amount * span, n * bits, work)
    total = n * span
    words = n * bits / 64 + 1
    work += total * min(runs, span) * (words + 50) + 100 * total + 10 * sides
    return _Size(total, n * bits, work)


def _ranked_explosion(n: int, sides: int, face_bits: float, ranked: Keep | Drop) -> _Size:
    """`explode.ranked_exploding_weights`: the chain's powers, the best few of `n` ordinary dice
    for each number of top faces until that settles, and their mix."""
    depth = chain_depth(1, sides, n)
    chain = n * depth + 1
    bits = n * (depth + 1) * face_bits
    words = bits / 64 + 1
    amount = min(ranked.selector.value, n)
    if isinstance(ranked, Keep):
        most, calls = amount, amount + 1
    elif ranked.selector.op == "l":
        most, calls = n - amount, 1
    else:
        most, calls = n - 1, amount + 1
    rank_words = most * sides * n * face_bits / 64 + 1
    ranking = sides * most * most / 2 * rank_words + sides * most * most * n * face_bits / 64
    ordinary = most * sides + 1
    settled = min(ranked.selector.value, chain)
    work = calls * ranking + settled * ordinary * words
    outcomes = ordinary + settled * sides
    if isinstance(ranked, Drop):
        work += chain * 20 * words + chain * ordinary * words
        outcomes += chain * sides
    else:
        work += settled * 20 * words
    return _Size(outcomes, bits, work)


def _multisets(count: int, kinds: float) -> float:
    """Multisets of `count` dice of `kinds` kinds."""
    if kinds >= 10**4 or count >= 10**3:
        return math.inf
    return math.comb(count + int(kinds) - 1, count)


def _multiset(
    n: int, sides: int, span: float, bits: float, work: float, *, states: float, expanding: int
) -> _Size:
    """The multiset kernel; each reroll or explosion step (`expanding`) merges, die by die, up
    to `sides` outcomes into every state's growing multisets, with big-integer weights."""
    states = max(states, _multisets(n, sides))
    if states > MULTISET_STATES:
        raise LimitError(_TOO_LARGE)
    work += states * n * 200 + expanding * states * n * n * sides * (n * bits / 64 + 1) * 5
    return _Size(n * span, n * bits, work)


def _set(node: Set, readings: Readings) -> _Size:
    sizes = [estimate(item, readings) for item in node.items]
    work = sum(s.work for s in sizes)
    bits = sum(s.bits for s in sizes)
    outcomes = sum(s.outcomes for s in sizes)
    ranked = any(isinstance(m, Keep | Drop) and m.selector.op in ("h", "l") for m in node.modifiers)
    if ranked:
        combinations = math.prod(s.outcomes for s in sizes)
        work += min(combinations * len(sizes) * 4, outcomes * len(sizes) ** 3 * bits / 64)
    else:
        work += outcomes * outcomes * (bits / 64 + 1)
    return _Size(outcomes, bits, work)
