"""Text to syntax tree: a recursive-descent parser that reports the column of every error.

Grammar (whitespace is free around operators, commas and brackets; modifiers and labels attach
to their dice without a space, so text after a space that does not continue the expression is
the comment):

    input      = [repeat] expression [keyword] [comment]
    repeat     = INT ("#" | "x")                      6#4d6kh3, 6x 4d6kh3
    expression = term {("+" | "-") term}
    term       = unary {("*" | "/") unary}
    unary      = ("+" | "-") unary | atom
    atom       = (dice | INT | "(" expression ")" | set) ["[" label "]"]
    set        = "(" expression "," [expression {"," expression}] ")" set-modifiers
               | "(" expression ")" set-modifiers+
               | "{" expression {"," expression} "}" set-modifiers
    dice       = [INT] "d" (INT | "%" | "F") pool-modifiers
    keyword    = "adv" | "advantage" | "dis" | "disadvantage"
"""

from __future__ import annotations

from typing import TYPE_CHECKING, NamedTuple

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
    Set,
    Unary,
    face_range,
    traced_nodes,
)
from nazh.dice.errors import LimitError, ParseError, describe_char
from nazh.dice.limits import (
    MAX_DICE,
    MAX_INPUT_LENGTH,
    MAX_NESTING,
    MAX_REPEAT,
    MAX_SIDES,
    MAX_VALUE,
)

if TYPE_CHECKING:
    from nazh.dice.ast import (
        Modifier,
        Node,
        RerollMode,
        SelectorOp,
    )

__all__ = ("ParsedInput", "parse_input")

_DIGITS = frozenset("0123456789")
_COMPARE_START = frozenset("<>=")
_MAX_DIGITS = len(str(MAX_VALUE))
_REROLL_MODES: dict[str, RerollMode] = {"r": "until", "o": "once", "a": "add"}
_KEYWORDS = {"adv": "h", "advantage": "h", "dis": "l", "disadvantage": "l"}


class ParsedInput(NamedTuple):
    """What the parser found in one input."""

    root: Node
    repeat: int
    comment: str | None


def parse_input(text: str) -> ParsedInput:
    """Parse one input; raise `ParseError` or `LimitError` if it is not acceptable."""
    if len(text) > MAX_INPUT_LENGTH:
        raise LimitError(f"a roll is limited to {MAX_INPUT_LENGTH:,} characters")
    parsed = _Parser(text, None).parse()
    dice = sum(node.count for node in traced_nodes(parsed.root) if isinstance(node, Dice))
    if dice * parsed.repeat > MAX_DICE:
        raise LimitError(f"a roll is limited to {MAX_DICE:,} dice")
    return parsed


class _Parser:
    __slots__ = (
        "advantage",
        "applied",
        "depth",
        "expression_start",
        "from_keyword",
        "i",
        "n",
        "text",
    )

    def __init__(self, text: str, keyword_advantage: str | None) -> None:
        self.text = text
        self.n = len(text)
        self.i = 0
        self.depth = 0
        self.expression_start = 0
        self.advantage = keyword_advantage
        self.from_keyword = keyword_advantage is not None
        self.applied = False

    # -- helpers -------------------------------------------------------------------------

    def fail(self, expected: str | None = None, at: int | None = None) -> ParseError:
        at = self.i if at is None else at
        if at >= self.n:
            reason = "unexpected end of input"
        else:
            reason = f"unexpected {describe_char(self.text[at])}"
        return ParseError(reason, self.text, at + 1, expected)

    def peek(self, offset: int = 0) -> str:
        index = self.i + offset
        return self.text[index] if index < self.n else ""

    def skip_space(self) -> None:
        text, i, n = self.text, self.i, self.n
        while i < n and text[i].isspace():
            i += 1
        self.i = i

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise LimitError(f"a roll is limited to {MAX_NESTING} levels of nesting")

    # -- input ---------------------------------------------------------------------------

    def parse(self) -> ParsedInput:
        self.skip_space()
        if self.i >= self.n:
            raise self.fail("dice like `1d20`")
        repeat = self.repeat()
        self.expression_start = self.i
        root = self.expression()
        if self.i < self.n and not self.text[self.i].isspace():
            raise self.fail("an operator, or a space before a comment")
        self.skip_space()
        keyword_at = self.i
        kind = self.keyword()
        if kind is not None:
            if not self.from_keyword:
                if self.advantage is not None:
                    raise ParseError("advantage is already given", self.text, keyword_at + 1)
                again = _Parser(self.text, kind)
                parsed = again.parse()
                if not again.applied:
                    raise ParseError(
                        "advantage needs a plain `1d20` in the roll", self.text, keyword_at + 1
                    )
                return parsed
            self.skip_space()
        comment = self.text[self.i :].strip() or None
        return ParsedInput(root, repeat, comment)

    def repeat(self) -> int:
        text, start = self.text, self.i
        end = start
        while end < self.n and text[end] in _DIGITS:
            end += 1
        if end == start or end >= self.n or text[end] not in "#x":
            return 1
        if end - start > 3 or int(text[start:end]) > MAX_REPEAT:
            raise LimitError(f"a roll is limited to {MAX_REPEAT} repetitions")
        count = int(text[start:end])
        if count == 0:
            raise ParseError("a roll must repeat at least once", text, start + 1)
        self.i = end + 1
        self.skip_space()
        if self.i >= self.n:
            raise self.fail("dice like `1d20`")
        return count

    def keyword(self) -> str | None:
        text, i = self.text, self.i
        end = i
        while end < self.n and not text[end].isspace():
            end += 1
        kind = _KEYWORDS.get(text[i:end].lower())
        if kind is not None:
            self.i = end
        return kind

    # -- arithmetic ----------------------------------------------------------------------

    def expression(self) -> Node:
        left = self.term()
        while True:
            before = self.i
            self.skip_space()
            op = self.peek()
            if op not in ("+", "-"):
                self.i = before
                return left
            self.i += 1
            self.skip_space()
            left = Binary(op, left, self.term())

    def term(self) -> Node:
        left = self.unary()
        while True:
            before = self.i
            self.skip_space()
            op = self.peek()
            if op not in ("*", "/"):
                self.i = before
                return left
            self.i += 1
            self.skip_space()
            left = Binary(op, left, self.unary())

    def unary(self) -> Node:
        sign = self.peek()
        if sign not in ("+", "-"):
            return self.atom()
        text, i = self.text, self.i
        if (
            i == self.expression_start
            and text.startswith("d20", i + 1)
            and self.peek(4) not in _DIGITS
        ):
            self.i += 1
            return self.advantage_prefix("h" if sign == "+" else "l", i)
        self.enter()
        self.i += 1
        self.skip_space()
        node = Unary(sign, self.unary())
        self.depth -= 1
        return node

    def advantage_prefix(self, kind: str, at: int) -> Node:
        if self.advantage is not None:
            raise ParseError("advantage is already given", self.text, at + 1)
        self.advantage = kind
        node = self.atom()
        if not self.applied:
            raise ParseError("advantage needs a plain `d20`", self.text, at + 1)
        return node

    # -- operands ------------------------------------------------------------------------

    def atom(self) -> Node:
        char = self.peek()
        start = self.i
        node: Node
        if char in ("(", "{"):
            node = self.group()
        elif char in _DIGITS and char:
            number = self.number()
            node = self.dice(number, start) if self.peek() == "d" else Literal(number)
        elif char == "d":
            node = self.dice(None, start)
        else:
            raise self.fail("a number, dice like `d20`, or `(`")
        if self.peek() == "[":
            node = Labelled(node, self.label())
        return node

    def number(self) -> int:
        text, start = self.text, self.i
        end = start
        while end < self.n and text[end] in _DIGITS:
            end += 1
        if end == start:
            raise self.fail("a number")
        if end - start > _MAX_DIGITS or int(text[start:end]) > MAX_VALUE:
            raise LimitError(f"numbers are limited to {MAX_VALUE:,}")
        self.i = end
        return int(text[start:end])

    def label(self) -> str:
        start = self.i
        end = self.text.find("]", start + 1)
        if end < 0:
            raise self.fail("`]` to close the label", self.n)
        label = self.text[start + 1 : end].strip()
        if not label:
            raise ParseError("empty label", self.text, start + 1)
        bad = next((k for k in range(start + 1, end) if self.text[k] in "[\n\r"), None)
        if bad is not None:
            raise self.fail("`]` to close the label", bad)
        self.i = end + 1
        return label

    def group(self) -> Node:
        self.enter()
        opening = self.peek()
        closing = ")" if opening == "(" else "}"
        self.i += 1
        self.skip_space()
        items = [self.expression()]
        self.skip_space()
        comma = False
        while self.peek() == ",":
            comma = True
            self.i += 1
            self.skip_space()
            if opening == "(" and len(items) == 1 and self.peek() == ")":
                break
            items.append(self.expression())
            self.skip_space()
        if self.peek() != closing:
            raise self.fail(f"`{closing}` or `,`")
        self.i += 1
        modifiers = self.modifiers(None)
        self.depth -= 1
        if opening == "(" and not comma and not modifiers:
            return Group(items[0])
        return Set(tuple(items), modifiers, braces=opening == "{")

    def dice(self, count: int | None, start: int) -> Dice:
        self.i += 1
        sides_at = self.i
        char = self.peek()
        percent = False
        if char == "%":
            sides, percent = 100, True
            self.i += 1
        elif char == "F":
            sides = FATE
            self.i += 1
        elif char in _DIGITS and char:
            sides = self.number()
            if sides == 0:
                raise ParseError("a die needs at least one side", self.text, sides_at + 1)
            if sides > MAX_SIDES:
                raise LimitError(f"dice are limited to {MAX_SIDES:,} sides")
        else:
            raise self.fail("the number of sides, like `d20`")
        if count is None:
            count = 1
        elif count == 0:
            raise ParseError("roll at least one die", self.text, start + 1)
        elif count > MAX_DICE:
            raise LimitError(f"a roll is limited to {MAX_DICE:,} dice")
        modifiers = self.modifiers(sides)
        _check_endless(modifiers, sides)
        if (
            self.advantage is not None
            and not self.applied
            and count == 1
            and sides == 20
            and not percent
            and not any(isinstance(m, Keep | Drop) for m in modifiers)
        ):
            self.applied = True
            return Dice(2, 20, _with_advantage(modifiers, self.advantage), False)
        return Dice(count, sides, modifiers, percent)

    # -- modifiers -----------------------------------------------------------------------

    def modifiers(self, sides: int | None) -> tuple[Modifier, ...]:
        """Modifiers of a pool (`sides` given) or of a set (`sides` None)."""
        pool = sides is not None
        found: list[Modifier] = []
        counting = False
        failures = False
        while self.i < self.n:
            char = self.peek()
            nxt = self.peek(1)
            if counting and char not in ("f", "c"):
                break
            if char == "k":
                self.i += 1
                found.append(Keep(self.keep_selector("h")))
            elif char == "p" or (
                char == "d" and (nxt in ("h", "l") if not pool else _drop_follows(nxt))
            ):
                self.i += 1
                found.append(Drop(self.keep_selector("l")))
            elif pool and char == "r":
                self.i += 1
                mode = _REROLL_MODES.get(self.peek(), "until")
                if self.peek() in _REROLL_MODES:
                    self.i += 1
                found.append(Reroll(self.selector(), mode))
            elif pool and char == "e":
                self.i += 1
                found.append(Explode(self.selector(), "explode"))
            elif pool and char == "!":
                self.i += 1
                mode = "explode"
                if nxt == "!":
                    mode = "compound"
                    self.i += 1
                elif nxt == "p":
                    mode = "penetrate"
                    self.i += 1
                selector = self.selector() if _selector_follows(self.peek()) else None
                found.append(Explode(selector, mode))
            elif pool and char == "m" and nxt in ("i", "a"):
                self.i += 2
                found.append(Clamp("min" if nxt == "i" else "max", self.number()))
            elif pool and char == "c" and nxt in ("s", "f"):
                self.i += 2
                found.append(CritRange("success" if nxt == "s" else "failure", self.selector()))
            elif char in _COMPARE_START and char:
                if counting:
                    break
                counting = True
                found.append(CountSuccesses(self.comparison()))
            elif char == "f":
                if not counting:
                    raise self.fail("a success condition like `>=7` before `f`")
                if failures:
                    break
                failures = True
                self.i += 1
                found.append(CountFailures(self.selector()))
            else:
                break
        return tuple(found)

    def keep_selector(self, bare: SelectorOp) -> Selector:
        char = self.peek()
        if char in ("h", "l"):
            self.i += 1
            return Selector(char, self.number())
        if char in _DIGITS and char:
            return Selector(bare, self.number())
        if char in _COMPARE_START and char:
            return self.comparison()
        raise self.fail("`h`, `l`, a number or a comparison like `>3`")

    def selector(self) -> Selector:
        char = self.peek()
        if char in _DIGITS and char:
            return Selector("=", self.number())
        if char in _COMPARE_START and char:
            return self.comparison()
        raise self.fail("a number or a comparison like `<2`")

    def comparison(self) -> Selector:
        text, i = self.text, self.i
        op: SelectorOp
        if text.startswith(">=", i):
            op = ">="
        elif text.startswith("<=", i):
            op = "<="
        elif text[i] == ">":
            op = ">"
        elif text[i] == "<":
            op = "<"
        else:
            op = "="
        self.i += len(op)
        negative = self.peek() == "-"
        if negative:
            self.i += 1
        value = self.number()
        return Selector(op, -value if negative else value)


def _drop_follows(char: str) -> bool:
    return bool(char) and (char in "hl" or char in _DIGITS or char in _COMPARE_START)


def _selector_follows(char: str) -> bool:
    return bool(char) and (char in _DIGITS or char in _COMPARE_START)


def _matches_every_face(selector: Selector | None, sides: int) -> bool:
    low, high = face_range(sides)
    if selector is None:
        return low == high
    op, value = selector.op, selector.value
    if op == "=":
        return low == high == value
    if op == ">":
        return low > value
    if op == ">=":
        return low >= value
    if op == "<":
        return high < value
    if op == "<=":
        return high <= value
    return False


def _check_endless(modifiers: tuple[Modifier, ...], sides: int) -> None:
    for modifier in modifiers:
        if isinstance(modifier, Explode) and _matches_every_face(modifier.selector, sides):
            raise LimitError("that explosion matches every face and would never end")
        if (
            isinstance(modifier, Reroll)
            and modifier.mode == "until"
            and _matches_every_face(modifier.selector, sides)
        ):
            raise LimitError("that reroll matches every face and would never end")


def _with_advantage(modifiers: tuple[Modifier, ...], kind: str) -> tuple[Modifier, ...]:
    """Insert keep-highest/lowest 1 after the modifiers that change dice, before the counting."""
    changing = tuple(m for m in modifiers if isinstance(m, Reroll | Explode | Clamp))
    reading = tuple(m for m in modifiers if not isinstance(m, Reroll | Explode | Clamp))
    return (*changing, Keep(Selector("h" if kind == "h" else "l", 1)), *reading)
