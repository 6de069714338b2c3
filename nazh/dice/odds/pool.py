"""The exact distribution of one pool of dice (`Dice` node), following the roller step by step.

The roller (`nazh.dice.evaluator`) draws the pool, then runs each modifier in written order on
the active dice; rerolled and compounded dice go inactive, dropped dice too. Three routes:

- per-die: no keep/drop by rank and no `ra`. Every die evolves independently, so the pool's
  total is the sum of `n` independent copies of one die's score, worked out backwards through
  the steps (`_Backward`) and raised to the `n`-th power.
- ranked: one keep/drop by rank, preceded by steps that leave one active die per die (rerolls,
  compounding, clamps, keep/drop by comparison) and followed only by clamps, keep/drop by
  comparison and counting. Each die's state is propagated forwards, then the descending-outcome
  programme of `kernels.keep_ranked` picks the kept dice.
- anything else: the pool as an explicit multiset of dice (`_multiset_pool`), within a budget.

Chains (reroll until, explosions, compounding) stop where the roller does, at `MAX_CHAIN`
draws (the rest is refused mass), or earlier for explosions once the chance of going further
is negligible (the rest is left unworked and reported as truncated).
"""

from __future__ import annotations

import math
from itertools import combinations_with_replacement
from typing import TYPE_CHECKING

from nazh.dice.ast import (
    Clamp,
    CountFailures,
    CountSuccesses,
    Drop,
    Explode,
    Keep,
    Reroll,
    dice_face_range,
)
from nazh.dice.errors import LimitError
from nazh.dice.limits import MAX_CHAIN
from nazh.dice.odds.kernels import keep_ranked
from nazh.dice.odds.weights import Weights

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from nazh.dice.ast import (
        Dice,
        Selector,
    )

__all__ = ("PoolModel", "chain_depth", "pool_weights", "repeat_chain", "select_ranked")

CHAIN_TAIL = 1e-11
"""Chance, per die, of an explosion chain longer than the depth worked out."""

MULTISET_STATES = 60_000
"""Most multiset states the general route may hold."""

Step = Reroll | Explode | Clamp | Keep | Drop
DieState = tuple[int, int]
"""`(face, value)` of an active die."""


def chain_depth(matching: int, sides: int, dice: int) -> int:
    """Extra dice to work out per chain: the roller's limit, or where the rest is negligible."""
    if matching == 0:
        return 1
    ratio = matching / sides
    if ratio >= 1:
        return MAX_CHAIN
    needed = math.log(CHAIN_TAIL / max(dice, 1)) / math.log(ratio)
    return max(1, min(MAX_CHAIN, math.ceil(needed)))


class PoolModel:
    """Static facts about a pool: faces, steps, and how a kept die scores.

    `faces` lists each side's face, once per side (custom faces may repeat), `top` the highest.
    """

    __slots__ = ("count", "faces", "failure", "node", "sides", "steps", "success", "top")

    def __init__(self, node: Dice) -> None:
        self.node = node
        self.count = node.count
        low, high = dice_face_range(node)
        self.faces: Sequence[int] = (
            range(low, high + 1) if node.faces is None else sorted(node.faces)
        )
        self.sides = len(self.faces)
        self.top = high
        self.steps: list[Step] = [
            m for m in node.modifiers if isinstance(m, Reroll | Explode | Clamp | Keep | Drop)
        ]
        self.success: Selector | None = None
        self.failure: Selector | None = None
        for modifier in node.modifiers:
            if isinstance(modifier, CountSuccesses):
                self.success = modifier.selector
            elif isinstance(modifier, CountFailures):
                self.failure = modifier.selector

    def score(self, value: int) -> int:
        """What an active die adds to the pool's total."""
        if self.success is None:
            return value
        net = 1 if self.success.matches(value) else 0
        if self.failure is not None and self.failure.matches(value):
            net -= 1
        return net

    def matches(self, step: Reroll | Explode, face: int) -> bool:
        """Whether a reroll or explosion triggers on a face."""
        if isinstance(step, Explode) and step.selector is None:
            return face == self.top
        assert step.selector is not None
        return step.selector.matches(face)

    def matching(self, step: Reroll | Explode) -> int:
        """How many faces trigger a reroll or explosion."""
        return sum(1 for face in self.faces if self.matches(step, face))

    def depth(self, step: Reroll | Explode) -> int:
        """Extra dice worked out per chain of this step."""
        if isinstance(step, Reroll):
            return MAX_CHAIN
        if step.once:
            return 1
        return chain_depth(self.matching(step), self.sides, self.count)

    def die(self) -> Weights:
        """One die's natural face."""
        return self.tally(self.faces)

    def tally(self, faces: Iterable[int]) -> Weights:
        """Each of `faces` (some of this pool's sides) with weight one, out of all sides."""
        counts: dict[int, int] = {}
        for face in faces:
            counts[face] = counts.get(face, 0) + 1
        known = sum(counts.values())
        return Weights(counts, self.sides, known)


def _is_ranked(step: Step) -> bool:
    return isinstance(step, Keep | Drop) and step.selector.op in ("h", "l")


def _is_value_map(step: Step) -> bool:
    return isinstance(step, Clamp) or (isinstance(step, Keep | Drop) and not _is_ranked(step))


def _clamp(step: Clamp, value: int) -> int:
    if step.bound == "min":
        return max(value, step.value)
    return min(value, step.value)


def _survives(step: Keep | Drop, value: int) -> bool:
    return step.selector.matches(value) == isinstance(step, Keep)


def repeat_chain(first: Weights, again: Weights, depth: int, *, roller_limit: bool) -> Weights:
    """`C(depth)` with `C(r) = first + again * C(r - 1)` and `C(0)` refused or unworked."""
    start = Weights.nothing(refused=roller_limit)
    if len(again.counts) == 1:
        return _point_chain(first, again, depth, start)
    result = start
    for _ in range(depth):
        result = Weights.total([first, again.plus(result)])
    return result


def _point_chain(first: Weights, again: Weights, depth: int, start: Weights) -> Weights:
    """`repeat_chain` for a single-valued `again`, unrolled: `sum(again**j * first)`."""
    ((step, weight),) = again.counts.items()
    step_denom = again.denom
    denom = 1
    for _ in range(depth):
        denom = math.lcm(first.denom, step_denom * denom)
    counts: dict[int, int] = {}
    alive = 0
    scale = denom // first.denom
    power = alive_power = 1
    for j in range(depth):
        factor = power * scale
        offset = j * step
        for value, count in first.counts.items():
            key = value + offset
            counts[key] = counts.get(key, 0) + count * factor
        alive += alive_power * first.alive * scale
        power *= weight
        alive_power *= again.alive
        scale //= step_denom
    alive += alive_power * start.alive * (denom // step_denom**depth)
    return Weights(counts, denom, alive)


def pool_weights(model: PoolModel) -> Weights:
    """The distribution of the pool's total."""
    steps = model.steps
    if not steps and model.success is None:
        return model.die().times(model.count)
    if any(isinstance(s, Reroll) and s.mode == "add" for s in steps):
        return _multiset_pool(model)
    ranked = [i for i, step in enumerate(steps) if _is_ranked(step)]
    if not ranked:
        return _Backward(model).unit().times(model.count)
    if len(ranked) == 1:
        at = ranked[0]
        before, after = steps[:at], steps[at + 1 :]
        single = all(not (isinstance(s, Explode) and s.mode != "compound") for s in before)
        if single and all(_is_value_map(s) for s in after):
            result = _ranked_pool(model, before, steps[at], after)
            if result is not None:
                return result
    return _multiset_pool(model)


# -- per-die route --------------------------------------------------------------------------


class _Backward:
    """`score(i, face, value)`: the measure of what a die entering step `i` adds to the total."""

    __slots__ = ("cache", "chains", "model")

    def __init__(self, model: PoolModel) -> None:
        self.model = model
        self.cache: dict[tuple[int, int, int], Weights] = {}
        self.chains: dict[int, Weights] = {}

    def unit(self) -> Weights:
        faces = self.model.faces
        return Weights.total(self.score(0, f, f) for f in faces).scaled(1, len(faces))

    def score(self, index: int, face: int, value: int) -> Weights:
        key = (index, face, value)
        found = self.cache.get(key)
        if found is None:
            found = self.cache[key] = self._score(index, face, value)
        return found

    def _score(self, index: int, face: int, value: int) -> Weights:
        model = self.model
        if index == len(model.steps):
            return Weights.point(model.score(value))
        step = model.steps[index]
        following = index + 1
        if isinstance(step, Clamp):
            return self.score(following, face, _clamp(step, value))
        if isinstance(step, Keep | Drop):
            if _survives(step, value):
                return self.score(following, face, value)
            return Weights.point(0)
        if not model.matches(step, face):
            return self.score(following, face, value)
        if isinstance(step, Reroll):
            return self.chain(index)
        if step.mode == "compound":
            return self.compound(index, face, value)
        return self.score(following, face, value).plus(self.chain(index))

    def chain(self, index: int) -> Weights:
        """What the dice drawn by a reroll or an explosion at step `index` add."""
        found = self.chains.get(index)
        if found is not None:
            return found
        model = self.model
        step = model.steps[index]
        assert isinstance(step, Reroll | Explode)
        following = index + 1
        sides = model.sides
        if isinstance(step, Reroll):
            fresh = [(f, self.score(following, f, f)) for f in model.faces]
        else:
            penalty = 1 if step.mode == "penetrate" else 0
            fresh = [(f, self.score(following, f, f - penalty)) for f in model.faces]
        stop = Weights.total(w for f, w in fresh if not model.matches(step, f)).scaled(1, sides)
        if (isinstance(step, Reroll) and step.mode == "once") or (
            isinstance(step, Explode) and step.once
        ):
            again = Weights.total(w for f, w in fresh if model.matches(step, f)).scaled(1, sides)
            found = Weights.total([stop, again])
        elif isinstance(step, Reroll):
            again = Weights({0: model.matching(step)}, sides, model.matching(step))
            found = repeat_chain(stop, again, MAX_CHAIN, roller_limit=True)
        else:
            again = Weights.total(w for f, w in fresh if model.matches(step, f)).scaled(1, sides)
            depth = model.depth(step)
            found = repeat_chain(stop, again, depth, roller_limit=depth == MAX_CHAIN)
        self.chains[index] = found
        return found

    def compound(self, index: int, face: int, value: int) -> Weights:
        """A compounding die: its value grows by the faces of its chain."""
        model = self.model
        step = model.steps[index]
        assert isinstance(step, Explode)
        extra = _compound_extra(model, step)
        parts = [
            self.score(index + 1, face, value + added).scaled(weight, 1)
            for added, weight in extra.counts.items()
        ]
        parts.append(Weights({}, 1, extra.alive - extra.mass))
        return Weights.total(parts).scaled(1, extra.denom)


def _compound_extra(model: PoolModel, step: Explode) -> Weights:
    if step.once:
        return model.die()
    stop = model.tally(f for f in model.faces if not model.matches(step, f))
    again = model.tally(f for f in model.faces if model.matches(step, f))
    depth = model.depth(step)
    return repeat_chain(stop, again, depth, roller_limit=depth == MAX_CHAIN)


# -- ranked route ---------------------------------------------------------------------------

StateWeights = dict[DieState | None, int]
"""Weights of one die's states; `None` is a die made inactive (dropped by comparison)."""


def _forward(model: PoolModel, steps: list[Step]) -> tuple[StateWeights, int, int]:
    """One die's states after steps that keep it a single die: `(weights, denom, alive)`."""
    states: StateWeights = {}
    for f in model.faces:
        states[f, f] = states.get((f, f), 0) + 1
    denom = alive = model.sides
    for step in steps:
        updated: StateWeights = {}
        if isinstance(step, Clamp | Keep | Drop):
            for state, weight in states.items():
                if state is None:
                    key = None
                elif isinstance(step, Clamp):
                    key = (state[0], _clamp(step, state[1]))
                else:
                    key = state if _survives(step, state[1]) else None
                updated[key] = updated.get(key, 0) + weight
            states = updated
            continue
        assert isinstance(step, Reroll | Explode)
        fresh = isinstance(step, Reroll)
        source = _fresh_reroll(model, step) if fresh else _compound_extra(model, step)
        scale = source.denom
        moved_alive = 0
        for state, weight in states.items():
            if state is None or not model.matches(step, state[0]):
                updated[state] = updated.get(state, 0) + weight * scale
                moved_alive += weight * scale
                continue
            moved_alive += weight * source.alive
            for outcome, inner in source.counts.items():
                key = (outcome, outcome) if fresh else (state[0], state[1] + outcome)
                updated[key] = updated.get(key, 0) + weight * inner
        known = sum(states.values())
        alive = alive * scale - known * scale + moved_alive
        denom *= scale
        states = updated
    return states, denom, alive


def _fresh_reroll(model: PoolModel, step: Reroll) -> Weights:
    """Face of the die that replaces a rerolled one."""
    sides = model.sides
    stop = model.tally(f for f in model.faces if not model.matches(step, f))
    if step.mode == "once":
        return model.die()
    matching = model.matching(step)
    again = Weights({0: matching}, sides, matching)
    return repeat_chain(stop, again, MAX_CHAIN, roller_limit=True)


def _ranked_pool(
    model: PoolModel, before: list[Step], ranked: Step, after: list[Step]
) -> Weights | None:
    assert isinstance(ranked, Keep | Drop)
    states, denom, alive = _forward(model, before)
    n = model.count
    amount = ranked.selector.value
    highest = ranked.selector.op == "h"
    absent = states.get(None, 0)
    if isinstance(ranked, Drop):
        if absent:
            return None
        amount = n - amount
        highest = not highest
    by_value: dict[int, int] = {}
    for state, weight in states.items():
        if state is not None and weight:
            by_value[state[1]] = by_value.get(state[1], 0) + weight

    def score(value: int) -> int:
        for step in after:
            if isinstance(step, Clamp):
                value = _clamp(step, value)
            elif isinstance(step, Keep | Drop) and not _survives(step, value):
                return 0
        return model.score(value)

    plain = not after and model.success is None

    full_denom, full_alive = denom**n, alive**n
    if amount <= 0:
        known = sum(states.values()) ** n
        return Weights({0: known} if known else {}, full_denom, full_alive)
    if amount >= n:
        die = Weights({}, denom, alive)
        for value, weight in by_value.items():
            key = score(value)
            die.counts[key] = die.counts.get(key, 0) + weight
        if absent:
            die.counts[0] = die.counts.get(0, 0) + absent
        return die.times(n)
    selected = select_ranked(
        by_value, absent, n, amount, highest=highest, score=None if plain else score
    )
    return selected.reframed(full_denom, full_alive)


def select_ranked(
    by_value: dict[int, int],
    absent: int,
    n: int,
    amount: int,
    *,
    highest: bool,
    score: Callable[[int], int] | None,
) -> Weights:
    """Total score of the `amount` highest (or lowest) of `n` independent dice, `0 < amount < n`.

    `by_value` weighs each value a die can take and `absent` a die that is not in the pool
    (never ranked, adds nothing); a kept die adds `score(value)`, or its value if `score` is
    None. The result's denominator is the total weight to the `n`-th.
    """
    order = sorted(by_value, reverse=highest)
    if score is None:
        outcomes = [(by_value[v], v) for v in order]
    else:
        outcomes = [(by_value[v], score(v)) for v in order]
    if absent:
        outcomes.append((absent, 0))
    known = sum(w for w, _ in outcomes) ** n
    if not outcomes:
        return Weights({}, 1, 0)
    low, weights = keep_ranked(outcomes, n, amount)
    counts = {low + i: w for i, w in enumerate(weights) if w}
    return Weights(counts, known, known)


# -- general route --------------------------------------------------------------------------

Multiset = tuple[DieState, ...]


class _Measure:
    """Weights of pool states on one denominator, with the refused/unworked bookkeeping."""

    __slots__ = ("alive", "denom", "states")

    def __init__(self, states: dict[Multiset, int], denom: int, alive: int) -> None:
        self.states = states
        self.denom = denom
        self.alive = alive


def _die_outcomes(
    model: PoolModel, step: Step, die: DieState
) -> tuple[list[tuple[Multiset, int]], int, int]:
    """What one active die becomes under a per-die step: `(outcomes, denom, alive)`."""
    face, value = die
    if isinstance(step, Clamp):
        return [(((face, _clamp(step, value)),), 1)], 1, 1
    if isinstance(step, Keep | Drop):
        return [((die,) if _survives(step, value) else (), 1)], 1, 1
    assert isinstance(step, Reroll | Explode)
    if not model.matches(step, face):
        return [((die,), 1)], 1, 1
    if isinstance(step, Reroll):
        fresh = _fresh_reroll(model, step)
        return [(((f, f),), w) for f, w in fresh.counts.items()], fresh.denom, fresh.alive
    if step.mode == "compound":
        extra = _compound_extra(model, step)
        outcomes = [(((face, value + t),), w) for t, w in extra.counts.items()]
        return outcomes, extra.denom, extra.alive
    penalty = 1 if step.mode == "penetrate" else 0
    depth = model.depth(step)
    sides = model.sides
    chains: list[tuple[Multiset, int]] = []
    growing: list[tuple[Multiset, int]] = [((die,), 1)]
    scale = 1
    for _ in range(depth):
        scale *= sides
        following: list[tuple[Multiset, int]] = []
        for dice, weight in growing:
            for f in model.faces:
                extended = (*dice, (f, f - penalty))
                if model.matches(step, f) and not step.once:
                    following.append((extended, weight))
                else:
                    chains.append((extended, weight * sides ** (depth - len(extended) + 1)))
        growing = following
        _guard(len(chains) + len(growing))
    refused = depth == MAX_CHAIN
    lost = sum(w for _, w in growing)
    alive = scale - (lost if refused else 0)
    return chains, scale, alive


def _guard(states: int) -> None:
    if states > MULTISET_STATES:
        raise LimitError("that roll is too complex for exact odds")


def _initial(model: PoolModel) -> _Measure:
    n, sides = model.count, model.die().counts
    faces = sorted(sides)
    _guard(math.comb(n + len(faces) - 1, n))
    states: dict[Multiset, int] = {}
    top = math.factorial(n)
    for combo in combinations_with_replacement(faces, n):
        weight = top
        run = 1
        for i in range(n):
            weight *= sides[combo[i]]
            if i + 1 < n and combo[i + 1] == combo[i]:
                run += 1
            else:
                weight //= math.factorial(run)
                run = 1
        states[tuple((f, f) for f in combo)] = weight
    total = model.sides**n
    return _Measure(states, total, total)


def _per_die(model: PoolModel, step: Step, measure: _Measure) -> _Measure:
    cache: dict[DieState, tuple[list[tuple[Multiset, int]], int, int]] = {}
    results: list[tuple[dict[Multiset, int], int, int]] = []
    for state, weight in measure.states.items():
        partial: dict[Multiset, int] = {(): weight}
        denom = alive = 1
        for die in state:
            outcomes = cache.get(die)
            if outcomes is None:
                outcomes = cache[die] = _die_outcomes(model, step, die)
            options, die_denom, die_alive = outcomes
            merged: dict[Multiset, int] = {}
            for dice, w in partial.items():
                for more, v in options:
                    key = tuple(sorted(dice + more))
                    merged[key] = merged.get(key, 0) + w * v
            partial = merged
            denom *= die_denom
            alive *= die_alive
            _guard(len(partial))
        results.append((partial, denom, alive))
    common = math.lcm(*(d for _, d, _ in results)) if results else 1
    states: dict[Multiset, int] = {}
    alive_total = 0
    for (partial, denom, alive), weight in zip(results, measure.states.values(), strict=True):
        factor = common // denom
        alive_total += weight * alive * factor
        for key, w in partial.items():
            states[key] = states.get(key, 0) + w * factor
        _guard(len(states))
    unworked = (measure.alive - sum(measure.states.values())) * common
    return _Measure(states, measure.denom * common, alive_total + unworked)


def _select(step: Keep | Drop, state: Multiset) -> Multiset:
    ordered = sorted(state, key=lambda die: die[1], reverse=step.selector.op == "h")
    amount = step.selector.value
    kept = ordered[:amount] if isinstance(step, Keep) else ordered[amount:]
    return tuple(sorted(kept))


def _add_die(model: PoolModel, step: Reroll, measure: _Measure) -> _Measure:
    sides = model.sides
    states: dict[Multiset, int] = {}
    for state, weight in measure.states.items():
        if any(model.matches(step, face) for face, _ in state):
            for f in model.faces:
                key = tuple(sorted((*state, (f, f))))
                states[key] = states.get(key, 0) + weight
        else:
            states[state] = states.get(state, 0) + weight * sides
        _guard(len(states))
    return _Measure(states, measure.denom * sides, measure.alive * sides)


def _multiset_pool(model: PoolModel) -> Weights:
    measure = _initial(model)
    for step in model.steps:
        if isinstance(step, Reroll) and step.mode == "add":
            measure = _add_die(model, step, measure)
        elif _is_ranked(step):
            assert isinstance(step, Keep | Drop)
            states: dict[Multiset, int] = {}
            for state, weight in measure.states.items():
                key = _select(step, state)
                states[key] = states.get(key, 0) + weight
            measure = _Measure(states, measure.denom, measure.alive)
        else:
            measure = _per_die(model, step, measure)
    counts: dict[int, int] = {}
    score: Callable[[int], int] = model.score
    for state, weight in measure.states.items():
        total = sum(score(value) for _, value in state)
        counts[total] = counts.get(total, 0) + weight
    return Weights(counts, measure.denom, measure.alive)
