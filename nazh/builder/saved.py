"""Starting a build from a saved roll: the part of its expression the builder can hold.

A build holds dice added together (each maybe keeping its highest or lowest few, maybe
exploding), a whole-number modifier and a comment. Whatever else a saved roll has (other
operators, functions, dice taken away, further rolls, a repetition) is left out, and named, so
the player knows the build is not all of it.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from nazh import dice
from nazh.builder.model import MAX_TERMS, Build, Term
from nazh.dice.ast import (
    Binary,
    Dice,
    Drop,
    Explode,
    Group,
    Keep,
    Labelled,
    Literal,
    Selector,
    Unary,
)
from nazh.dice.stringify import node_text

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nazh.dice.ast import Modifier, Node

__all__ = ("Loaded", "load")


@dataclasses.dataclass(frozen=True, slots=True)
class Loaded:
    """What `load` found: the build (no history), and the notation of each part left out."""

    build: Build
    left_out: tuple[str, ...] = ()


def load(expression: dice.Expression) -> Loaded:
    """The build holding as much of `expression` as a build can, and what it leaves out."""
    parts = expression.parts or (expression,)
    first = parts[0]
    left_out = [f"{first.repeat}#"] if first.repeat > 1 else []
    terms: list[Term] = []
    modifier = 0
    for sign, node in _addends(first.root, 1):
        if isinstance(node, Literal):
            modifier += sign * node.value
            continue
        term = _term(node) if sign > 0 else None
        if term is None or not _add(terms, term):
            left_out.append(("- " if sign < 0 else "") + node_text(node))
    left_out.extend(part.text for part in parts[1:])
    build = Build(tuple(terms), modifier)
    label = first.comment or ""
    if label and not build.empty:
        if _reads_back(build.notation, label):
            build = dataclasses.replace(build, label=label)
        else:
            left_out.append(label)
    return Loaded(build, tuple(left_out))


def _addends(node: Node, sign: int) -> Iterator[tuple[int, Node]]:
    """The operands of a sum, each with the sign it is added with."""
    if isinstance(node, Binary) and node.op in ("+", "-"):
        yield from _addends(node.left, sign)
        yield from _addends(node.right, -sign if node.op == "-" else sign)
    elif isinstance(node, Group):
        yield from _addends(node.inner, sign)
    elif isinstance(node, Labelled):
        yield from _addends(node.operand, sign)
    elif isinstance(node, Unary):
        yield from _addends(node.operand, -sign if node.op == "-" else sign)
    else:
        yield sign, node


def _term(node: Node) -> Term | None:
    """The term that rolls exactly as `node` does, if there is one."""
    if not isinstance(node, Dice) or node.faces is not None:
        return None
    explode = any(isinstance(modifier, Explode) for modifier in node.modifiers)
    modifiers = tuple(
        _as_keep(modifier, node.count, explode=explode) for modifier in node.modifiers
    )
    keeps = [modifier.selector for modifier in modifiers if isinstance(modifier, Keep)]
    keep = 0
    if len(keeps) == 1 and keeps[0].op in ("h", "l"):
        keep = keeps[0].value if keeps[0].op == "h" else -keeps[0].value
        if abs(keep) >= node.count and not explode:
            modifiers = tuple(modifier for modifier in modifiers if not isinstance(modifier, Keep))
            keep = 0
    if abs(keep) >= node.count:
        return None
    term = Term(node.sides, node.count, keep, explode)
    wanted = dataclasses.replace(node, modifiers=modifiers, percent=False, sort=None)
    return term if dice.parse(term.notation).root == wanted else None


def _as_keep(modifier: Modifier, count: int, *, explode: bool) -> Modifier:
    """Dropping the lowest (highest) few of a pool that cannot grow, as keeping the others."""
    if not isinstance(modifier, Drop) or explode or modifier.selector.op not in ("h", "l"):
        return modifier
    kept = count - modifier.selector.value
    return Keep(Selector("l" if modifier.selector.op == "h" else "h", kept))


def _add(terms: list[Term], term: Term) -> bool:
    """Add `term` to `terms`, joining plain dice of one size; False when a build can't hold it."""
    for index, held in enumerate(terms):
        if held.sides == term.sides:
            if held.keep or term.keep or held.explode != term.explode:
                return False
            terms[index] = dataclasses.replace(held, count=held.count + term.count)
            return True
    if len(terms) >= MAX_TERMS:
        return False
    terms.append(term)
    return True


def _reads_back(notation: str, label: str) -> bool:
    """Whether `label` written after `notation` is read as its comment, the dice unchanged."""
    try:
        labelled = dice.parse(f"{notation} {label}")
    except dice.DiceError:
        return False
    return labelled.comment == label and labelled.root == dice.parse(notation).root
