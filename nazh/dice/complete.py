"""Autocomplete suggestions for a partly typed expression (used by `/roll`)."""

from __future__ import annotations

import re

from nazh.dice.errors import DiceError, ParseError
from nazh.dice.expression import Expression
from nazh.dice.limits import COMPLETION_MAX_LENGTH

__all__ = ("complete",)

_STARTERS = (
    "1d20",
    "1d20 adv",
    "1d20 dis",
    "1d20+5",
    "2d6",
    "4d6kh3",
    "6#4d6kh3",
    "1d4",
    "1d6",
    "1d8",
    "1d10",
    "1d12",
    "1d100",
    "3d6",
    "8d6",
    "2d20kh1",
    "10d10>=7",
    "4dF",
)
_SIDES = ("20", "6", "4", "8", "10", "12", "100")
_OPERANDS = ("1d20", "1d6", "1d4", "1d8", "1d10", "1d12", "1", "2", "3", "5")
_KEEP = ("h1", "l1", "h3", "h2", "l2", "1", "2", "3")
_SMALL = ("1", "2", "3", "4", "5", "6")
_SELECTORS = ("1", "2", "<2", "<3", ">4", ">5", ">=5", "6")
_ARITHMETIC = ("+1", "+2", "+3", "+5", "-1", "*2", "+1d4", "+1d6")
_KEYWORDS = ("adv", "dis", "advantage", "disadvantage")
_TRAILING_DICE = re.compile(r"(\d*)d(\d+|%|F)([^\s+\-*/()\[\]{},]*)$")


def complete(text: str, limit: int = 25) -> list[str]:
    """Up to `limit` valid expressions extending or fixing `text`, best first.

    Every suggestion parses and is at most `COMPLETION_MAX_LENGTH` characters long.
    """
    typed = text.strip()
    if not typed:
        return list(_STARTERS[:limit])
    found: list[str] = []
    seen: set[str] = set()
    for raw in _candidates(typed):
        if len(found) >= limit:
            break
        candidate = raw.strip()
        if candidate in seen or len(candidate) > COMPLETION_MAX_LENGTH:
            continue
        seen.add(candidate)
        if _valid(candidate):
            found.append(candidate)
    return found


def _valid(text: str) -> bool:
    try:
        Expression.from_text(text)
    except DiceError:
        return False
    return True


def _candidates(typed: str) -> list[str]:
    try:
        expression = Expression.from_text(typed)
    except ParseError as error:
        return _repairs(typed, error)
    except DiceError:
        return []
    if expression.comment is None:
        spelled = [typed + token for token in _next_tokens(typed)] if typed[-1].isalpha() else []
        return [typed, *spelled, *_extensions(typed)]
    head = typed[: len(typed) - len(expression.comment)].rstrip()
    word = expression.comment.split()[0].lower()
    keywords = [f"{head} {k}" for k in _KEYWORDS if k.startswith(word) and k != word]
    return [*keywords, typed, *_extensions(head)]


def _extensions(typed: str) -> list[str]:
    out: list[str] = []
    dice = _TRAILING_DICE.search(typed)
    if dice:
        count = int(dice.group(1) or "1")
        sides = dice.group(2)
        if not dice.group(3):
            if sides.isdigit():
                out.extend(typed[: dice.start(2)] + s for s in _SIDES if s.startswith(sides))
            if count > 1:
                out.extend(typed + m for m in (f"kh{count - 1}", "kh1", "kl1", "dl1"))
            out.extend(typed + m for m in ("!", "ro1", "rr1", "mi2"))
            if sides == "20":
                out.extend(typed + m for m in ("cs>19",))
            if count > 1:
                out.append(typed + ">=5")
    if dice or typed[-1:].isdigit() or typed[-1:] in (")", "}"):
        out.extend(typed + op for op in _ARITHMETIC)
    if "d20" in typed and not any(k in typed for k in _KEYWORDS):
        out.extend((typed + " adv", typed + " dis"))
    if "#" not in typed:
        out.append("6#" + typed)
    return out


def _repairs(typed: str, error: ParseError) -> list[str]:
    index = error.column - 1
    if index >= len(typed):
        closers = _closers(typed)
        if closers.startswith("]"):
            return [typed + closers]
        out = [typed + closers] if closers else []
        out.extend(typed + token + closers for token in _next_tokens(typed))
        return out
    before = typed[:index].rstrip()
    out = [f"{before} {typed[index:]}", typed[:index] + typed[index + 1 :]]
    if before:
        out.append(before)
        out.extend(_extensions(before))
    return out


def _next_tokens(typed: str) -> tuple[str, ...]:
    """What most likely comes next after an incomplete input."""
    last = typed[-1]
    if last in "+-*/({,#x" or last.isspace():
        return _OPERANDS
    if last == "d":
        return (*_SIDES, "%", "F", "l1", "h1")
    if last in "kp":
        return _KEEP
    if last in "hl":
        return _SMALL
    if last in "<>=":
        return _SMALL
    return _SELECTORS


def _closers(typed: str) -> str:
    stack: list[str] = []
    pairs = {"(": ")", "{": "}", "[": "]"}
    for char in typed:
        if char in pairs:
            stack.append(pairs[char])
        elif stack and char == stack[-1]:
            stack.pop()
    return "".join(reversed(stack))
