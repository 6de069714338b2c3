"""The dice of a group of one roll, for dialects that keep or test them one by one."""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from nazh.dice.ast import (
    Binary,
    CountFailures,
    CountSuccesses,
    Decimal,
    Dice,
    Group,
    Labelled,
    Literal,
    Unary,
    chain,
)

if TYPE_CHECKING:
    from nazh.dice.ast import Node
    from nazh.dice.functions import Value

__all__ = ("DiceTerms", "dice_terms")

DiceTerms = tuple[tuple[Dice, ...], "Value"]
"""The pools added together, left to right, and the number added to them."""


def dice_terms(node: Node) -> DiceTerms | None:
    """`4d6 + 3d8 - 2` as its pools and the number added to them; None if `node` is anything
    else (a pool subtracted or multiplied, computed dice, a call, a set, a counting pool)."""
    pools: list[Dice] = []
    constant: Value = 0
    pending: list[tuple[bool, Node]] = [(True, node)]
    while pending:
        positive, current = pending.pop()
        while isinstance(current, Group | Labelled):
            current = current.inner if isinstance(current, Group) else current.operand
        if isinstance(current, Literal | Decimal):
            constant += current.value if positive else -current.value
        elif isinstance(current, Unary):
            pending.append((positive == (current.op == "+"), current.operand))
        elif isinstance(current, Binary) and current.op in ("+", "-"):
            first, rest = chain(current)
            terms = [(positive, first), *((positive == (op == "+"), item) for op, item in rest)]
            pending.extend(reversed(terms))
        elif isinstance(current, Dice) and positive and not _counts(current):
            pools.append(current)
        else:
            return None
    if not pools:
        return None
    return tuple(pools), constant if isinstance(constant, int) else Fraction(constant)


def _counts(node: Dice) -> bool:
    return any(isinstance(m, CountSuccesses | CountFailures) for m in node.modifiers)
