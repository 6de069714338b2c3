"""Syntax tree to a program of closures, and running it.

Compiling once per parsed expression keeps rolling lean: no tree walk, no dispatch on node
types, constants folded, plain pools reduced to one draw and a sum.

Dice order (what an injected `random.Random` sees): pools in written order; a pool draws all
its dice first, then each modifier in written order draws what it needs, die by die, a die's
whole reroll or explosion chain before the next die. New dice follow the die that caused them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from nazh.dice.ast import (
    FATE,
    Binary,
    Clamp,
    CountFailures,
    CountSuccesses,
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
    face_range,
)
from nazh.dice.entropy import seeded_source, system_face, system_faces
from nazh.dice.errors import DiceError, LimitError
from nazh.dice.limits import MAX_CHAIN, MAX_DICE, MAX_VALUE
from nazh.dice.results import RollResult, RollSet
from nazh.dice.trace import (
    CLAMPED,
    COMPOUNDED,
    DROPPED,
    EXPLODED,
    FAILURE,
    INACTIVE,
    PENETRATED,
    REROLLED,
    SUCCESS,
    predicate,
)

if TYPE_CHECKING:
    import random

    from nazh.dice.ast import Modifier, Node, Set
    from nazh.dice.entropy import Faces, OneFace
    from nazh.dice.expression import Expression
    from nazh.dice.trace import Entry, Predicate

__all__ = ("Context", "Program", "compile_program", "evaluate")

_TOO_MANY_DICE = f"a roll is limited to {MAX_DICE:,} dice, rerolls and explosions included"
_TOO_LARGE = f"results are limited to {MAX_VALUE:,}"


class Context:
    """State of one `roll` call: the face source, the dice budget left, the current trace."""

    __slots__ = ("budget", "face", "faces", "trace")

    def __init__(self, faces: Faces, face: OneFace, budget: int) -> None:
        self.faces = faces
        self.face = face
        self.budget = budget
        self.trace: list[Entry] = []


Program = Callable[[Context], int]


class _Pool:
    """Dice of one pool while its modifiers run."""

    __slots__ = ("faces", "flags", "values")

    def __init__(self, faces: list[int], values: list[int], flags: list[int]) -> None:
        self.faces = faces
        self.values = values
        self.flags = flags


Step = Callable[[Context, _Pool], None]


def evaluate(expression: Expression, rng: random.Random | None) -> RollResult | RollSet:
    """Roll a parsed expression once, or `repeat` times into a `RollSet`."""
    if rng is None:
        context = Context(system_faces, system_face, expression.spare)
    else:
        faces, face = seeded_source(rng)
        context = Context(faces, face, expression.spare)
    program = expression.program
    if expression.repeat == 1:
        total = program(context)
        if not -MAX_VALUE <= total <= MAX_VALUE:
            raise LimitError(_TOO_LARGE)
        return RollResult(expression, total, context.trace)
    results: list[RollResult] = []
    for _ in range(expression.repeat):
        context.trace = []
        total = program(context)
        if not -MAX_VALUE <= total <= MAX_VALUE:
            raise LimitError(_TOO_LARGE)
        results.append(RollResult(expression, total, context.trace))
    return RollSet(expression, tuple(results))


def compile_program(root: Node) -> Program:
    """A closure computing the root's value and recording its trace entries."""
    compiled = _compile(root)
    if isinstance(compiled, int):
        constant = compiled

        def run_constant(context: Context) -> int:
            return constant

        return run_constant
    return compiled


def _compile(node: Node) -> Program | int:
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, Dice):
        return _compile_dice(node)
    if isinstance(node, Group):
        return _compile(node.inner)
    if isinstance(node, Labelled):
        return _compile(node.operand)
    if isinstance(node, Unary):
        return _compile_unary(node)
    if isinstance(node, Binary):
        return _compile_sum(node) if node.op in ("+", "-") else _compile_product(node)
    return _compile_set(node)


def _compile_unary(node: Unary) -> Program | int:
    operand = _compile(node.operand)
    if node.op == "+":
        return operand
    if isinstance(operand, int):
        return -operand

    def run_negative(context: Context) -> int:
        return -operand(context)

    return run_negative


def _compile_sum(node: Binary) -> Program | int:
    first, rest = chain(node)
    constant = 0
    terms: list[tuple[bool, Program]] = []
    for positive, operand in [(True, first), *((op == "+", operand) for op, operand in rest)]:
        compiled = _compile(operand)
        if isinstance(compiled, int):
            constant += compiled if positive else -compiled
        else:
            terms.append((positive, compiled))
    if not terms:
        return constant
    if len(terms) == 1 and terms[0][0]:
        single = terms[0][1]

        def run_one_term(context: Context) -> int:
            return single(context) + constant

        return run_one_term
    if len(terms) == 2 and terms[0][0] and terms[1][0]:
        left, right = terms[0][1], terms[1][1]

        def run_two_terms(context: Context) -> int:
            return left(context) + right(context) + constant

        return run_two_terms

    def run_sum(context: Context) -> int:
        total = constant
        for positive, term in terms:
            if positive:
                total += term(context)
            else:
                total -= term(context)
        return total

    return run_sum


def _compile_product(node: Binary) -> Program | int:
    first, rest = chain(node)
    head = _compile(first)
    steps = [(op == "*", _compile(operand)) for op, operand in rest]
    if isinstance(head, int) and all(isinstance(c, int) for _, c in steps):
        value = head
        for multiply, operand in steps:
            assert isinstance(operand, int)
            value = _multiply(value, operand) if multiply else _divide(value, operand)
        return value

    def run_product(context: Context) -> int:
        value = head if isinstance(head, int) else head(context)
        for multiply, operand in steps:
            right = operand if isinstance(operand, int) else operand(context)
            value = _multiply(value, right) if multiply else _divide(value, right)
        return value

    return run_product


def _multiply(left: int, right: int) -> int:
    value = left * right
    if not -MAX_VALUE <= value <= MAX_VALUE:
        raise LimitError(_TOO_LARGE)
    return value


def _divide(left: int, right: int) -> int:
    if right == 0:
        raise DiceError("division by zero")
    return left // right


def _spend(context: Context) -> None:
    context.budget -= 1
    if context.budget < 0:
        raise LimitError(_TOO_MANY_DICE)


def _chain_too_long() -> LimitError:
    return LimitError(f"a die is limited to {MAX_CHAIN} rerolls or explosions in a row")


# -- pools ---------------------------------------------------------------------------------


def _compile_dice(node: Dice) -> Program:
    count, sides = node.count, node.sides
    fate = sides == FATE
    steps = [_compile_step(m, sides) for m in node.modifiers]
    pool_steps = [step for step in steps if step is not None]
    count_step = _counting_step(node.modifiers)
    if not pool_steps and count_step is None and not fate:
        return _compile_plain_dice(count, sides)

    def run_dice(context: Context) -> int:
        faces = context.faces(count, 3 if fate else sides)
        if fate:
            faces = [face - 2 for face in faces]
        pool = _Pool(faces, faces.copy(), [0] * count)
        for step in pool_steps:
            step(context, pool)
        flags = pool.flags
        values = pool.values
        if count_step is not None:
            total = count_step(values, flags)
        elif any(flags):
            total = sum([v for v, f in zip(values, flags, strict=True) if not f & INACTIVE])
        else:
            total = sum(values)
        context.trace.append((pool.faces, values, flags))
        return total

    return run_dice


def _compile_plain_dice(count: int, sides: int) -> Program:
    if count == 1:

        def run_one_die(context: Context) -> int:
            face = context.face(sides)
            context.trace.append(([face], None, None))
            return face

        return run_one_die

    def run_plain_dice(context: Context) -> int:
        faces = context.faces(count, sides)
        context.trace.append((faces, None, None))
        return sum(faces)

    return run_plain_dice


def _drawer(sides: int) -> Callable[[Context], int]:
    if sides == FATE:
        return lambda context: context.face(3) - 2
    return lambda context: context.face(sides)


def _compile_step(modifier: Modifier, sides: int) -> Step | None:
    if isinstance(modifier, Keep | Drop):
        return _selection_step(modifier)
    if isinstance(modifier, Reroll):
        test = predicate(modifier.selector)
        draw = _drawer(sides)
        if modifier.mode == "add":
            return _reroll_add(test, draw)
        return _chain(test, draw, mark=REROLLED, once=modifier.mode == "once")
    if isinstance(modifier, Explode):
        explodes = (
            face_range(sides)[1].__eq__
            if modifier.selector is None
            else predicate(modifier.selector)
        )
        draw = _drawer(sides)
        if modifier.mode == "compound":
            return _compound(explodes, draw)
        if modifier.mode == "penetrate":
            return _chain(explodes, draw, mark=EXPLODED, penalty=1, extra_flag=PENETRATED)
        return _chain(explodes, draw, mark=EXPLODED)
    if isinstance(modifier, Clamp):
        return _clamp(modifier)
    return None


def _selection_step(modifier: Keep | Drop) -> Step:
    select = _selection(modifier)

    def run_selection(context: Context, pool: _Pool) -> None:
        select(pool.values, pool.flags)

    return run_selection


def _selection(modifier: Keep | Drop) -> Callable[[list[int], list[int]], None]:
    """Mark dropped entries among the active ones, by value (used by pools and sets)."""
    selector = modifier.selector
    keep = isinstance(modifier, Keep)
    if selector.op in ("h", "l"):
        amount = selector.value
        highest = selector.op == "h"

        def select_ranked(values: list[int], flags: list[int]) -> None:
            active = [i for i, flag in enumerate(flags) if not flag & INACTIVE]
            ranked = sorted(active, key=values.__getitem__, reverse=highest)
            for index in ranked[amount:] if keep else ranked[:amount]:
                flags[index] |= DROPPED

        return select_ranked

    test = predicate(selector)

    def select_matching(values: list[int], flags: list[int]) -> None:
        for index, flag in enumerate(flags):
            if not flag & INACTIVE and test(values[index]) != keep:
                flags[index] = flag | DROPPED

    return select_matching


def _reroll_add(test: Predicate, draw: Callable[[Context], int]) -> Step:
    def run_reroll_add(context: Context, pool: _Pool) -> None:
        flags = pool.flags
        for index, face in enumerate(pool.faces):
            if not flags[index] & INACTIVE and test(face):
                flags[index] |= EXPLODED
                _spend(context)
                extra = draw(context)
                pool.faces.insert(index + 1, extra)
                pool.values.insert(index + 1, extra)
                flags.insert(index + 1, 0)
                return

    return run_reroll_add


def _chain(
    test: Predicate,
    draw: Callable[[Context], int],
    *,
    mark: int,
    penalty: int = 0,
    extra_flag: int = 0,
    once: bool = False,
) -> Step:
    """Reroll or explode: each active matching die is marked and followed by a new die, whose
    value is its face minus `penalty`; the new die is tested again unless `once`."""
    limit = 1 if once else MAX_CHAIN

    def run_chain(context: Context, pool: _Pool) -> None:
        if not any(map(test, pool.faces)):
            return
        faces: list[int] = []
        values: list[int] = []
        flags: list[int] = []
        for entry in zip(pool.faces, pool.values, pool.flags, strict=True):
            face, value, flag = entry
            chained = 0
            while not flag & INACTIVE and test(face):
                if chained == limit:
                    if once:
                        break
                    raise _chain_too_long()
                chained += 1
                faces.append(face)
                values.append(value)
                flags.append(flag | mark)
                _spend(context)
                face = draw(context)
                value = face - penalty
                flag = extra_flag
            faces.append(face)
            values.append(value)
            flags.append(flag)
        pool.faces, pool.values, pool.flags = faces, values, flags

    return run_chain


def _compound(test: Predicate, draw: Callable[[Context], int]) -> Step:
    def run_compound(context: Context, pool: _Pool) -> None:
        if not any(map(test, pool.faces)):
            return
        faces: list[int] = []
        values: list[int] = []
        flags: list[int] = []
        for entry in zip(pool.faces, pool.values, pool.flags, strict=True):
            face, value, flag = entry
            head = len(faces)
            faces.append(face)
            values.append(value)
            flags.append(flag)
            if flag & INACTIVE or not test(face):
                continue
            flags[head] |= EXPLODED
            extra = face
            chained = 0
            while test(extra):
                chained += 1
                if chained > MAX_CHAIN:
                    raise _chain_too_long()
                _spend(context)
                extra = draw(context)
                faces.append(extra)
                values.append(extra)
                flags.append(COMPOUNDED | (EXPLODED if test(extra) else 0))
                values[head] += extra
        pool.faces, pool.values, pool.flags = faces, values, flags

    return run_compound


def _clamp(modifier: Clamp) -> Step:
    bound = modifier.value
    minimum = modifier.bound == "min"

    def run_clamp(context: Context, pool: _Pool) -> None:
        values, flags = pool.values, pool.flags
        for index, value in enumerate(values):
            if flags[index] & INACTIVE:
                continue
            if (value < bound) if minimum else (value > bound):
                values[index] = bound
                flags[index] |= CLAMPED

    return run_clamp


def _counting_step(
    modifiers: tuple[Modifier, ...],
) -> Callable[[list[int], list[int]], int] | None:
    success: Predicate | None = None
    failure: Predicate | None = None
    for modifier in modifiers:
        if isinstance(modifier, CountSuccesses):
            success = predicate(modifier.selector)
        elif isinstance(modifier, CountFailures):
            failure = predicate(modifier.selector)
    if success is None:
        return None
    is_success = success

    def count(values: list[int], flags: list[int]) -> int:
        net = 0
        for index, value in enumerate(values):
            flag = flags[index]
            if flag & INACTIVE:
                continue
            if is_success(value):
                flag |= SUCCESS
                net += 1
            if failure is not None and failure(value):
                flag |= FAILURE
                net -= 1
            flags[index] = flag
        return net

    return count


# -- sets ----------------------------------------------------------------------------------


def _compile_set(node: Set) -> Program:
    items = [_compile(item) for item in node.items]
    selections = [_selection(m) for m in node.modifiers if isinstance(m, Keep | Drop)]
    count_step = _counting_step(node.modifiers)
    size = len(items)

    def run_set(context: Context) -> int:
        values = [item if isinstance(item, int) else item(context) for item in items]
        flags = [0] * size
        for select in selections:
            select(values, flags)
        if count_step is not None:
            total = count_step(values, flags)
        else:
            total = sum(v for v, f in zip(values, flags, strict=True) if not f & DROPPED)
        context.trace.append((None, values, flags))
        return total

    return run_set
