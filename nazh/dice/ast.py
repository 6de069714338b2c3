"""The syntax tree of a dice expression, as built by `nazh.dice.parser`.

The tree is immutable and holds no evaluation state. `Expression.root` is one of the node
classes below. Arithmetic is left-associative: `1+2+3` is `Binary("+", Binary("+", 1, 2), 3)`;
chains of 500 terms are possible, so walk them with `chain()` rather than recursion on `left`.
Parentheses stay in the tree as `Group` so that text and rendering keep them.

Dice faces: an ordinary die with `sides` n shows 1 to n; `d%` is `Dice(sides=100,
percent=True)`; a Fate die has `sides == FATE` (0) and shows -1, 0 or +1; a die with custom
`faces` (`d[2,2,4,4,6,6]`) has `sides == len(faces)` and shows one of them. `ComputedDice` has a
count or sides given by an expression (`(1d4)d6`, `3d(2*6)`); rolling it rolls a `Dice` of the
values found.

Values are `int`, or `Fraction` once a decimal, a real division or a function makes one; a whole
result is always an `int`.

Modifiers of a `Dice` (or `Set`) apply in the order written, except `CountSuccesses`,
`CountFailures` and `CritRange`, which only read the final pool. Selectors of `Reroll`,
`Explode` and `CritRange` test a die's natural face; those of `Keep`, `Drop`,
`CountSuccesses` and `CountFailures` test its value (after clamps, penetration, compounding).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from typing import Literal as Lit

if TYPE_CHECKING:
    from collections.abc import Iterator
    from fractions import Fraction

    from nazh.dice.functions import Function

__all__ = (
    "FATE",
    "Binary",
    "Call",
    "Clamp",
    "ComputedDice",
    "CountFailures",
    "CountSuccesses",
    "CritRange",
    "Decimal",
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
    "Unique",
    "chain",
    "children",
    "dice_face_range",
    "face_range",
    "traced_nodes",
)

FATE = 0
"""`Dice.sides` of a Fate die (faces -1, 0, +1)."""

SelectorOp = Lit["h", "l", "=", ">", "<", ">=", "<=", "!=", "even", "odd"]
BinaryOp = Lit["+", "-", "*", "/", "//", "%", "^", "==", "!=", "<", ">", "<=", ">="]
RerollMode = Lit["until", "once", "add"]
SortOrder = Lit["ascending", "descending"]


@dataclass(frozen=True, slots=True)
class Selector:
    """Which dice a modifier touches: the `value` highest (`h`), lowest (`l`), or by comparison
    (`even` and `odd` ignore `value`)."""

    op: SelectorOp
    value: int

    def matches(self, number: int | Fraction) -> bool:
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
        if op == "!=":
            return number != self.value
        if op == "even":
            return number % 2 == 0
        if op == "odd":
            return number % 2 == 1
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
    every extra die. `once`: the extra dice do not explode again (`xo`). `limit`: at most that
    many explosions in the whole pool (Foundry's `x5=10`).
    """

    selector: Selector | None
    mode: Lit["explode", "compound", "penetrate"]
    once: bool = False
    limit: int | None = None


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


@dataclass(frozen=True, slots=True)
class Unique:
    """Reroll each die showing a face that an earlier kept die of the pool shows (`u`)."""


Modifier = (
    Keep | Drop | Reroll | Explode | Clamp | Unique | CountSuccesses | CountFailures | CritRange
)


@dataclass(frozen=True, slots=True)
class Literal:
    """A non-negative integer."""

    value: int


@dataclass(frozen=True, slots=True)
class Decimal:
    """A non-negative decimal number as written (`1.5`, `.5`); `text` is its normal spelling."""

    value: Fraction
    text: str


@dataclass(frozen=True, slots=True)
class Dice:
    """`count` dice of `sides` sides (`FATE` for Fate dice), with modifiers in written order.

    `faces` holds custom faces (`d[2,2,4]`, then `sides == len(faces)`); `sort` orders the dice
    as shown (`s`, `sd`), which changes no value.
    """

    count: int
    sides: int
    modifiers: tuple[Modifier, ...] = ()
    percent: bool = False
    faces: tuple[int, ...] | None = None
    sort: SortOrder | None = None


@dataclass(frozen=True, slots=True)
class ComputedDice:
    """Dice whose count and/or sides are expressions: `(1d4)d6`, `3d(2*6)`.

    `count` / `sides` None: as written in `dice`, which holds everything else written (the
    modifiers, custom faces, sorting); rolling rolls `dice` with the values found.
    """

    count: Node | None
    sides: Node | None
    dice: Dice


@dataclass(frozen=True, slots=True)
class Set:
    """A set of expressions whose values are kept, dropped or counted as a pool.

    `braces` records whether it was written `{...}` rather than `(..., ...)`.
    Only `Keep`, `Drop`, `CountSuccesses` and `CountFailures` modifiers apply to sets.
    A set of one item whose dice are added to numbers (`{4d6+3d8}k4`, `{3d20+5}>21`) may
    instead keep and drop among its dice (`keeps_dice`) and test each die, with the item's
    numbers added, for successes (`tests_dice`), as the dialect reads it.
    """

    items: tuple[Node, ...]
    modifiers: tuple[Modifier, ...] = ()
    braces: bool = False
    keeps_dice: bool = False
    tests_dice: bool = False


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
    """Arithmetic. `/` divides as the dialect says (Nazh: rounding down); `//` rounds down;
    `%` is the remainder; `^` is the power (written `^` or `**`, right-associative).
    Comparisons (`==`, `!=`, `<`, `>`, `<=`, `>=`, Avrae's) give 1 or 0 and bind loosest."""

    op: BinaryOp
    left: Node
    right: Node


@dataclass(frozen=True, slots=True)
class Labelled:
    """An operand with a label written after it: `2d6[fire]`."""

    operand: Node
    label: str


@dataclass(frozen=True, slots=True)
class Call:
    """A function call `name(args, key=value)`; `name` is lower case, `function` resolved.

    Math functions are built in (`nazh.dice.functions`); the same syntax will name saved rolls
    and game systems.
    """

    name: str
    args: tuple[Node, ...]
    keywords: tuple[tuple[str, Node], ...] = ()
    function: Function | None = field(default=None, compare=False, repr=False)


Node = Literal | Decimal | Dice | ComputedDice | Set | Group | Unary | Binary | Labelled | Call

_PRECEDENCE: dict[str, int] = {
    **dict.fromkeys(("==", "!=", "<", ">", "<=", ">="), -1),
    **dict.fromkeys(("+", "-"), 0),
    **dict.fromkeys(("*", "/", "//", "%"), 1),
    "^": 2,
}


def chain(node: Binary) -> tuple[Node, list[tuple[BinaryOp, Node]]]:
    """Flatten a left-associative chain of same-precedence operators without recursion.

    `1 - 2 + 3` gives `(Literal(1), [("-", Literal(2)), ("+", Literal(3))])`. A power is
    right-associative, so its chain is one operator long.
    """
    level = _PRECEDENCE[node.op]
    rest: list[tuple[BinaryOp, Node]] = []
    current: Node = node
    while isinstance(current, Binary) and _PRECEDENCE[current.op] == level:
        rest.append((current.op, current.right))
        current = current.left
        if level == 2:
            break
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
    elif isinstance(node, ComputedDice):
        if node.count is not None:
            yield node.count
        if node.sides is not None:
            yield node.sides
    elif isinstance(node, Call):
        yield from node.args
        for _, value in node.keywords:
            yield value
    elif isinstance(node, Group):
        yield node.inner
    elif isinstance(node, Unary | Labelled):
        yield node.operand


Traced = Dice | ComputedDice | Set


def traced_nodes(root: Node) -> list[Traced]:
    """`Dice`, `ComputedDice` and `Set` nodes in evaluation order (post-order, left to right).

    An evaluation records one trace entry per node in this order.
    """
    found: list[Traced] = []
    _collect(root, found)
    return found


def _collect(node: Node, found: list[Traced]) -> None:
    for child in children(node):
        _collect(child, found)
    if isinstance(node, Dice | ComputedDice | Set):
        found.append(node)


def face_range(sides: int) -> tuple[int, int]:
    """Lowest and highest natural face of a die without custom faces."""
    return (-1, 1) if sides == FATE else (1, sides)


def dice_face_range(node: Dice) -> tuple[int, int]:
    """Lowest and highest natural face of the dice of a pool, custom faces included."""
    if node.faces is not None:
        return min(node.faces), max(node.faces)
    return face_range(node.sides)
