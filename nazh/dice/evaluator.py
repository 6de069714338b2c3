"""Syntax tree to a program of closures, and running it.

Compiling once per parsed expression keeps rolling lean: no tree walk, no dispatch on node
types, constants folded, plain pools reduced to one draw and a sum.

Dice order (what an injected `random.Random` sees): pools in written order; a pool draws all
its dice first, then each modifier in written order draws what it needs, die by die, a die's
whole reroll or explosion chain before the next die. New dice follow the die that caused them.
Computed counts and sides are rolled before their pool. A die with custom faces draws
`randint(1, len(faces))` and shows that face.

Values are `int` until a decimal, a real division or a function makes a `Fraction`; the total
is an `int` whenever it is whole.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from fractions import Fraction
from typing import TYPE_CHECKING, TypeVar

from nazh.dice.ast import (
    FATE,
    Binary,
    Call,
    Clamp,
    ComputedDice,
    CountFailures,
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
    Unique,
    chain,
    dice_face_range,
)
from nazh.dice.entropy import seeded_source, system_face, system_faces
from nazh.dice.errors import DiceError, LimitError
from nazh.dice.functions import whole
from nazh.dice.groups import dice_terms
from nazh.dice.limits import MAX_CHAIN, MAX_DICE, MAX_SIDES, MAX_VALUE
from nazh.dice.operators import TOO_LARGE, operation
from nazh.dice.parser import check_pool
from nazh.dice.readings import NAZH_READINGS
from nazh.dice.results import RollResult, RollSet, SystemResult
from nazh.dice.systems import Source
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
    from collections.abc import Sequence

    from nazh.dice.ast import BinaryOp, Modifier, Node, Selector, Set
    from nazh.dice.entropy import Faces, OneFace
    from nazh.dice.expression import Expression
    from nazh.dice.functions import Value
    from nazh.dice.operators import Operation
    from nazh.dice.readings import Readings
    from nazh.dice.trace import Entry, Predicate

__all__ = ("Context", "Program", "compile_program", "evaluate")

_TOO_MANY_DICE = f"a roll is limited to {MAX_DICE:,} dice, rerolls and explosions included"


class Context:
    """State of one `roll` call: the face source, the dice budget left, the current trace and
    the dice that computed counts and sides gave (by trace index)."""

    __slots__ = ("budget", "computed", "face", "faces", "trace")

    def __init__(self, faces: Faces, face: OneFace, budget: int) -> None:
        self.faces = faces
        self.face = face
        self.budget = budget
        self.trace: list[Entry] = []
        self.computed: dict[int, Dice] = {}


Program = Callable[[Context], "Value"]
Compiled = Program | int | Fraction
"""A program, or the constant it would always return."""


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
    if expression.parts:
        results = [_run(part.program, part, context) for part in expression.parts]
        return RollSet(expression, tuple(results))
    if expression.repeat == 1:
        return _run(program, expression, context)
    results = [_run(program, expression, context) for _ in range(expression.repeat)]
    return RollSet(expression, tuple(results))


def _run(program: Program, expression: Expression, context: Context) -> RollResult:
    if expression.system is not None:
        source = Source(context.faces, context.face)
        return SystemResult(expression, expression.system.roll(source))
    context.trace = []
    context.computed = {}
    total = whole(program(context))
    if expression.readings.total == "truncate":
        total = math.trunc(total)
    if not -MAX_VALUE <= total <= MAX_VALUE:
        raise LimitError(TOO_LARGE)
    return RollResult(expression, total, context.trace, context.computed)


def compile_program(root: Node, readings: Readings = NAZH_READINGS) -> Program:
    """A closure computing the root's value and recording its trace entries."""
    compiled = _Compiler(readings).compile(root)
    if isinstance(compiled, int | Fraction):
        constant = compiled

        def run_constant(context: Context) -> Value:
            return constant

        return run_constant
    return compiled


def _value(compiled: Compiled, context: Context) -> Value:
    return compiled if isinstance(compiled, int | Fraction) else compiled(context)


class _Compiler:
    """Compiles nodes under one dialect's readings."""

    __slots__ = ("every", "readings")

    def __init__(self, readings: Readings) -> None:
        self.readings = readings
        self.every = readings.keep_drop_scope == "all"

    def compile(self, node: Node) -> Compiled:
        if isinstance(node, Literal | Decimal):
            return node.value
        if isinstance(node, Dice):
            return _compile_dice(node, self.every)
        if isinstance(node, Group):
            return self.compile(node.inner)
        if isinstance(node, Labelled):
            return self.compile(node.operand)
        if isinstance(node, Unary):
            return self.unary(node)
        if isinstance(node, Binary):
            return self.sum(node) if node.op in ("+", "-") else self.product(node)
        if isinstance(node, Call):
            return self.call(node)
        if isinstance(node, ComputedDice):
            return self.computed(node)
        return self.set(node)

    def unary(self, node: Unary) -> Compiled:
        operand = self.compile(node.operand)
        if node.op == "+":
            return operand
        if isinstance(operand, int | Fraction):
            return -operand
        run = operand

        def run_negative(context: Context) -> Value:
            return -run(context)

        return run_negative

    def sum(self, node: Binary) -> Compiled:
        first, rest = chain(node)
        constant: Value = 0
        terms: list[tuple[bool, Program]] = []
        for positive, operand in [(True, first), *((op == "+", operand) for op, operand in rest)]:
            compiled = self.compile(operand)
            if isinstance(compiled, int | Fraction):
                constant += compiled if positive else -compiled
            else:
                terms.append((positive, compiled))
        if not terms:
            return constant
        if len(terms) == 1 and terms[0][0]:
            single = terms[0][1]

            def run_one_term(context: Context) -> Value:
                return single(context) + constant

            return run_one_term
        if len(terms) == 2 and terms[0][0] and terms[1][0]:
            left, right = terms[0][1], terms[1][1]

            def run_two_terms(context: Context) -> Value:
                return left(context) + right(context) + constant

            return run_two_terms

        def run_sum(context: Context) -> Value:
            total = constant
            for positive, term in terms:
                if positive:
                    total += term(context)
                else:
                    total -= term(context)
            return total

        return run_sum

    def product(self, node: Binary) -> Compiled:
        first, rest = chain(node)
        head = self.compile(first)
        steps = [(self.operator(op), self.compile(operand)) for op, operand in rest]
        if isinstance(head, int | Fraction) and all(
            isinstance(c, int | Fraction) for _, c in steps
        ):
            value: Value = head
            for apply, operand in steps:
                assert isinstance(operand, int | Fraction)
                value = apply(value, operand)
            return whole(value)

        def run_product(context: Context) -> Value:
            value = _value(head, context)
            for apply, operand in steps:
                value = apply(value, _value(operand, context))
            return value

        return run_product

    def operator(self, op: BinaryOp) -> Operation:
        return operation(op, self.readings)

    def call(self, node: Call) -> Compiled:
        function = node.function
        assert function is not None
        args = [self.compile(arg) for arg in node.args]
        apply = function.apply
        reading = self.readings.round_half
        constants = [arg for arg in args if isinstance(arg, int | Fraction)]
        if len(constants) == len(args):
            return whole(apply(constants, reading))

        def run_call(context: Context) -> Value:
            return apply([_value(arg, context) for arg in args], reading)

        return run_call

    def computed(self, node: ComputedDice) -> Program:
        written = node.dice
        count = None if node.count is None else self.compile(node.count)
        sides = None if node.sides is None else self.compile(node.sides)
        programs: dict[tuple[int, int], tuple[Dice, Program]] = {}

        def run_computed(context: Context) -> Value:
            number = written.count
            if count is not None:
                number = _whole_number(_value(count, context), "the number of dice")
                if not 0 <= number <= MAX_DICE:
                    raise LimitError(
                        f"the number of dice must be 0 to {MAX_DICE:,}, not {number:,}"
                    )
            faces = written.sides
            if sides is not None:
                faces = _whole_number(_value(sides, context), "the number of sides")
                if not 1 <= faces <= MAX_SIDES:
                    raise LimitError(f"dice have 1 to {MAX_SIDES:,} sides, not {faces:,}")
            compiled = programs.get((number, faces))
            if compiled is None:
                rolled = dataclasses.replace(written, count=number, sides=faces)
                check_pool(rolled)
                compiled = (rolled, _compile_dice(rolled, self.every))
                if len(programs) < _COMPUTED_CACHE:
                    programs[number, faces] = compiled
            context.budget -= number
            if context.budget < 0:
                raise LimitError(_TOO_MANY_DICE)
            context.computed[len(context.trace)] = compiled[0]
            return compiled[1](context)

        return run_computed

    def set(self, node: Set) -> Program:
        if node.keeps_dice or node.tests_dice:
            return _compile_dice_set(node, self.every)
        return _compile_set(node, self)


_COMPUTED_CACHE = 64
"""Compiled pools kept per computed-dice node, one per (count, sides) met."""


def _whole_number(value: Value, what: str) -> int:
    if isinstance(value, Fraction):
        raise DiceError(f"{what} must be whole, not {float(value):.2f}")
    return value


def _spend(context: Context) -> None:
    context.budget -= 1
    if context.budget < 0:
        raise LimitError(_TOO_MANY_DICE)


def _chain_too_long() -> LimitError:
    return LimitError(f"a die is limited to {MAX_CHAIN} rerolls or explosions in a row")


# -- pools ---------------------------------------------------------------------------------


def _compile_dice(node: Dice, every: bool) -> Program:
    """`every`: a keep or drop chooses among every die, dropped ones included."""
    count, sides = node.count, node.sides
    fate = sides == FATE
    steps = [_compile_step(m, node, every) for m in node.modifiers]
    pool_steps = [step for step in steps if step is not None]
    count_step = _counting_step(node.modifiers, predicate)
    custom = node.faces
    if not pool_steps and count_step is None and not fate and custom is None:
        return _compile_plain_dice(count, sides)

    def run_dice(context: Context) -> int:
        faces = context.faces(count, 3 if fate else sides)
        if fate:
            faces = [face - 2 for face in faces]
        elif custom is not None:
            faces = [custom[face - 1] for face in faces]
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


def _drawer(node: Dice) -> Callable[[Context], int]:
    sides, custom = node.sides, node.faces
    if sides == FATE:
        return lambda context: context.face(3) - 2
    if custom is not None:
        return lambda context: custom[context.face(sides) - 1]
    return lambda context: context.face(sides)


def _compile_step(modifier: Modifier, node: Dice, every: bool) -> Step | None:
    if isinstance(modifier, Keep | Drop):
        return _selection_step(modifier, every)
    if isinstance(modifier, Reroll):
        test = predicate(modifier.selector)
        draw = _drawer(node)
        if modifier.mode == "add":
            return _reroll_add(test, draw)
        return _chain(test, draw, mark=REROLLED, once=modifier.mode == "once")
    if isinstance(modifier, Explode):
        explodes = (
            dice_face_range(node)[1].__eq__
            if modifier.selector is None
            else predicate(modifier.selector)
        )
        draw = _drawer(node)
        once = modifier.once
        if modifier.mode == "compound":
            return _compound(explodes, draw, once=once)
        if modifier.mode == "penetrate":
            return _chain(
                explodes, draw, mark=EXPLODED, penalty=1, extra_flag=PENETRATED, once=once
            )
        return _chain(explodes, draw, mark=EXPLODED, once=once, cap=modifier.limit)
    if isinstance(modifier, Clamp):
        return _clamp(modifier)
    if isinstance(modifier, Unique):
        return _unique(_drawer(node))
    return None


def _selection_step(modifier: Keep | Drop, every: bool) -> Step:
    select = _selection(modifier, predicate, every)

    def run_selection(context: Context, pool: _Pool) -> None:
        select(pool.values, pool.flags)

    return run_selection


_V = TypeVar("_V", int, "Value")


def _matcher(selector: Selector) -> Callable[[Value], bool]:
    return selector.matches


def _selection(
    modifier: Keep | Drop, test_of: Callable[[Selector], Callable[[_V], bool]], every: bool
) -> Callable[[Sequence[_V], list[int]], None]:
    """Mark dropped entries among the active ones, by value (used by pools and sets); with
    `every`, dropped entries are among those chosen from too."""
    selector = modifier.selector
    keep = isinstance(modifier, Keep)
    inactive = INACTIVE & ~DROPPED if every else INACTIVE
    if selector.op in ("h", "l"):
        amount = selector.value
        highest = selector.op == "h"

        def select_ranked(values: Sequence[_V], flags: list[int]) -> None:
            active = [i for i, flag in enumerate(flags) if not flag & inactive]
            ranked = sorted(active, key=values.__getitem__, reverse=highest)
            for index in ranked[amount:] if keep else ranked[:amount]:
                flags[index] |= DROPPED

        return select_ranked

    test = test_of(selector)

    def select_matching(values: Sequence[_V], flags: list[int]) -> None:
        for index, flag in enumerate(flags):
            if not flag & inactive and test(values[index]) != keep:
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
    cap: int | None = None,
) -> Step:
    """Reroll or explode: each active matching die is marked and followed by a new die, whose
    value is its face minus `penalty`; the new die is tested again unless `once`. At most
    `cap` new dice in the whole pool (None: no cap)."""
    limit = 1 if once else MAX_CHAIN

    def run_chain(context: Context, pool: _Pool) -> None:
        if not any(map(test, pool.faces)):
            return
        left = cap
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
                if left is not None:
                    if left == 0:
                        break
                    left -= 1
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


def _compound(test: Predicate, draw: Callable[[Context], int], *, once: bool) -> Step:
    limit = 1 if once else MAX_CHAIN

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
                if chained == limit:
                    if once:
                        break
                    raise _chain_too_long()
                chained += 1
                _spend(context)
                extra = draw(context)
                faces.append(extra)
                values.append(extra)
                again = test(extra) and not once
                flags.append(COMPOUNDED | (EXPLODED if again else 0))
                values[head] += extra
        pool.faces, pool.values, pool.flags = faces, values, flags

    return run_compound


def _unique(draw: Callable[[Context], int]) -> Step:
    def run_unique(context: Context, pool: _Pool) -> None:
        seen: set[int] = set()
        faces: list[int] = []
        values: list[int] = []
        flags: list[int] = []
        for entry in zip(pool.faces, pool.values, pool.flags, strict=True):
            face, value, flag = entry
            if not flag & INACTIVE:
                chained = 0
                while face in seen:
                    if chained == MAX_CHAIN:
                        raise _chain_too_long()
                    chained += 1
                    faces.append(face)
                    values.append(value)
                    flags.append(flag | REROLLED)
                    _spend(context)
                    face = value = draw(context)
                    flag = 0
                seen.add(face)
            faces.append(face)
            values.append(value)
            flags.append(flag)
        pool.faces, pool.values, pool.flags = faces, values, flags

    return run_unique


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
    modifiers: tuple[Modifier, ...], test_of: Callable[[Selector], Callable[[_V], bool]]
) -> Callable[[Sequence[_V], list[int]], int] | None:
    success: Callable[[_V], bool] | None = None
    failure: Callable[[_V], bool] | None = None
    for modifier in modifiers:
        if isinstance(modifier, CountSuccesses):
            success = test_of(modifier.selector)
        elif isinstance(modifier, CountFailures):
            failure = test_of(modifier.selector)
    if success is None:
        return None
    is_success = success

    def count(values: Sequence[_V], flags: list[int]) -> int:
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


def _compile_set(node: Set, compiler: _Compiler) -> Program:
    items = [compiler.compile(item) for item in node.items]
    selections = [
        _selection(m, _matcher, compiler.every)
        for m in node.modifiers
        if isinstance(m, Keep | Drop)
    ]
    count_step = _counting_step(node.modifiers, _matcher)
    size = len(items)

    def run_set(context: Context) -> Value:
        values = [_value(item, context) for item in items]
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


def _compile_dice_set(node: Set, every: bool) -> Program:
    """A set of one roll whose dice are kept or dropped (`keeps_dice`) or tested one by one,
    the roll's number added to each (`tests_dice`); see `nazh.dice.groups`."""
    terms = dice_terms(node.items[0])
    assert terms is not None
    pools, constant = terms
    programs = [_compile_dice(pool, every) for pool in pools]
    size = len(programs)
    selections = [
        _selection(m, _matcher, every) for m in node.modifiers if isinstance(m, Keep | Drop)
    ]
    on_dice = selections if node.keeps_dice else []
    on_total = [] if node.keeps_dice else selections
    count_step = _counting_step(node.modifiers, _matcher)
    tests_dice = node.tests_dice

    def run_dice_set(context: Context) -> Value:
        trace = context.trace
        start = len(trace)
        for program in programs:
            program(context)
        pool_faces: list[list[int]] = []
        values: list[Value] = []
        flags: list[int] = []
        for faces, pool_values, pool_flags in trace[start:]:
            assert faces is not None
            pool_faces.append(faces)
            values.extend(faces if pool_values is None else pool_values)
            flags.extend([0] * len(faces) if pool_flags is None else pool_flags)
        for select in on_dice:
            select(values, flags)
        item = whole(
            constant + sum(v for v, f in zip(values, flags, strict=True) if not f & INACTIVE)
        )
        item_flags = [0]
        for select in on_total:
            select([item], item_flags)
        if count_step is None:
            total = 0 if item_flags[0] & DROPPED else item
        elif tests_dice:
            total = count_step([v + constant for v in values], flags)
        else:
            total = count_step([item], item_flags)
        offset = 0
        for index in range(size):
            faces = pool_faces[index]
            end = offset + len(faces)
            trace[start + index] = (faces, values[offset:end], flags[offset:end])
            offset = end
        trace.append((None, [item], item_flags))
        return total

    return run_dice_set
