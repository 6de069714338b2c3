"""The syntax tree of a dice expression, as built by `nazh.dice.parser`.

The tree is immutable and holds no evaluation state. `Expression.root` is one of the node
classes below. Arithmetic is left-associative: `1+2+3` is `Binary("+", Binary("+", 1, 2), 3)`;
chains of 500 terms are possible, so walk them with `chain()` rather than recursion on `left`.
Parentheses stay in the tree as `Group` so that text and rendering keep them.

Dice faces: an ordinary die with `sides` n shows 1 to n; `d%` is `Dice(sides=100,
percent=True)`; a Fate die has `sides == FATE` (0) and shows -1, 0 or +1.

Modifiers of a `Dice` (or `Set`) apply in the order written, except `CountSuccesses`,
`CountFailures` and `CritRange`, which only read the final pool. Selectors of `Reroll`,
`Explode` and `CritRange` test a die's natural face; those of `Keep`, `Drop`,
`CountSuccesses` and `CountFailures` test its value (after clamps, penetration, compounding).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING
from typing import Literal as Lit

if TYPE_CHECKING:
    from collections.abc import Iterator

__all__ = (
    "FATE",
    "Binary",
    "Clamp",
    "CountFailures",
    "CountSuccesses",
    "CritRange",
    "Dice",
    "Drop",
    "Explode",
    "Group",
    "Keep",
    "Labelled",
    "Literal",
    "Modifier",
    "Node",
    "Reroll",
    "Selector",
    "Set",
    "Unary",
    "chain",
    "children",
    "face_range",
    "traced_nodes",
)

FATE = 0
"""`Dice.sides` of a Fate die (faces -1, 0, +1)."""

SelectorOp = Lit["h", "l", "=", ">", "<", ">=", "<="]
BinaryOp = Lit["+", "-", "*", "/"]
RerollMode = Lit["until", "once", "add"]


@dataclass(frozen=True, slots=True)
class Selector:
    """Which dice a modifier touches: the `value` highest (`h`), lowest (`l`), or by comparison."""

    op: SelectorOp
    value: int

    def matches(self, number: int) -> bool:
        """Whether a face or value matches a comparison selector (never true for `h`/`l`)."""
        op = self.op
        if op == "=":
            return number == self.value
        if op == ">":
            return number > self.value
        if op == "<":
            return number < self.value
        if op == ">=":
            return number >= self.value
        if op == "<=":
            return number <= self.value
        return False


@dataclass(frozen=True, slots=True)
class Keep:
    """Keep the selected dice (or set items), drop the others."""

    selector: Selector


@dataclass(frozen=True, slots=True)
class Drop:
    """Drop the selected dice (or set items)."""

    selector: Selector


@dataclass(frozen=True, slots=True)
class Reroll:
    """Reroll matching dice: `until` none match, `once`, or `add` one die for the first match."""

    selector: Selector
    mode: RerollMode


@dataclass(frozen=True, slots=True)
class Explode:
    """Roll an extra die for each matching die (`selector` None: on the maximum face).

    `compound` adds the extra dice into the one that exploded; `penetrate` subtracts 1 from
    every extra die.
    """

    selector: Selector | None
    mode: Lit["explode", "compound", "penetrate"]


@dataclass(frozen=True, slots=True)
class Clamp:
    """Raise values below `value` (`bound="min"`) or lower values above it (`"max"`)."""

    bound: Lit["min", "max"]
    value: int


@dataclass(frozen=True, slots=True)
class CountSuccesses:
    """The pool's value becomes the number of kept dice matching (minus failures)."""

    selector: Selector


@dataclass(frozen=True, slots=True)
class CountFailures:
    """Each kept die matching subtracts one from the success count."""

    selector: Selector


@dataclass(frozen=True, slots=True)
class CritRange:
    """Faces that count as a critical success (`kind="success"`) or failure."""

    kind: Lit["success", "failure"]
    selector: Selector


Modifier = Keep | Drop | Reroll | Explode | Clamp | CountSuccesses | CountFailures | CritRange


@dataclass(frozen=True, slots=True)
class Literal:
    """A non-negative integer."""

    value: int


@dataclass(frozen=True, slots=True)
class Dice:
    """`count` dice of `sides` sides (`FATE` for Fate dice), with modifiers in written order."""

    count: int
    sides: int
    modifiers: tuple[Modifier, ...] = ()
    percent: bool = False


@dataclass(frozen=True, slots=True)
class Set:
    """A set of expressions whose values are kept, dropped or counted as a pool.

    `braces` records whether it was written `{...}` rather than `(..., ...)`.
    Only `Keep`, `Drop`, `CountSuccesses` and `CountFailures` modifiers apply to sets.
    """

    items: tuple[Node, ...]
    modifiers: tuple[Modifier, ...] = ()
    braces: bool = False


@dataclass(frozen=True, slots=True)
class Group:
    """A parenthesised expression."""

    inner: Node


@dataclass(frozen=True, slots=True)
class Unary:
    """A sign applied to an operand."""

    op: Lit["+", "-"]
    operand: Node


@dataclass(frozen=True, slots=True)
class Binary:
    """Arithmetic; `/` divides rounding down (towards negative infinity)."""

    op: BinaryOp
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Labelled:
    """An operand with a label written after it: `2d6[fire]`."""

    operand: Node
    label: str


Node = Literal | Dice | Set | Group | Unary | Binary | Labelled

_ADDITIVE = ("+", "-")


def chain(node: Binary) -> tuple[Node, list[tuple[BinaryOp, Node]]]:
    """Flatten a left-associative chain of same-precedence operators without recursion.

    `1 - 2 + 3` gives `(Literal(1), [("-", Literal(2)), ("+", Literal(3))])`.
    """
    additive = node.op in _ADDITIVE
    rest: list[tuple[BinaryOp, Node]] = []
    current: Node = node
    while isinstance(current, Binary) and (current.op in _ADDITIVE) == additive:
        rest.append((current.op, current.right))
        current = current.left
    rest.reverse()
    return current, rest


def children(node: Node) -> Iterator[Node]:
    """Direct operands of a node in evaluation order (a `Binary` chain counts as one node)."""
    if isinstance(node, Binary):
        first, rest = chain(node)
        yield first
        for _, operand in rest:
            yield operand
    elif isinstance(node, Set):
        yield from node.items
    elif isinstance(node, Group):
        yield node.inner
    elif isinstance(node, Unary | Labelled):
        yield node.operand


def traced_nodes(root: Node) -> list[Dice | Set]:
    """`Dice` and `Set` nodes in evaluation order (post-order, left to right).

    An evaluation records one trace entry per node in this order.
    """
    found: list[Dice | Set] = []
    _collect(root, found)
    return found


def _collect(node: Node, found: list[Dice | Set]) -> None:
    for child in children(node):
        _collect(child, found)
    if isinstance(node, Dice | Set):
        found.append(node)


def face_range(sides: int) -> tuple[int, int]:
    """Lowest and highest natural face of a die."""
    return (-1, 1) if sides == FATE else (1, sides)
