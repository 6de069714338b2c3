"""Syntax tree to normalised notation: parsing the text again gives the same tree."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nazh.dice.ast import (
    FATE,
    Binary,
    Clamp,
    CountFailures,
    CountSuccesses,
    CritRange,
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
    chain,
    face_range,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from nazh.dice.ast import (
        Modifier,
        Node,
        Set,
    )

__all__ = ("dice_text", "modifier_text", "node_text", "selector_text")

_SELECTOR_START = frozenset("0123456789<>=")
_REROLL = {"until": "rr", "once": "ro", "add": "ra"}
_EXPLODE = {"explode": "!", "compound": "!!", "penetrate": "!p"}


def selector_text(selector: Selector, *, bare_equals: bool) -> str:
    """`h3`, `>=7`, `=3` or (with `bare_equals`, for rerolls and explosions) `3`."""
    op, value = selector.op, selector.value
    if op == "=" and bare_equals and value >= 0:
        return str(value)
    return f"{op}{value}"


def modifier_text(modifier: Modifier) -> str:
    """The notation of one modifier, e.g. `kh3`, `rr<2`, `!`, `mi2`, `>=7`, `f1`, `cs>19`."""
    if isinstance(modifier, Keep):
        return "k" + selector_text(modifier.selector, bare_equals=False)
    if isinstance(modifier, Drop):
        selector = modifier.selector
        return ("d" if selector.op in ("h", "l") else "p") + selector_text(
            selector, bare_equals=False
        )
    if isinstance(modifier, Reroll):
        return _REROLL[modifier.mode] + selector_text(modifier.selector, bare_equals=True)
    if isinstance(modifier, Explode):
        tail = (
            "" if modifier.selector is None else selector_text(modifier.selector, bare_equals=True)
        )
        return _EXPLODE[modifier.mode] + tail
    if isinstance(modifier, Clamp):
        return ("mi" if modifier.bound == "min" else "ma") + str(modifier.value)
    if isinstance(modifier, CountSuccesses):
        return selector_text(modifier.selector, bare_equals=False)
    if isinstance(modifier, CountFailures):
        return "f" + selector_text(modifier.selector, bare_equals=True)
    assert isinstance(modifier, CritRange)
    prefix = "cs" if modifier.kind == "success" else "cf"
    return prefix + selector_text(modifier.selector, bare_equals=True)


def dice_text(node: Dice) -> str:
    """`4d6kh3`, `1d%`, `4dF`..."""
    if node.sides == FATE:
        sides = "F"
    elif node.percent:
        sides = "%"
    else:
        sides = str(node.sides)
    texts = [modifier_text(m) for m in node.modifiers]
    for index, modifier in enumerate(node.modifiers[:-1]):
        if isinstance(modifier, Explode) and modifier.selector is None:
            follower = texts[index + 1][0]
            if follower in _SELECTOR_START or (modifier.mode == "explode" and follower in "!p"):
                top = face_range(node.sides)[1]
                texts[index] += selector_text(Selector("=", top), bare_equals=True)
    return f"{node.count}d{sides}" + "".join(texts)


def node_text(node: Node, label: Callable[[str], str] = str) -> str:
    """The normalised notation of a tree: single spaces around binary operators.

    `label` transforms label text (the renderer escapes it).
    """
    if isinstance(node, Literal):
        return str(node.value)
    if isinstance(node, Dice):
        return dice_text(node)
    if isinstance(node, Binary):
        first, rest = chain(node)
        parts = [node_text(first, label)]
        for op, operand in rest:
            parts.append(f" {op} ")
            parts.append(node_text(operand, label))
        return "".join(parts)
    if isinstance(node, Unary):
        return node.op + node_text(node.operand, label)
    if isinstance(node, Group):
        return f"({node_text(node.inner, label)})"
    if isinstance(node, Labelled):
        return f"{node_text(node.operand, label)}[{label(node.label)}]"
    return set_text(node, [node_text(item, label) for item in node.items])


def set_text(node: Set, items: list[str]) -> str:
    """A set around already-written items, with its modifiers."""
    modifiers = "".join(modifier_text(m) for m in node.modifiers)
    if node.braces:
        return "{" + ", ".join(items) + "}" + modifiers
    inside = ", ".join(items)
    if len(items) == 1 and not modifiers:
        inside += ","
    return f"({inside}){modifiers}"
