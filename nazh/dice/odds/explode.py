"""Pools whose only step explodes on one face (`3d6!`, `10d10!>=8`), in closed form.

One die worked out to `depth` explosions adds `A(x) * G(x**a)`, where `A` weighs the faces that
stop the chain by their scores, `a` is the exploding face's score and
`G(z) = sum(sides**(depth - j) * z**j for j in 0..depth)` weighs the number of explosions. The
pool's total is then `A**n * G(x**a)**n`, and the `n`-th power of the geometric `G` is a count of
compositions times powers of `sides`: a few small-integer kernels instead of multiplying the long
weights of one die's whole chain.
"""

from operator import add

from ..ast import Explode
from ..limits import MAX_CHAIN
from .kernels import power
from .pool import PoolModel
from .weights import Weights

__all__ = ("exploding_weights",)


def exploding_weights(model: PoolModel) -> Weights | None:
    """The pool's total if its only step is a plain explosion on a single face, else None.

    Equal to the per-die route's result: the same depth, and the chance of a longer chain
    refused (at the roller's limit) or left unworked (truncated) as there.
    """
    if len(model.steps) != 1:
        return None
    step = model.steps[0]
    if not isinstance(step, Explode) or step.mode != "explode" or model.matching(step) != 1:
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


def _chain_counts(sides: int, depth: int, n: int) -> list[int]:
    """Coefficients of `G(z) ** n`: `[z**m]` is `sides**(n*depth - m)` times the ways to share
    `m` explosions among `n` dice with at most `depth` each."""
    ways = power([1] * (depth + 1), n)
    scale = 1
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
