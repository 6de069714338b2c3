"""Syntax tree to normalised notation: parsing the text again gives the same tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nazh.dice.ast import (
    FATE,
    Binary,
    Call,
    Clamp,
    ComputedDice,
    CountFailures,
    CountSuccesses,
    CritRange,
    Decimal,
    Dice,
    Drop,
    Explode,
    Group,
    Keep,
    Labelled,
    Literal,
    Reroll,
    Selector,
    Unary,
    Unique,
    chain,
    dice_face_range,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from nazh.dice.ast import (
        Modifier,
        Node,
        Set,
    )

__all__ = (
    "computed_text",
    "dice_text",
    "modifier_text",
    "modifiers_text",
    "node_text",
    "selector_text",
    "sides_text",
)

_SELECTOR_START = frozenset("0123456789<>=")
_REROLL = {"until": "rr", "once": "ro", "add": "ra"}
_EXPLODE = {"explode": "!", "compound": "!!", "penetrate": "!p"}
_SORT = {"ascending": "s", "descending": "sd"}


def selector_text(selector: Selector, *, bare_equals: bool) -> str:
    """`h3`, `>=7`, `=3` or (with `bare_equals`, for rerolls and explosions) `3`; not-equal is
    `<>` (after dice `!=` would read as an explosion), even and odd are `even`, `odd`."""
    op, value = selector.op, selector.value
    if op == "=" and bare_equals and value >= 0:
        return str(value)
    if op in ("even", "odd"):
        return op
    return f"{'<>' if op == '!=' else op}{value}"


def modifier_text(modifier: Modifier, bang: str = "!") -> str:
    """The notation of one modifier, e.g. `kh3`, `rr<2`, `!`, `mi2`, `>=7`, `f1`, `cs>19`;
    `bang` spells an explosion (`x` where `!` starts a comment)."""
    if isinstance(modifier, Keep):
        return "k" + selector_text(modifier.selector, bare_equals=False)
    if isinstance(modifier, Drop):
        selector = modifier.selector
        return ("d" if selector.op in ("h", "l") else "p") + selector_text(
            selector, bare_equals=False
        )
    if isinstance(modifier, Reroll):
        return _REROLL[modifier.mode] + selector_text(modifier.selector, bare_equals=True)
    if isinstance(modifier, Explode) and modifier.limit is not None:
        assert modifier.selector is not None
        prefix = "xo" if modifier.once else "x"
        return f"{prefix}{modifier.limit}{selector_text(modifier.selector, bare_equals=False)}"
    if isinstance(modifier, Explode):
        tail = (
            "" if modifier.selector is None else selector_text(modifier.selector, bare_equals=True)
        )
        if modifier.once:
            return "xo" + tail
        return (bang if modifier.mode == "explode" else _EXPLODE[modifier.mode]) + tail
    if isinstance(modifier, Clamp):
        return ("mi" if modifier.bound == "min" else "ma") + str(modifier.value)
    if isinstance(modifier, Unique):
        return "u"
    if isinstance(modifier, CountSuccesses):
        return selector_text(modifier.selector, bare_equals=False)
    if isinstance(modifier, CountFailures):
        return "f" + selector_text(modifier.selector, bare_equals=True)
    assert isinstance(modifier, CritRange)
    prefix = "cs" if modifier.kind == "success" else "cf"
    return prefix + selector_text(modifier.selector, bare_equals=True)


def sides_text(node: Dice) -> str:
    """What follows the `d`: `20`, `%`, `F`, `[2,2,4]`."""
    if node.percent:
        return "%"
    if node.faces is not None:
        return "[" + ",".join(map(str, node.faces)) + "]"
    return "F" if node.sides == FATE else str(node.sides)


def modifiers_text(node: Dice, bang: str = "!") -> str:
    """The modifiers of dice and their sorting, as written after the sides."""
    texts = [modifier_text(m, bang) for m in node.modifiers]
    for index, modifier in enumerate(node.modifiers[:-1]):
        if isinstance(modifier, Explode) and modifier.selector is None:
            follower = texts[index + 1][0]
            if follower in _SELECTOR_START or (modifier.mode == "explode" and follower in "!p"):
                top = dice_face_range(node)[1]
                texts[index] += selector_text(Selector("=", top), bare_equals=True)
    if node.sort is not None:
        texts.append(_SORT[node.sort])
    return "".join(texts)


def dice_text(node: Dice, bang: str = "!") -> str:
    """`4d6kh3`, `1d%`, `4dF`, `1d[2,2,4]`..."""
    return f"{node.count}d{sides_text(node)}{modifiers_text(node, bang)}"


def computed_text(node: ComputedDice, label: Callable[[str], str] = str, bang: str = "!") -> str:
    """`(1d4)d6`, `3d(2 * 6)`."""
    written = node.dice
    count = str(written.count) if node.count is None else node_text(node.count, label, bang)
    sides = sides_text(written) if node.sides is None else node_text(node.sides, label, bang)
    return f"{count}d{sides}{modifiers_text(written, bang)}"


def node_text(node: Node, label: Callable[[str], str] = str, bang: str = "!") -> str:
    """The normalised notation of a tree: single spaces around binary operators.

    `label` transforms label text (the renderer escapes it); `bang` spells an explosion.
    """
    if isinstance(node, Literal):
        return str(node.value)
    if isinstance(node, Decimal):
        return node.text
    if isinstance(node, Dice):
        return dice_text(node, bang)
    if isinstance(node, ComputedDice):
        return computed_text(node, label, bang)
    if isinstance(node, Call):
        args = [node_text(arg, label, bang) for arg in node.args]
        args.extend(f"{key}={node_text(value, label, bang)}" for key, value in node.keywords)
        return f"{node.name}({', '.join(args)})"
    if isinstance(node, Binary):
        first, rest = chain(node)
        parts = [node_text(first, label, bang)]
        for op, operand in rest:
            parts.append(f" {op} ")
            parts.append(node_text(operand, label, bang))
        return "".join(parts)
    if isinstance(node, Unary):
        return node.op + node_text(node.operand, label, bang)
    if isinstance(node, Group):
        return f"({node_text(node.inner, label, bang)})"
    if isinstance(node, Labelled):
        return f"{node_text(node.operand, label, bang)}[{label(node.label)}]"
    return set_text(node, [node_text(item, label, bang) for item in node.items])


def set_text(node: Set, items: list[str]) -> str:
    """A set around already-written items, with its modifiers."""
    modifiers = "".join(modifier_text(m) for m in node.modifiers)
    if node.braces:
        return "{" + ", ".join(items) + "}" + modifiers
    inside = ", ".join(items)
    if len(items) == 1 and not modifiers:
        inside += ","
    return f"({inside}){modifiers}"
