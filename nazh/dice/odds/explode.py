"""Pools that explode on one face (`3d6!`, `10d10!10>=7`, `4d6!kh3`), in closed form.

One die worked out to `depth` explosions adds `A(x) * G(x**a)`, where `A` weighs the faces that
stop the chain by their scores, `a` is the exploding face's score and
`G(z) = sum(sides**(depth - j) * z**j for j in 0..depth)` weighs the number of explosions. The
pool's total is then `A**n * G(x**a)**n`, and the `n`-th power of the geometric `G` is a count of
compositions times powers of `sides`: a few small-integer kernels instead of multiplying the long
weights of one die's whole chain.

A pool that explodes on its top face and then keeps or drops dice by rank (`4d6!kh3`) holds, when
every chain has ended, `E` dice on the top face (the explosions, `E` distributed as above) and
`n` dice on the other faces. The top faces rank above all the others, so what is kept is a number
of top faces and the highest or lowest few of `n` ordinary dice, both decided by `E` alone.
"""

from __future__ import annotations

from operator import add
from typing import TYPE_CHECKING

from nazh.dice.ast import (
    CountFailures,
    CountSuccesses,
    CritRange,
    Drop,
    Explode,
    Keep,
    face_range,
)
from nazh.dice.limits import MAX_CHAIN
from nazh.dice.odds.kernels import keep_ranked, power
from nazh.dice.odds.weights import Weights

if TYPE_CHECKING:
    from nazh.dice.ast import (
        Dice,
    )
    from nazh.dice.odds.pool import PoolModel

__all__ = ("exploding_weights", "ranked_exploding_weights", "ranked_explosion")


def exploding_weights(model: PoolModel) -> Weights | None:
    """The pool's total if its only step is a plain explosion on a single face, else None.

    Equal to the per-die route's result: the same depth, and the chance of a longer chain
    refused (at the roller's limit) or left unworked (truncated) as there.
    """
    if len(model.steps) != 1:
        return None
    step = model.steps[0]
    if (
        not isinstance(step, Explode)
        or step.mode != "explode"
        or step.once
        or model.matching(step) != 1
    ):
        return None
    sides, n = model.sides, model.count
    if sides == 1:
        return None
    depth = model.depth(step)
    exploding = next(face for face in model.faces if model.matches(step, face))
    stopping: dict[int, int] = {}
    for face in model.faces:
        if face != exploding:
            key = model.score(face)
            stopping[key] = stopping.get(key, 0) + 1
    stops = Weights(stopping, sides, sides - 1).times(n)
    chains = _chain_counts(sides, depth, n)
    counts = _spread(stops.counts, chains, model.score(exploding))
    per_die = sides ** (depth + 1)
    refused = 1 if depth == MAX_CHAIN else 0
    return Weights(counts, per_die**n, (per_die - refused) ** n)


def ranked_explosion(node: Dice) -> tuple[Explode, Keep | Drop] | None:
    """The steps of a pool that explodes on its top face only and then keeps or drops by rank,
    without counting successes (`4d6!kh3`, `6d10!dl2`); None for any other pool."""
    modifiers = node.modifiers
    if any(isinstance(m, CountSuccesses | CountFailures) for m in modifiers):
        return None
    steps = [m for m in modifiers if not isinstance(m, CritRange)]
    if len(steps) != 2:
        return None
    explode, ranked = steps
    if not isinstance(explode, Explode) or explode.mode != "explode" or explode.once:
        return None
    if node.faces is not None:
        return None
    if not isinstance(ranked, Keep | Drop) or ranked.selector.op not in ("h", "l"):
        return None
    low, high = face_range(node.sides)
    selector = explode.selector
    if high == low or (
        selector is not None and (not selector.matches(high) or selector.matches(high - 1))
    ):
        return None
    return explode, ranked


def ranked_exploding_weights(model: PoolModel) -> Weights | None:
    """The total of a `ranked_explosion` pool, worked out to the per-die route's depth."""
    found = ranked_explosion(model.node)
    if found is None:
        return None
    explode, ranked = found
    n, sides, top = model.count, model.sides, model.faces[-1]
    depth = model.depth(explode)
    plan = _RankedPlan(ranked, n)
    if plan.growing:
        chains = _chain_counts(sides, depth, n)
    else:
        # Only the chance of each count below `steady` matters, and of the rest together.
        chains = _chain_counts(sides, depth, n, limit=plan.steady - 1) if plan.steady else []
        chains.append(((sides ** (depth + 1) - 1) // (sides - 1)) ** n - sum(chains))
    others = list(model.faces)[:-1]
    parts: dict[tuple[int, bool], dict[int, int]] = {}

    def ordinary(count: int, highest: bool) -> dict[int, int]:
        key = (count, highest)
        if key not in parts:
            parts[key] = _best_of(others, n, count, highest=highest)
        return parts[key]

    counts: dict[int, int] = {}
    for explosions in range(min(plan.steady, len(chains))):
        tops, count = plan.kept(explosions)
        weight = chains[explosions]
        for value, ways in ordinary(count, plan.highest).items():
            key = value + tops * top
            counts[key] = counts.get(key, 0) + weight * ways
    tail = chains[plan.steady :]
    if tail:
        tops, count = plan.kept(plan.steady)
        rest = ordinary(count, plan.highest)
        if plan.growing:
            spread = _spread(rest, tail, top)
            shifted = {value + tops * top: ways for value, ways in spread.items()}
        else:
            total = sum(tail)
            shifted = {value + tops * top: ways * total for value, ways in rest.items()}
        for key, ways in shifted.items():
            counts[key] = counts.get(key, 0) + ways
    per_die = sides ** (depth + 1)
    refused = 1 if depth == MAX_CHAIN else 0
    return Weights(counts, per_die**n, (per_die - refused) ** n)


class _RankedPlan:
    """What a keep or drop by rank keeps of `E` top faces and `n` ordinary dice, as `E` grows.

    `kept(E)` is (top faces kept, ordinary dice kept); `highest` says which ordinary dice; from
    `steady` explosions on, the ordinary dice kept no longer change and the top faces kept are
    constant, or (`growing`) one more per explosion.
    """

    __slots__ = ("amount", "growing", "highest", "keep", "n", "steady")

    def __init__(self, ranked: Keep | Drop, n: int) -> None:
        self.n = n
        self.amount = ranked.selector.value
        self.keep = isinstance(ranked, Keep)
        high = ranked.selector.op == "h"
        self.highest = high == self.keep
        if self.keep:
            self.steady = self.amount if high else max(0, self.amount - n)
            self.growing = False
        else:
            self.steady = max(0, self.amount - n) if not high else self.amount
            self.growing = True

    def kept(self, explosions: int) -> tuple[int, int]:
        n, amount = self.n, self.amount
        if self.keep and self.highest:
            tops = min(explosions, amount)
            return tops, min(n, amount - tops)
        if self.keep:
            return min(explosions, max(0, amount - n)), min(n, amount)
        if self.highest:
            dropped = min(n, amount)
            return max(0, explosions - (amount - dropped)), n - dropped
        dropped_tops = min(explosions, amount)
        return explosions - dropped_tops, n - min(n, amount - dropped_tops)


def _best_of(faces: list[int], n: int, count: int, *, highest: bool) -> dict[int, int]:
    """Counts of the sum of the `count` highest (or lowest) of `n` dice showing `faces`, out of
    `len(faces) ** n`."""
    if count <= 0:
        return {0: len(faces) ** n}
    if count >= n:
        return Weights.uniform(faces[0], faces[-1]).times(n).counts
    ordered = sorted(faces, reverse=highest)
    low, weights = keep_ranked([(1, face) for face in ordered], n, count)
    return {low + i: w for i, w in enumerate(weights) if w}


def _chain_counts(sides: int, depth: int, n: int, limit: int | None = None) -> list[int]:
    """Coefficients of `G(z) ** n` (up to `[z**limit]`): `[z**m]` is `sides**(n*depth - m)`
    times the ways to share `m` explosions among `n` dice with at most `depth` each."""
    ways = power([1] * (depth + 1), n, limit)
    scale = sides ** (n * depth - len(ways) + 1)
    chains = [0] * len(ways)
    for m in range(len(ways) - 1, -1, -1):
        chains[m] = ways[m] * scale
        scale *= sides
    return chains


def _spread(stops: dict[int, int], chains: list[int], step: int) -> dict[int, int]:
    """Counts of `stop + step * m` over the stopping totals and the explosion counts `m`."""
    if step <= 0:
        counts: dict[int, int] = {}
        for m, chain in enumerate(chains):
            for value, weight in stops.items():
                key = value + step * m
                counts[key] = counts.get(key, 0) + weight * chain
        return counts
    low = min(stops)
    span = max(stops) - low + step * (len(chains) - 1) + 1
    out = [0] * span
    for value, weight in stops.items():
        start = value - low
        stop = start + step * len(chains)
        scaled = chains if weight == 1 else [weight * chain for chain in chains]
        out[start:stop:step] = map(add, out[start:stop:step], scaled)
    return {low + i: w for i, w in enumerate(out) if w}
