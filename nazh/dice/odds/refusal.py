"""The notation exact odds do not model, found before any work."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nazh.dice.ast import Call, ComputedDice, Dice, Drop, Explode, Keep, Set, Unique, children
from nazh.dice.functions import BUILTINS

if TYPE_CHECKING:
    from nazh.dice.ast import Node
    from nazh.dice.expression import Expression
    from nazh.dice.readings import Readings

__all__ = ("odds_refusal",)


def odds_refusal(expression: Expression) -> str | None:
    """Why exact odds of `expression` are not available, naming the form, or None."""
    if expression.parts:
        return "exact odds take one roll at a time, not several separated by `;`"
    if expression.system is not None:
        return (
            f"`{expression.system.text}` is a game system's roll: its exact odds are those of "
            "its outcomes (`outcome_odds`, `/odds` shows them)"
        )
    pending: list[Node] = [expression.root]
    while pending:
        node = pending.pop()
        form = _unmodelled(node, expression.readings)
        if form is not None:
            return f"exact odds of {form} are not available"
        pending.extend(children(node))
    return None


def _unmodelled(node: Node, readings: Readings) -> str | None:
    if isinstance(node, Call) and (BUILTINS.get(node.name) is not node.function or node.keywords):
        return f"`{node.name}()`"
    if isinstance(node, Set) and (node.keeps_dice or node.tests_dice):
        return "keeping or testing the dice of a group one by one"
    modifiers = node.dice.modifiers if isinstance(node, ComputedDice) else ()
    if isinstance(node, Dice | Set):
        modifiers = node.modifiers
    for modifier in modifiers:
        if isinstance(modifier, Unique):
            return "`u` (unique dice)"
        if isinstance(modifier, Explode) and modifier.limit is not None:
            return "explosions capped for the whole pool"
    selections = sum(isinstance(m, Keep | Drop) for m in modifiers)
    if selections > 1 and readings.keep_drop_scope == "all":
        return f"a keep or drop after another in {readings.label}'s reading (among dropped dice)"
    return None
