"""The chance that a roll draws more extra dice than the engine allows (`MAX_DICE`).

The roller refuses a roll whose rerolls and explosions, across all pools and repetitions, draw
more than `Expression.spare` dice. Tracking that jointly with the totals would square the work,
so the distribution ignores it and this module bounds the mass involved instead: extra draws
are counted as if every die stayed active (more draws than the roller makes), and the chance of
exceeding the spare dice is bounded by a Chernoff bound on that count.
"""

from __future__ import annotations

import dataclasses
import math
from typing import TYPE_CHECKING

from nazh.dice.ast import Clamp, ComputedDice, Dice, Drop, Explode, Keep, Reroll, traced_nodes
from nazh.dice.bounds import bounds
from nazh.dice.errors import LimitError
from nazh.dice.limits import MAX_CHAIN, MAX_DICE, MAX_SIDES
from nazh.dice.odds.pool import PoolModel, chain_depth, repeat_chain
from nazh.dice.odds.weights import Weights

if TYPE_CHECKING:
    from nazh.dice.expression import Expression
    from nazh.dice.readings import Readings

__all__ = ("budget_overrun",)

TOLERANCE = 1e-9
"""A bound above this refuses exact odds instead of being reported as truncation."""

_OVER = "that roll too often needs more than the dice limit for exact odds"


def budget_overrun(expression: Expression) -> float:
    """A bound on the chance that the roll exceeds the dice limit (0.0 if it never can);
    `LimitError` if the bound is not small. Computed dice count at their most: if that can
    exceed the limit, `LimitError`."""
    computed = sum(
        _most_computed(node, expression.readings)
        for node in traced_nodes(expression.root)
        if isinstance(node, ComputedDice)
    )
    if computed and expression.repeat * computed > expression.spare:
        raise LimitError(_OVER)
    spare = expression.spare - expression.repeat * computed
    models = [
        PoolModel(node)
        for node in traced_nodes(expression.root)
        if isinstance(node, Dice) and any(isinstance(m, Reroll | Explode) for m in node.modifiers)
    ]
    repeat = expression.repeat
    if repeat * sum(_most_draws(model) for model in models) <= spare:
        return 0.0
    units = [unit for model in models for unit in _pool_draws(model)]
    most = repeat * sum(max(unit.counts, default=0) * n for unit, n in units)
    if most <= spare:
        return 0.0
    bound = _chernoff(units, repeat, spare)
    if bound > TOLERANCE:
        raise LimitError(_OVER)
    return bound


def _most_computed(node: ComputedDice, readings: Readings) -> int:
    """The most dice computed dice draw, their count and rerolls or explosions together."""
    written = node.dice
    count, sides = written.count, written.sides
    if node.count is not None:
        count = min(MAX_DICE, int(bounds(node.count, readings)[1]))
    if node.sides is not None:
        sides = max(1, min(MAX_SIDES, int(bounds(node.sides, readings)[1])))
    pool = dataclasses.replace(written, count=count, sides=sides)
    if not any(isinstance(m, Reroll | Explode) for m in pool.modifiers):
        return count
    return count + _most_draws(PoolModel(pool))


def _chernoff(units: list[tuple[Weights, int]], repeat: int, spare: int) -> float:
    """min over t of E[exp(t * draws)] * exp(-t * (spare + 1)), in logarithms."""
    moments: list[tuple[list[tuple[int, float]], int]] = []
    for unit, n in units:
        terms = [(e, math.log(w) - math.log(unit.denom)) for e, w in unit.counts.items() if w]
        moments.append((terms, n * repeat))
    best = 0.0
    for step in range(1, 400):
        t = step * 0.05
        log_bound = -t * (spare + 1)
        for terms, copies in moments:
            exponents = [log_p + t * e for e, log_p in terms]
            top = max(exponents)
            log_bound += copies * (top + math.log(sum(math.exp(x - top) for x in exponents)))
        best = min(best, log_bound)
    return math.exp(best) * 1.01 if best > -700 else 0.0


def _most_draws(model: PoolModel) -> int:
    """An upper bound on the extra dice a pool draws, without working out their distribution."""
    per_die = per_pool = 0
    for step in reversed(model.steps):
        if isinstance(step, Reroll):
            if step.mode == "add":
                per_pool += 1 + per_die
            elif step.mode == "once":
                per_die += 1
            else:
                per_die += MAX_CHAIN
        elif isinstance(step, Explode):
            depth = model.depth(step)
            if step.mode == "compound":
                per_die += depth
            else:
                per_die += depth * (1 + per_die)
    return model.count * per_die + per_pool


def _pool_draws(model: PoolModel) -> list[tuple[Weights, int]]:
    """Independent draw counts of a pool: `(per-unit weights, copies)`."""
    draws = _Draws(model)
    found = [(draws.unit(), model.count)]
    for index, step in enumerate(model.steps):
        if isinstance(step, Reroll) and step.mode == "add":
            found.append((draws.fresh(index + 1).shifted(1), 1))
    return found


class _Draws:
    """`draws(i, face)`: extra dice drawn by a die entering step `i` with `face`."""

    __slots__ = ("cache", "model")

    def __init__(self, model: PoolModel) -> None:
        self.model = model
        self.cache: dict[tuple[int, int], Weights] = {}

    def unit(self) -> Weights:
        return self.fresh(0)

    def fresh(self, index: int) -> Weights:
        """A newly drawn die entering step `index`."""
        faces = self.model.faces
        return Weights.total(self.draws(index, f) for f in faces).scaled(1, len(faces))

    def draws(self, index: int, face: int) -> Weights:
        key = (index, face)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._draws(index, face)
        return found

    def _draws(self, index: int, face: int) -> Weights:
        model = self.model
        steps = model.steps
        if index == len(steps):
            return Weights.point(0)
        step = steps[index]
        following = index + 1
        if isinstance(step, Clamp | Keep | Drop) or (
            isinstance(step, Reroll) and step.mode == "add"
        ):
            return self.draws(following, face)
        assert isinstance(step, Reroll | Explode)
        if not model.matches(step, face):
            return self.draws(following, face)
        sides = model.sides
        matching = model.matching(step)
        fresh = [(f, self.draws(following, f).shifted(1)) for f in model.faces]
        stop = Weights.total(w for f, w in fresh if not model.matches(step, f)).scaled(1, sides)
        again = Weights.total(w for f, w in fresh if model.matches(step, f)).scaled(1, sides)
        if isinstance(step, Reroll):
            if step.mode == "once":
                return Weights.total([stop, again])
            return repeat_chain(
                stop, Weights({1: matching}, sides, matching), MAX_CHAIN, roller_limit=True
            )
        depth = chain_depth(matching, sides, model.count)
        if step.mode == "compound" and step.once:
            return self.draws(following, face).shifted(1)
        if step.mode == "compound":
            counted = repeat_chain(
                Weights({1: sides - matching}, sides, sides - matching),
                Weights({1: matching}, sides, matching),
                depth,
                roller_limit=True,
            )
            return counted.plus(self.draws(following, face))
        if step.once:
            chained = Weights.total([stop, again])
        else:
            chained = repeat_chain(stop, again, depth, roller_limit=True)
        return self.draws(following, face).plus(chained)
