"""What one evaluation records, and the static facts about each recorded node.

An evaluation appends one entry per `Dice`, `ComputedDice` or `Set` node, in `traced_nodes`
order: `(faces, values, flags)` for dice (`values`/`flags` None when equal to the faces / all
zero) and `(None, values, flags)` for sets (one value and flag per item).
"""

from __future__ import annotations

from collections.abc import Callable
from enum import IntFlag
from typing import TYPE_CHECKING

from nazh.dice.ast import (
    FATE,
    ComputedDice,
    CountSuccesses,
    CritRange,
    Dice,
    Explode,
    Set,
    children,
    dice_face_range,
    traced_nodes,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nazh.dice.ast import (
        Node,
        Selector,
    )
    from nazh.dice.functions import Value

__all__ = (
    "CLAMPED",
    "COMPOUNDED",
    "DROPPED",
    "EXPLODED",
    "FAILURE",
    "INACTIVE",
    "PENETRATED",
    "REROLLED",
    "SUCCESS",
    "DieFlag",
    "Entry",
    "PoolInfo",
    "Predicate",
    "enclosures",
    "pool_infos",
    "predicate",
)

Predicate = Callable[[int], bool]
Entry = tuple[list[int] | None, "Sequence[Value] | None", list[int] | None]


class DieFlag(IntFlag):
    """What happened to a die (or a set item). No flag: rolled and kept."""

    DROPPED = 1
    REROLLED = 2
    EXPLODED = 4
    """It exploded (or, for `ra`, added a die)."""
    CLAMPED = 8
    COMPOUNDED = 16
    """Its face was added into the die before it (`!!`); it is not counted on its own."""
    PENETRATED = 32
    """An extra die of a penetrating explosion: its value is its face minus 1."""
    SUCCESS = 64
    FAILURE = 128


DROPPED = int(DieFlag.DROPPED)
REROLLED = int(DieFlag.REROLLED)
EXPLODED = int(DieFlag.EXPLODED)
CLAMPED = int(DieFlag.CLAMPED)
COMPOUNDED = int(DieFlag.COMPOUNDED)
PENETRATED = int(DieFlag.PENETRATED)
SUCCESS = int(DieFlag.SUCCESS)
FAILURE = int(DieFlag.FAILURE)
INACTIVE = DROPPED | REROLLED | COMPOUNDED
"""Flags of dice that do not count."""

_TESTS: dict[str, Callable[[int], Predicate]] = {
    "=": lambda x: x.__eq__,
    ">": lambda x: x.__lt__,
    "<": lambda x: x.__gt__,
    ">=": lambda x: x.__le__,
    "<=": lambda x: x.__ge__,
    "!=": lambda x: x.__ne__,
    "even": lambda _: _even,
    "odd": lambda _: _odd,
}


def _even(number: int) -> bool:
    return number % 2 == 0


def _odd(number: int) -> bool:
    return number % 2 == 1


def predicate(selector: Selector) -> Predicate:
    """A fast test for a comparison selector (`>3` gives `3 .__lt__`, true for 4, 5...)."""
    return _TESTS[selector.op](selector.value)


class PoolInfo:
    """Static facts about one `Dice` node that rendering and crit detection need."""

    __slots__ = (
        "compound",
        "counting",
        "crit",
        "custom",
        "fate",
        "fumble",
        "sides",
        "sort",
        "within",
    )

    def __init__(self, node: Dice, within: tuple[tuple[int, int], ...] = ()) -> None:
        self.within = within
        """`(trace index, item position)` of each set item the pool is in, outermost first."""
        self.sides = node.sides
        self.fate = node.sides == FATE
        self.custom = node.faces is not None
        self.sort = node.sort
        self.compound = any(isinstance(m, Explode) and m.mode == "compound" for m in node.modifiers)
        self.counting = any(isinstance(m, CountSuccesses) for m in node.modifiers)
        ranges = {m.kind: m.selector for m in node.modifiers if isinstance(m, CritRange)}
        self.crit: Predicate | None = None
        self.fumble: Predicate | None = None
        natural = node.sides == 20 and node.faces is None
        if ranges or natural:
            # A d20 crits on 20 and fumbles on 1 unless told otherwise; other dice only in the
            # ranges their `cs`/`cf` give.
            bottom, top = dice_face_range(node)
            success = ranges.get("success")
            failure = ranges.get("failure")
            self.crit = predicate(success) if success else top.__eq__ if natural else _never
            self.fumble = predicate(failure) if failure else bottom.__eq__ if natural else _never


def _never(_: int) -> bool:
    return False


def pool_infos(root: Node) -> list[PoolInfo | None]:
    """One `PoolInfo` per trace entry (None for sets and computed dice, whose dice are known
    only once rolled)."""
    return [
        PoolInfo(node, within) if isinstance(node, Dice) else None
        for node, within in zip(traced_nodes(root), enclosures(root), strict=True)
    ]


def enclosures(root: Node) -> list[tuple[tuple[int, int], ...]]:
    """Per trace entry, the `(trace index, item position)` of each set item it lies in,
    outermost first."""
    nodes = traced_nodes(root)
    slots = {id(node): index for index, node in enumerate(nodes)}
    found: list[tuple[tuple[int, int], ...]] = [()] * len(nodes)
    pending: list[tuple[Node, tuple[tuple[int, int], ...]]] = [(root, ())]
    while pending:
        node, within = pending.pop()
        if isinstance(node, Dice):
            found[slots[id(node)]] = within
        elif isinstance(node, ComputedDice):
            found[slots[id(node)]] = within
            pending.extend((child, within) for child in children(node))
        elif isinstance(node, Set):
            slot = slots[id(node)]
            found[slot] = within
            pending.extend((item, (*within, (slot, i))) for i, item in enumerate(node.items))
        else:
            pending.extend((child, within) for child in children(node))
    return found
