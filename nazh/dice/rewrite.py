"""Rebuild a syntax tree with each of its pools changed."""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from nazh.dice.ast import (
    Binary,
    Call,
    ComputedDice,
    Dice,
    Group,
    Labelled,
    Set,
    Unary,
    chain,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from nazh.dice.ast import Node

__all__ = ("map_dice",)


def map_dice(node: Node, change: Callable[[Dice], Dice]) -> Node:
    """`node` with every `Dice` (those of computed dice included) replaced by `change(dice)`."""
    if isinstance(node, Dice):
        return change(node)
    if isinstance(node, ComputedDice):
        count = None if node.count is None else map_dice(node.count, change)
        sides = None if node.sides is None else map_dice(node.sides, change)
        return ComputedDice(count, sides, change(node.dice))
    if isinstance(node, Binary):
        first, rest = chain(node)
        rebuilt = map_dice(first, change)
        for op, operand in rest:
            rebuilt = Binary(op, rebuilt, map_dice(operand, change))
        return rebuilt
    if isinstance(node, Group):
        return Group(map_dice(node.inner, change))
    if isinstance(node, Unary):
        return Unary(node.op, map_dice(node.operand, change))
    if isinstance(node, Labelled):
        return Labelled(map_dice(node.operand, change), node.label)
    if isinstance(node, Call):
        args = tuple(map_dice(arg, change) for arg in node.args)
        keywords = tuple((key, map_dice(value, change)) for key, value in node.keywords)
        return dataclasses.replace(node, args=args, keywords=keywords)
    if isinstance(node, Set):
        return dataclasses.replace(node, items=tuple(map_dice(i, change) for i in node.items))
    return node
