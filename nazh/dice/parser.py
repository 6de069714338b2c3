"""Text to syntax tree: a recursive-descent parser that reports the column of every error.

Grammar (whitespace is free around operators, commas and brackets; modifiers and labels attach
to their dice without a space, so text after a space that does not continue the expression is
the comment):

    input      = roll {";" roll}                      1d20+5; 2d6 (at most 20 rolls)
    roll       = [repeat] expression [keyword] [comment]
    repeat     = INT ("#" | "x")                      6#4d6kh3, 6x 4d6kh3 (not with ";")
    comment    = "//" text | "/*" text "*/" | text    (after a space unless `//` or `/*`)
    expression = term {("+" | "-") term}
    term       = unary {("*" | "/" | "//" | "%") unary}
    unary      = ("+" | "-") unary | power
    power      = atom [("^" | "**") unary]            right-associative: 2^3^2 = 2^9
    atom       = (dice | number | call | "(" expression ")" | set) ["[" label "]"]
    number     = INT | INT "." DIGITS | "." DIGITS
    call       = NAME "(" [argument {"," argument}] ")"   floor(1d20/2), max(1d6, 1d8)
               | [NAME ":"] MACRO ["(" ...as above... ")"]  attack, smite(3), server:attack
    argument   = [NAME "="] expression
    set        = "(" expression "," [expression {"," expression}] ")" set-modifiers
               | "(" expression ")" set-modifiers+
               | "{" expression {"," expression} "}" set-modifiers
    dice       = [INT | "(" expression ")"] ("d" | "D") sides pool-modifiers
    sides      = INT | "%" | "F" | "f" | "[" INT {"," INT} "]" | "(" expression ")"
    keyword    = "adv" | "advantage" | "dis" | "disadvantage"

Which `d` is which: in operand position `d`/`D` starts dice (`d20`, `(1d4)d6`) unless a longer
name and `(` follow (a call); after dice it is a drop (`4d6d1`, `4d6dl`, bare `4d6d` drops the
lowest one); after a set only `dh`/`dl` drop. `min`/`max` followed by `(` are functions in
operand position; after dice `min3`/`max6` (and `mi3`/`ma6`) are clamps. After dice `!`
always explodes (`3d6!=4` explodes on 4); not-equal is `<>` there, `!=` or `<>` elsewhere.
`even`/`odd` after dice count successes; `e` followed by anything else explodes. `x` after
dice explodes (`xo` once); at the very start `6x` repeats. A bare `r`/`ro` rerolls the lowest
face, a bare `k`/`kh`/`kl` keeps one die and a bare `d`/`dl`/`dh`/`p` drops one.

Dialect-dependent readings come from one `Readings` object (see `nazh.dice.readings`).

A name the resolver knows as a `Macro` (a saved roll) is read where it stands, with or without
arguments, names with `-` included (`sneak-attack`; a longer name wins over `name - number`).
Its text, with the arguments in place, is parsed like typed text (`nazh.dice.macros`); one
macro that is the whole roll may be several rolls or a repetition, elsewhere it must be one.
"""

from __future__ import annotations

import dataclasses
import re
from fractions import Fraction
from typing import TYPE_CHECKING, NamedTuple

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
    Set,
    Unary,
    Unique,
    dice_face_range,
    face_range,
    traced_nodes,
)
from nazh.dice.errors import LimitError, ParseError, UnknownNameError, describe_char
from nazh.dice.functions import Function, builtin
from nazh.dice.groups import dice_terms
from nazh.dice.limits import (
    MAX_DECIMALS,
    MAX_DICE,
    MAX_FACES,
    MAX_INPUT_LENGTH,
    MAX_NESTING,
    MAX_REPEAT,
    MAX_SIDES,
    MAX_VALUE,
)
from nazh.dice.macros import (
    MAX_EXPANDED_LENGTH,
    MAX_EXPANSIONS,
    MAX_MACRO_DEPTH,
    Macro,
    reads_as_dice,
)
from nazh.dice.notes import (
    alias_note,
    bang_note,
    bare_keep_note,
    bare_point_note,
    comment_note,
    compare_note,
    comparison_note,
    crits_note,
    division_note,
    double_slash_note,
    explode_cap_note,
    explode_e_note,
    group_keep_note,
    group_target_note,
    hash_note,
    leading_repeat_note,
    modifier_order_note,
    percentile_note,
    reroll_note,
    scope_note,
    spaced_note,
)
from nazh.dice.readings import NAZH_READINGS
from nazh.dice.rewrite import map_dice
from nazh.dice.systems import SystemCall, get_system, split_call
from nazh.dice.systems.dicemaiden import dicemaiden_alias

if TYPE_CHECKING:
    from nazh.dice.ast import (
        BinaryOp,
        Modifier,
        Node,
        RerollMode,
        SelectorOp,
        SortOrder,
    )
    from nazh.dice.dialects import ModifierKind
    from nazh.dice.functions import Resolver
    from nazh.dice.readings import Readings

__all__ = ("ParsedInput", "check_pool", "parse_input", "parse_inputs")

_DIGITS = frozenset("0123456789")
_NAME_START = frozenset("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_")
_NAME_CHARS = _NAME_START | _DIGITS
_COMPARE_START = frozenset("<>=")
_MAX_DIGITS = len(str(MAX_VALUE))
_REROLL_MODES: dict[str, RerollMode] = {"r": "until", "o": "once", "a": "add"}
_KEYWORDS = {"adv": "h", "advantage": "h", "dis": "l", "disadvantage": "l"}
_SORTS: dict[str, SortOrder] = {"a": "ascending", "d": "descending"}
_OPENERS = {"(": ")", "{": "}", "[": "]"}
_RELATIONS: tuple[BinaryOp, ...] = ("==", "!=", ">=", "<=", ">", "<")
_TENS = tuple(range(0, 100, 10))
_ROLL_START = re.compile(r"\s*(?:[-+(){]|\.?\d|[dD](?:\d|%|F\b|\[|\()|[A-Za-z_]\w*\s*\()")
_MACRO_START = re.compile(r"\s*((?:[A-Za-z_]\w*:)?[A-Za-z_][\w-]*)")
_DICE_AFTER_SPACE = re.compile(r"\s+\d*[dD](?:\d|%|F\b|\[|\()")
_MIN_SETS = 2


def _maiden_alias(text: str, readings: Readings, resolve: Resolver) -> str | None:
    """Dice Maiden's shorthands written out (`4cod` → `cod(4)`) where the dialect reads them,
    unless the roll starts with a macro's name (a saved `attack` beats `attack +5`)."""
    if not readings.maiden_options:
        return None
    word = _MACRO_START.match(text)
    if word is not None and isinstance(resolve(word.group(1).lower()), Macro):
        return None
    return dicemaiden_alias(text)


def _whole_kind(parts: list[ParsedInput]) -> str:
    if len(parts) > 1:
        return "several rolls"
    return "a game system's roll" if parts[0].system is not None else "a repeated roll"


def _closing(text: str, opening: int, end: int) -> int:
    """The index of the `)` closing the `(` at `opening`, or -1."""
    depth = 0
    for index in range(opening, end):
        char = text[index]
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth == 0:
                return index
    return -1


def _joined(first: dict[str, None], second: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(dict.fromkeys((*first, *second)))


class ParsedInput(NamedTuple):
    """What the parser found in one roll of an input; a game-system roll (`fitd(3)`) has its
    `system` call and a placeholder `root`."""

    root: Node
    repeat: int
    comment: str | None
    notes: tuple[str, ...] = ()
    system: SystemCall | None = None


def parse_input(
    text: str, readings: Readings = NAZH_READINGS, resolve: Resolver = builtin
) -> ParsedInput:
    """Parse an input of one roll; raise `ParseError` or `LimitError` if not acceptable."""
    first, *others = parse_inputs(text, readings, resolve)
    if others:
        raise ParseError("one roll expected, not several", text, text.index(";") + 1)
    return first


def parse_inputs(
    text: str, readings: Readings = NAZH_READINGS, resolve: Resolver = builtin
) -> tuple[ParsedInput, ...]:
    """Parse an input of one or more rolls separated by `;`; raise `ParseError` or
    `LimitError` (`MacroError` for a macro call) if it is not acceptable."""
    if len(text) > MAX_INPUT_LENGTH:
        raise LimitError(f"a roll is limited to {MAX_INPUT_LENGTH:,} characters")
    alias = _maiden_alias(text, readings, resolve)
    found, _ = _parse_rolls(alias or text, readings, resolve, (), _Budget())
    if alias is not None:
        note = alias_note(text, alias)
        found = [(start, p._replace(notes=(note, *p.notes))) for start, p in found]
    parsed = tuple(p for _, p in found)
    if len(parsed) > 1 and any(p.repeat > 1 for p in parsed):
        at = next(start for start, p in found if p.repeat > 1)
        raise ParseError("repeat one roll, or separate several with `;`, not both", text, at + 1)
    dice = sum(
        node.count * p.repeat
        for p in parsed
        for node in traced_nodes(p.root)
        if isinstance(node, Dice)
    )
    if dice > MAX_DICE:
        raise LimitError(f"a roll is limited to {MAX_DICE:,} dice")
    return parsed


class _Budget:
    """Macro expansions left for one input, shared by every parser reading a part of it."""

    __slots__ = ("expansions", "length")

    def __init__(self) -> None:
        self.expansions = MAX_EXPANSIONS
        self.length = MAX_EXPANDED_LENGTH

    def spend(self, text: str) -> None:
        self.expansions -= 1
        self.length -= len(text)
        if self.expansions < 0 or self.length < 0:
            raise LimitError(
                f"saved rolls may expand to at most {MAX_EXPANSIONS} calls and "
                f"{MAX_EXPANDED_LENGTH:,} characters in one roll"
            )


def _parse_rolls(
    text: str,
    readings: Readings,
    resolve: Resolver,
    macros: tuple[str, ...],
    budget: _Budget,
    *,
    advantage: str | None = None,
) -> tuple[list[tuple[int, ParsedInput]], bool]:
    """Each roll of `text` with the start of the span it was read from, and whether a keyword's
    `advantage` (`attack adv`, given for a macro's text) found its plain `1d20`."""
    applied = False
    found: list[tuple[int, ParsedInput]] = []
    spans: list[tuple[int, int]] = []
    for begin, end in _split_rolls(text):
        start = begin
        if (
            found
            and found[-1][1].comment is not None
            and not _starts_roll(text, begin, end, resolve)
        ):
            # `1d20 attack; then run`: the `;` belongs to the comment
            start = spans.pop()[0]
            while found and found[-1][0] == start:
                found.pop()
        spans.append((start, end))
        parser = _Parser(
            text,
            start,
            end,
            readings=readings,
            resolve=resolve,
            keyword_advantage=None if applied else advantage,
            macros=macros,
            budget=budget,
        )
        found.extend((start, parsed) for parsed in parser.parse())
        applied = applied or parser.applied
        if len(found) > MAX_REPEAT:
            raise LimitError(f"a message is limited to {MAX_REPEAT} rolls")
    return found, applied


def _starts_roll(text: str, start: int, end: int, resolve: Resolver) -> bool:
    """Whether the text after a `;` reads as a roll rather than more of a comment."""
    if _ROLL_START.match(text, start, end):
        return True
    word = _MACRO_START.match(text, start, end)
    if word is None:
        return False
    name = word.group(1).lower()
    return any(isinstance(resolve(n), Macro) for n in (name, name.partition("-")[0]))


def _split_rolls(text: str) -> list[tuple[int, int]]:
    """Spans of the rolls separated by `;` outside brackets."""
    spans: list[tuple[int, int]] = []
    closers: list[str] = []
    start = 0
    for index, char in enumerate(text):
        if char in _OPENERS and (not closers or closers[-1] != "]"):
            closers.append(_OPENERS[char])
        elif closers and char == closers[-1]:
            closers.pop()
        elif char == ";" and not closers:
            spans.append((start, index))
            start = index + 1
    spans.append((start, len(text)))
    return spans


class _Parser:
    __slots__ = (
        "advantage",
        "applied",
        "budget",
        "depth",
        "expression_start",
        "from_keyword",
        "i",
        "labels",
        "macros",
        "n",
        "notes",
        "readings",
        "resolve",
        "start",
        "text",
        "whole",
        "wrappers",
    )

    def __init__(
        self,
        text: str,
        start: int,
        end: int,
        *,
        readings: Readings,
        resolve: Resolver,
        keyword_advantage: str | None = None,
        macros: tuple[str, ...] = (),
        budget: _Budget | None = None,
    ) -> None:
        self.text = text
        self.start = start
        self.n = end
        self.i: int = start
        self.depth = 0
        self.expression_start = start
        self.readings = readings
        self.resolve = resolve
        self.notes: dict[str, None] = {}
        self.advantage = keyword_advantage
        self.from_keyword = keyword_advantage is not None
        self.applied = False
        self.macros = macros
        """Labels of the macros this text is the expansion of, outermost first."""
        self.budget = _Budget() if budget is None else budget
        self.labels: dict[str, None] = {}
        """Comments of the macros read, in order: the roll's comment when it has none."""
        self.wrappers: dict[int, tuple[Labelled, Node]] = {}
        """`id` of each node standing for a macro call, to that node and what it wraps."""
        self.whole: tuple[Node, Macro, list[ParsedInput]] | None = None
        """A macro of several rolls or a repetition: its stand-in node, the macro, its rolls."""

    # -- helpers -------------------------------------------------------------------------

    def fail(self, expected: str | None = None, at: int | None = None) -> ParseError:
        at = self.i if at is None else at
        if at >= self.n:
            reason = "unexpected end of input"
        else:
            reason = f"unexpected {describe_char(self.text[at])}"
        return ParseError(reason, self.text, at + 1, expected)

    def error(self, reason: str, at: int) -> ParseError:
        return ParseError(reason, self.text, at + 1)

    def peek(self, offset: int = 0) -> str:
        index = self.i + offset
        return self.text[index] if index < self.n else ""

    def at(self, word: str) -> bool:
        return self.text.startswith(word, self.i, self.n)

    def skip_space(self) -> None:
        text, i, n = self.text, self.i, self.n
        while i < n and text[i].isspace():
            i += 1
        self.i = i

    def enter(self) -> None:
        self.depth += 1
        if self.depth > MAX_NESTING:
            raise LimitError(f"a roll is limited to {MAX_NESTING} levels of nesting")

    def note(self, text: str) -> None:
        self.notes[text] = None

    def comment_starts(self) -> bool:
        """Whether `//`, `/*`, `#` or `!` starts a comment here in this dialect."""
        char = self.peek()
        if char == "#":
            return self.readings.hash_sign == "comment"
        if char == "!":
            return self.readings.bang == "comment"
        if self.at("//"):
            return self.readings.double_slash == "comment"
        return self.at("/*") and self.readings.block_comments

    # -- input ---------------------------------------------------------------------------

    def parse(self) -> list[ParsedInput]:
        self.skip_space()
        if self.i >= self.n:
            raise self.fail("dice like `1d20`")
        repeat = self.repeat()
        self.expression_start = self.i
        system = self.system_call()
        if system is not None:
            if self.i < self.n and not self.text[self.i].isspace() and not self.comment_starts():
                raise self.fail("a space before a comment: a system's roll is a whole roll")
            self.skip_space()
            comment = self.comment()
            return [ParsedInput(Literal(0), repeat, comment, tuple(self.notes), system)]
        root = self.expression()
        if self.readings.spaced_modifiers:
            root = self.spaced(root)
        whole = self.whole
        if whole is not None and (whole[0] is not root or (repeat > 1 and whole[2][0].repeat > 1)):
            kind = _whole_kind(whole[2])
            raise whole[1].error(f"`{whole[1].label}` is {kind}: roll it on its own")
        if self.i < self.n and not self.text[self.i].isspace() and not self.comment_starts():
            raise self.fail("an operator, or a space before a comment")
        self.skip_space()
        keyword_at = self.i
        kind = self.keyword()
        if kind is not None:
            if not self.from_keyword:
                if self.advantage is not None:
                    raise self.error("advantage is already given", keyword_at)
                again = _Parser(
                    self.text,
                    self.start,
                    self.n,
                    readings=self.readings,
                    resolve=self.resolve,
                    keyword_advantage=kind,
                    macros=self.macros,
                    budget=self.budget,
                )
                parsed = again.parse()
                if not again.applied:
                    raise self.error("advantage needs a plain `1d20` in the roll", keyword_at)
                return parsed
            self.skip_space()
        comment = self.comment()
        if whole is not None:
            return [
                p._replace(
                    comment=p.comment or comment,
                    notes=_joined(self.notes, p.notes),
                    repeat=p.repeat * repeat,
                )
                for p in whole[2]
            ]
        wrapped = self.wrappers.get(id(root))
        if wrapped is not None and wrapped[0] is root:
            if comment is None and not self.labels:
                comment = wrapped[0].label
            root = wrapped[1]
        if comment is None and self.labels:
            comment = ", ".join(self.labels)
        return [ParsedInput(root, repeat, comment, tuple(self.notes))]

    def comment(self) -> str | None:
        rest = self.text[self.i : self.n].strip()
        if self.comment_starts():
            if rest[0] in "#!":
                if rest[0] == "!" and not self.text[self.i - 1].isspace():
                    self.note(bang_note())
                return rest[1:].strip() or None
            if rest.startswith("//"):
                self.note(double_slash_note(self.readings))
                return rest[2:].strip() or None
            inside, _, after = rest[2:].partition("*/")
            return " ".join(f"{inside.strip()} {after.strip()}".split()) or None
        if not rest:
            return None
        note = comment_note(rest)
        if note is not None:
            self.note(note)
        return rest

    def repeat(self) -> int:
        text, start = self.text, self.i
        end = start
        while end < self.n and text[end] in _DIGITS:
            end += 1
        if end == start or end >= self.n:
            return 1
        spaced = self.readings.leading_repeat and bool(_DICE_AFTER_SPACE.match(text, end, self.n))
        if text[end] == "#":
            self.note(hash_note(self.readings))
            if self.readings.hash_sign == "comment":
                return 1
        elif text[end] != "x" and not spaced:
            return 1
        if end - start > 3 or int(text[start:end]) > MAX_REPEAT:
            raise LimitError(f"a roll is limited to {MAX_REPEAT} repetitions")
        count = int(text[start:end])
        if count == 0:
            raise self.error("a roll must repeat at least once", start)
        if spaced:
            if count < _MIN_SETS:
                label = self.readings.label
                raise self.error(f"{label} rolls {_MIN_SETS} to {MAX_REPEAT} sets", start)
            self.note(leading_repeat_note(count))
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
        if self.readings.bare_compare == "successes":
            return self.additive()
        left = self.additive()
        while True:
            before = self.i
            self.skip_space()
            op = next(filter(self.at, _RELATIONS), None)
            if op is None:
                self.i = before
                return left
            self.note(comparison_note(op))
            self.i += len(op)
            self.skip_space()
            left = Binary(op, left, self.additive())

    def additive(self) -> Node:
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
            op = self.multiplicative()
            if op is None:
                self.i = before
                return left
            self.i += len(op)
            self.skip_space()
            left = Binary(op, left, self.unary())

    def multiplicative(self) -> BinaryOp | None:
        char = self.peek()
        if char == "*":
            return "*"
        if char == "%":
            return "%"
        if char != "/" or self.comment_starts():
            return None
        if self.peek(1) == "/":
            self.note(double_slash_note(self.readings))
            return "//"
        self.note(division_note(self.readings))
        return "/"

    def unary(self) -> Node:
        sign = self.peek()
        if sign not in ("+", "-"):
            return self.power()
        text, i = self.text, self.i
        if (
            i == self.expression_start
            and text.startswith("d20", i + 1, self.n)
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

    def power(self) -> Node:
        base = self.atom()
        before = self.i
        self.skip_space()
        if self.peek() == "^":
            width = 1
        elif self.at("**"):
            width = 2
        else:
            self.i = before
            return base
        self.enter()
        self.i += width
        self.skip_space()
        node = Binary("^", base, self.unary())
        self.depth -= 1
        return node

    def advantage_prefix(self, kind: str, at: int) -> Node:
        if self.advantage is not None:
            raise self.error("advantage is already given", at)
        self.advantage = kind
        node = self.atom()
        if not self.applied:
            raise self.error("advantage needs a plain `d20`", at)
        return node

    # -- operands ------------------------------------------------------------------------

    def atom(self) -> Node:
        char = self.peek()
        start = self.i
        node: Node
        if char in ("(", "{"):
            node = self.group()
            if isinstance(node, Group) and self.peek() in ("d", "D"):
                self.i += 1
                node = self.dice(node, start)
        elif (char in _DIGITS or (char == "." and self.peek(1) in _DIGITS)) and char:
            number = self.number_or_decimal()
            if self.peek() in ("d", "D"):
                if not isinstance(number, Literal):
                    raise self.error("the number of dice must be whole", start)
                self.i += 1
                node = self.dice(number.value, start)
            else:
                node = number
        elif char in _NAME_START and char:
            node = self.name(start)
        else:
            raise self.fail("a number, dice like `d20`, or `(`")
        if self.peek() == "[":
            node = Labelled(node, self.label())
        return node

    def name(self, start: int) -> Node:
        text, end = self.text, self.i
        while end < self.n and text[end] in _NAME_CHARS:
            end += 1
        word = text[start:end]
        if reads_as_dice(word):
            self.i += 1
            return self.dice(None, start)
        found = self.macro_name(start, end)
        if found is not None:
            return self.macro(*found, start)
        system = get_system(word.lower())
        if system is not None:
            raise self.error(
                f"`{word[:30]}` is a game system's roll: roll it on its own, like "
                f"`{system.typical}`",
                start,
            )
        if end >= self.n or text[end] != "(":
            raise UnknownNameError(word[:30], self.text, start + 1, call=False)
        name = word.lower()
        function = self.resolve(name)
        if not isinstance(function, Function):
            raise UnknownNameError(word[:30], self.text, start + 1, call=True)
        self.i = end + 1
        args, keywords, _, _ = self.arguments()
        if keywords:
            raise self.error(f"`{name}` takes no named arguments", start)
        count = len(args)
        if count < function.min_args or (
            function.max_args is not None and count > function.max_args
        ):
            raise self.error(f"`{name}` takes {function.arity()}", start)
        return Call(name, tuple(args), tuple(keywords), function)

    def arguments(
        self,
    ) -> tuple[list[Node], list[tuple[str, Node]], list[str], dict[str, str]]:
        """The arguments of a call after its `(`, up to and past its `)`: unnamed ones, named
        ones, and the text as written of the unnamed and of the named ones."""
        self.enter()
        args: list[Node] = []
        keywords: list[tuple[str, Node]] = []
        texts: list[str] = []
        named: dict[str, str] = {}
        self.skip_space()
        while self.peek() != ")":
            if args or keywords:
                if self.peek() != ",":
                    raise self.fail("`,` or `)`")
                self.i += 1
                self.skip_space()
            arg_at = self.i
            keyword = self.keyword_argument()
            value_at = self.i
            value = self.expression()
            written = self.text[value_at : self.i].strip()
            if keyword is not None:
                if any(k == keyword for k, _ in keywords):
                    raise self.error(f"`{keyword}` is given twice", arg_at)
                keywords.append((keyword, value))
                named[keyword] = written
            elif keywords:
                raise self.error("unnamed arguments come before named ones", arg_at)
            else:
                args.append(value)
                texts.append(written)
            self.skip_space()
        self.i += 1
        self.depth -= 1
        return args, keywords, texts, named

    def system_call(self) -> SystemCall | None:
        """A game system's call at the start of a roll (`fitd(3)`, `dndstats`), its arguments
        taken as written and checked by the system; None if no system is named here."""
        text, start = self.text, self.i
        end = start
        while end < self.n and text[end] in _NAME_CHARS:
            end += 1
        system = get_system(text[start:end].lower()) if end > start else None
        if system is None:
            return None
        if end < self.n and text[end] == "(":
            close = _closing(text, end, self.n)
            if close < 0:
                raise self.fail("`)` to close the call", self.n)
            _, positional, named = split_call(text[start : close + 1])
            self.i = close + 1
        else:
            positional, named = [], {}
            self.i = end
        return SystemCall(system, system.bind(positional, named))

    def macro_name(self, start: int, end: int) -> tuple[Macro, int] | None:
        """The macro named at `start` (its first word ending at `end`) and where its name ends:
        `server:attack` is qualified, and the longest name with `-` in it wins."""
        text = self.text
        if end < self.n - 1 and text[end] == ":" and text[end + 1] in _NAME_START:
            end += 1
            while end < self.n and text[end] in _NAME_CHARS:
                end += 1
        ends = [end]
        while end < self.n - 1 and text[end] == "-" and text[end + 1] in _NAME_CHARS:
            end += 1
            while end < self.n and text[end] in _NAME_CHARS:
                end += 1
            ends.append(end)
        for candidate in reversed(ends):
            found = self.resolve(text[start:candidate].lower())
            if isinstance(found, Macro):
                return found, candidate
        return None

    def macro(self, macro: Macro, end: int, start: int) -> Node:
        """Read a call of `macro` whose name spans `start` to `end`: the expansion, parsed."""
        chain = (*self.macros, macro.label)
        if macro.label in self.macros:
            raise macro.error(f"`{macro.label}` uses itself: {' → '.join(chain)}")
        if len(chain) > MAX_MACRO_DEPTH:
            raise LimitError(
                f"saved rolls can use other saved rolls at most {MAX_MACRO_DEPTH} deep: "
                + " → ".join(chain)
            )
        self.i = end
        unnamed: list[str] = []
        named: dict[str, str] = {}
        if self.peek() == "(":
            self.i += 1
            _, _, unnamed, named = self.arguments()
        expanded = macro.expand(unnamed, named)
        self.budget.spend(expanded)
        try:
            advantage = self.advantage if self.from_keyword and not self.applied else None
            found, applied = _parse_rolls(
                expanded, self.readings, self.resolve, chain, self.budget, advantage=advantage
            )
            self.applied = self.applied or applied
        except ParseError as error:
            reason = f"{error.reason} in the saved roll `{macro.label}`"
            raise ParseError(reason, expanded, error.column, error.expected) from None
        parts = [parsed for _, parsed in found]
        for parsed in parts:
            self.notes.update(dict.fromkeys(parsed.notes))
        first = parts[0]
        root = first.root
        wrapper = Labelled(Group(root) if isinstance(root, Binary | Unary) else root, macro.name)
        if len(parts) > 1 or first.repeat > 1 or first.system is not None:
            if self.whole is not None:
                kind = _whole_kind(parts)
                raise macro.error(f"`{macro.label}` is {kind}: roll it on its own")
            self.whole = (wrapper, macro, parts)
            return wrapper
        if first.comment is not None:
            self.labels[first.comment] = None
        self.wrappers[id(wrapper)] = (wrapper, root)
        return wrapper

    def keyword_argument(self) -> str | None:
        text, end = self.text, self.i
        if self.peek() not in _NAME_START or not self.peek():
            return None
        while end < self.n and text[end] in _NAME_CHARS:
            end += 1
        after = end
        while after < self.n and text[after].isspace():
            after += 1
        if after < self.n and text[after] == "=" and text[after + 1 : after + 2] != "=":
            name = text[self.i : end].lower()
            self.i = after + 1
            self.skip_space()
            return name
        return None

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

    def number_or_decimal(self) -> Literal | Decimal:
        whole = self.number() if self.peek() != "." else 0
        if self.peek() != "." or self.peek(1) not in _DIGITS or not self.peek(1):
            return Literal(whole)
        self.i += 1
        start = self.i
        while self.i < self.n and self.text[self.i] in _DIGITS:
            self.i += 1
        digits = self.text[start : self.i]
        if len(digits) > MAX_DECIMALS:
            raise LimitError(f"numbers are limited to {MAX_DECIMALS} decimals")
        text = f"{whole}.{digits}"
        return Decimal(Fraction(text), text)

    def label(self) -> str:
        start = self.i
        end = self.text.find("]", start + 1, self.n)
        if end < 0:
            raise self.fail("`]` to close the label", self.n)
        label = self.text[start + 1 : end].strip()
        if not label:
            raise self.error("empty label", start)
        bad = next((k for k in range(start + 1, end) if self.text[k] in "[\n\r"), None)
        if bad is not None:
            raise self.fail("`]` to close the label", bad)
        self.i = end + 1
        return label

    def group(self) -> Node:
        self.enter()
        start = self.i
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
        modifiers, _ = self.modifiers(None)
        self.depth -= 1
        if opening == "(" and not comma and not modifiers:
            return Group(items[0])
        if len(items) > 1 or comma:
            return Set(tuple(items), modifiers, braces=opening == "{")
        return self.one_roll_set(items[0], modifiers, opening == "{", start)

    def one_roll_set(
        self, item: Node, modifiers: tuple[Modifier, ...], braces: bool, start: int
    ) -> Set:
        """`{4d6}kh2`, `{3d20+5}>21`: the dialect says whether its dice or its total count."""
        keeps = any(isinstance(m, Keep | Drop) for m in modifiers)
        tests = any(isinstance(m, CountSuccesses) for m in modifiers)
        if keeps:
            self.note(group_keep_note(self.readings))
        if tests:
            self.note(group_target_note(self.readings))
        keeps_dice = keeps and self.readings.group_keep == "dice"
        tests_dice = tests and self.readings.group_target == "each-die"
        if (keeps_dice or tests_dice) and dice_terms(item) is None:
            raise self.error(
                f"{self.readings.label} keeps or tests the dice of a group one by one: "
                "write dice and numbers added together, like `{4d6+3d8}k4`",
                start,
            )
        return Set((item,), modifiers, braces, keeps_dice, tests_dice)

    def dice(self, count: int | Group | None, start: int) -> Dice | ComputedDice:
        """Dice after their `d`; `count` is the written count (None: one die)."""
        sides_at = self.i
        char = self.peek()
        percent = False
        faces: tuple[int, ...] | None = None
        sides: int | Group = 1
        if char == "%":
            sides, percent = 100, True
            self.i += 1
            self.note(percentile_note(self.readings))
            if self.readings.percentile == "tens":
                faces, sides = _TENS, len(_TENS)
        elif char in ("F", "f"):
            sides = FATE
            self.i += 1
        elif char == "[":
            faces = self.faces()
            sides = len(faces)
        elif char == "(":
            group = self.group()
            if not isinstance(group, Group):
                raise self.error("the sides of a die must be one number", sides_at)
            sides = group
        elif char in _DIGITS and char:
            sides = self.number()
            if sides == 0:
                raise self.error("a die needs at least one side", sides_at)
            if sides > MAX_SIDES:
                raise LimitError(f"dice are limited to {MAX_SIDES:,} sides")
        else:
            raise self.fail("the number of sides, like `d20`")
        if isinstance(count, int) and count > MAX_DICE:
            raise LimitError(f"a roll is limited to {MAX_DICE:,} dice")
        modifiers, sort = self.pool_modifiers(sides if isinstance(sides, int) else None, faces)
        written = Dice(
            count if isinstance(count, int) else 1,
            sides if isinstance(sides, int) else 1,
            modifiers,
            percent,
            faces,
            sort,
        )
        if isinstance(count, Group) or isinstance(sides, Group):
            return ComputedDice(
                count if isinstance(count, Group) else None,
                sides if isinstance(sides, Group) else None,
                written,
            )
        count = written.count
        node = written
        check_pool(node)
        if (
            self.advantage is not None
            and not self.applied
            and count == 1
            and sides == 20
            and faces is None
            and not percent
            and not any(isinstance(m, Keep | Drop) for m in modifiers)
        ):
            self.applied = True
            return Dice(2, 20, _with_advantage(modifiers, self.advantage), False, None, sort)
        return node

    def faces(self) -> tuple[int, ...]:
        start = self.i
        self.i += 1
        found: list[int] = []
        while True:
            self.skip_space()
            negative = self.peek() == "-"
            if negative:
                self.i += 1
            value = self.number()
            if value > MAX_SIDES:
                raise LimitError(f"custom faces are limited to ±{MAX_SIDES:,}")
            found.append(-value if negative else value)
            if len(found) > MAX_FACES:
                raise LimitError(f"a die is limited to {MAX_FACES} custom faces")
            self.skip_space()
            if self.peek() == "]":
                self.i += 1
                return tuple(found)
            if self.peek() != ",":
                raise self.fail(f"`,` or `]` to close the faces opened at column {start + 1}")
            self.i += 1

    # -- modifiers -----------------------------------------------------------------------

    def pool_modifiers(
        self, sides: int | None, faces: tuple[int, ...] | None
    ) -> tuple[tuple[Modifier, ...], SortOrder | None]:
        """Modifiers of dice (`sides` None when computed) and their display order."""
        if faces is not None:
            return self.modifiers(min(faces), max(faces))
        if sides is None:
            return self.modifiers(1)
        return self.modifiers(*face_range(sides))

    def modifiers(
        self, low: int | None, high: int | None = None, *, counting: bool = False
    ) -> tuple[tuple[Modifier, ...], SortOrder | None]:
        """Modifiers of a pool whose faces run from `low` to `high` (None: not known before
        rolling), or of a set (`low` None); `counting`: successes are already counted."""
        pool = low is not None
        maiden = self.readings.maiden_options
        found: list[Modifier] = []
        sort: SortOrder | None = None
        failures = False
        while self.i < self.n:
            char = self.peek()
            nxt = self.peek(1)
            if counting and char not in ("f", "c", "s", "b"):
                break
            if pool and (self.at("even") or self.at("odd")):
                if counting:
                    break
                counting = True
                op: SelectorOp = "even" if char == "e" else "odd"
                self.i += len(op)
                found.append(CountSuccesses(Selector(op, 0)))
            elif char == "k":
                self.i += 1
                found.append(Keep(self.keep_selector("h", "k")))
            elif char == "p" or (
                char == "d" and (nxt in ("h", "l") if not pool else _drop_follows(nxt))
            ):
                self.i += 1
                found.append(Drop(self.keep_selector("l", char)))
            elif pool and char == "r":
                self.i += 1
                letter = self.peek()
                if letter in _REROLL_MODES and letter:
                    mode = _REROLL_MODES[letter]
                    self.i += 1
                else:
                    mode = self.readings.reroll
                    self.note(reroll_note(self.readings))
                selector = (
                    self.point("r", "low", low, high)
                    if self.point_follows()
                    else Selector("=", low)
                )
                found.append(Reroll(selector, mode))
            elif pool and maiden and char == "i" and nxt in ("e", "r"):
                self.i += 2
                if nxt == "r":
                    found.append(Reroll(self.point("ir", "low", low, high), "until"))
                else:
                    found.append(Explode(self.maiden_point("ie", low, high), "explode"))
            elif pool and char == "e":
                self.i += 1
                self.note(explode_e_note(self.readings))
                selector = self.maiden_point("e", low, high)
                found.append(Explode(selector, "explode", self.readings.explode_e == "once"))
            elif pool and char == "x":
                self.i += 1
                once = self.peek() == "o"
                if once:
                    self.i += 1
                found.append(self.explode_x(once, low, high))
            elif pool and char == "!" and self.readings.bang == "explode":
                self.i += 1
                mode = "explode"
                if nxt == "!":
                    mode = "compound"
                    self.i += 1
                elif nxt == "p":
                    mode = "penetrate"
                    self.i += 1
                selector = self.point("!", "high", low, high) if self.point_follows() else None
                found.append(Explode(selector, mode))
            elif pool and char == "m" and nxt in ("i", "a"):
                bound = "min" if nxt == "i" else "max"
                self.i += 3 if self.at(bound) else 2
                negative = self.peek() == "-"
                if negative:
                    self.i += 1
                value = self.number()
                found.append(Clamp(bound, -value if negative else value))
            elif pool and char == "c" and nxt in ("s", "f"):
                self.i += 2
                self.note(crits_note(self.readings, "c" + nxt))
                if self.readings.crits == "mark":
                    found.append(CritRange("success" if nxt == "s" else "failure", self.selector()))
                    continue
                extreme = high if nxt == "s" else low
                if self.point_follows() or extreme is None:
                    selector = self.selector()
                else:
                    selector = Selector("=", extreme)
                if nxt == "f" and counting:
                    found.append(CountFailures(selector))
                elif not counting:
                    counting = True
                    found.append(CountSuccesses(selector))
                else:
                    break
            elif pool and maiden and char == "t":
                if counting:
                    break
                counting = True
                self.i += 1
                found.append(CountSuccesses(self.point("t", "high", low, high)))
            elif pool and maiden and char == "b":
                self.i += 1
                found.append(CritRange("failure", self.point("b", "low", low, high)))
            elif pool and char == "u":
                self.i += 1
                found.append(Unique())
            elif pool and char == "s":
                if sort is not None:
                    break
                self.i += 1
                sort = _SORTS.get(self.peek(), "ascending")
                if self.peek() in _SORTS and self.peek():
                    self.i += 1
            elif (char in _COMPARE_START and char) or (not pool and self.at("!=")):
                if counting or self.readings.bare_compare == "comparison":
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
                found.append(CountFailures(self.point("f", "low", low, high)))
            else:
                break
        return self.ordered(found), sort

    def ordered(self, modifiers: list[Modifier]) -> tuple[Modifier, ...]:
        """The modifiers in the order the dialect applies them, with the notes it calls for."""
        if sum(isinstance(m, Keep | Drop) for m in modifiers) > 1:
            self.note(scope_note(self.readings))
        order = self.readings.modifier_order
        if not order:
            return tuple(modifiers)
        ranks = {kind: rank for rank, kind in enumerate(order)}
        arranged = sorted(modifiers, key=lambda m: ranks[_kind(m)])
        if arranged != modifiers:
            self.note(modifier_order_note(self.readings))
        return tuple(arranged)

    def point(self, letters: str, toward: str, low: int | None, high: int | None) -> Selector:
        """The point of `e`, `r`, `f`, `t`...: a comparison, or a bare face that the dialect
        reads as exactly that face or as that face and beyond, `toward` the high or low end."""
        char = self.peek()
        if not (char in _DIGITS and char):
            return self.selector()
        value = self.number()
        if value != (high if toward == "high" else low):
            self.note(bare_point_note(self.readings, f"{letters}{value}", value, toward))
        if self.readings.bare_point == "face":
            return Selector("=", value)
        return Selector(">=" if toward == "high" else "<=", value)

    def maiden_point(self, letters: str, low: int | None, high: int | None) -> Selector | None:
        """An explosion's point; Dice Maiden's may be left out (the highest face)."""
        if self.readings.maiden_options and not self.point_follows():
            return None
        return self.point(letters, "high", low, high)

    def explode_x(self, once: bool, low: int | None, high: int | None) -> Explode:
        """After `x`/`xo`: a point, nothing (the highest face), or Foundry's cap `x5=10`."""
        start = self.i
        if not self.point_follows():
            return Explode(None, "explode", once)
        if self.peek() in _DIGITS:
            limit = self.number()
            if (self.peek() in _COMPARE_START and self.peek()) or self.at("!="):
                point_at = self.i
                selector = self.comparison()
                point = self.text[point_at : self.i]
                self.note(explode_cap_note(self.readings, limit, point))
                if self.readings.explode_cap:
                    return Explode(selector, "explode", once, limit)
                self.i = point_at
            self.i = start
        return Explode(self.point("x", "high", low, high), "explode", once)

    def spaced(self, root: Node) -> Node:
        """Dice Maiden's modifiers after spaces (`4d6 k3`, `10d6 e6 k8 +4`): each applies to
        every pool of the roll; a sum may go on after them."""
        spans: list[tuple[int, int]] = []
        counting = False
        while True:
            before = self.i
            self.skip_space()
            if self.i == before or self.i >= self.n:
                self.i = before
                break
            sign = self.peek()
            if spans and sign in ("+", "-"):
                self.i += 1
                self.skip_space()
                root = Binary("+" if sign == "+" else "-", root, self.term())
                continue
            end = self.i
            while end < self.n and not self.text[end].isspace() and self.text[end] != "!":
                end += 1
            probe = self.options((self.i, end), 1, None, counting=counting)
            if probe is None:
                self.i = before
                break
            counting = counting or any(isinstance(m, CountSuccesses) for m in probe[0])
            spans.append((self.i, end))
            self.note(spaced_note(self.text[self.i : end]))
            self.i = end
        if not spans:
            return root
        return map_dice(root, lambda dice: self.with_options(dice, spans))

    def options(
        self, span: tuple[int, int], low: int, high: int | None, *, counting: bool
    ) -> tuple[tuple[Modifier, ...], SortOrder | None, tuple[str, ...]] | None:
        """The one modifier (or sorting) written in `span`, or None if it holds anything
        else: a word such as `keep` is the comment, not four modifiers."""
        start, end = span
        sub = _Parser(self.text, start, end, readings=self.readings, resolve=self.resolve)
        try:
            found, sort = sub.modifiers(low, high, counting=counting)
        except ParseError:
            return None
        if sub.i != end or len(found) + (sort is not None) != 1:
            return None
        return found, sort, tuple(sub.notes)

    def with_options(self, dice: Dice, spans: list[tuple[int, int]]) -> Dice:
        low, high = dice_face_range(dice)
        modifiers = list(dice.modifiers)
        sort = dice.sort
        for span in spans:
            counting = any(isinstance(m, CountSuccesses) for m in modifiers)
            parsed = self.options(span, low, high, counting=counting)
            if parsed is None:
                raise self.error("that modifier does not fit these dice", span[0])
            modifiers.extend(parsed[0])
            sort = parsed[1] or sort
            for note in parsed[2]:
                self.note(note)
        changed = dataclasses.replace(dice, modifiers=self.ordered(modifiers), sort=sort)
        check_pool(changed)
        return changed

    def point_follows(self) -> bool:
        char = self.peek()
        return bool(char) and (char in _DIGITS or char in _COMPARE_START or self.at("!="))

    def keep_selector(self, bare: SelectorOp, letter: str) -> Selector:
        char = self.peek()
        if char in ("h", "l") and char:
            self.i += 1
            if self.peek() in _DIGITS and self.peek():
                return Selector(char, self.number())
            return Selector(char, 1)
        if char in _DIGITS and char:
            value = self.number()
            self.note(bare_keep_note(self.readings, "k" if letter == "k" else "d", value))
            if self.readings.bare_select == "face":
                return Selector("=", value)
            return Selector(bare, value)
        if (char in _COMPARE_START and char) or self.at("!="):
            return self.comparison()
        return Selector(bare, 1)

    def selector(self) -> Selector:
        char = self.peek()
        if char in _DIGITS and char:
            return Selector("=", self.number())
        if (char in _COMPARE_START and char) or self.at("!="):
            return self.comparison()
        raise self.fail("a number or a comparison like `<2`")

    def comparison(self) -> Selector:
        op: SelectorOp
        if self.at(">="):
            op, width = ">=", 2
        elif self.at("<="):
            op, width = "<=", 2
        elif self.at("<>") or self.at("!="):
            op, width = "!=", 2
        elif self.at(">"):
            op, width = ">", 1
        elif self.at("<"):
            op, width = "<", 1
        else:
            op, width = "=", 1
        self.i += width
        negative = self.peek() == "-"
        if negative:
            self.i += 1
        value = self.number()
        value = -value if negative else value
        if op in (">", "<"):
            self.note(compare_note(self.readings, op, value))
            if self.readings.compare == "inclusive":
                op = ">=" if op == ">" else "<="
        return Selector(op, value)


def _drop_follows(char: str) -> bool:
    """Whether `d` after dice is a drop: a selector follows, or nothing that continues dice."""
    if not char:
        return True
    return (
        char in "hl"
        or char in _DIGITS
        or char in _COMPARE_START
        or not (char.isalnum() or char in "%[(._")
    )


def check_pool(node: Dice) -> None:
    """Raise `LimitError` for modifiers that could never finish on these dice."""
    low, high = dice_face_range(node)
    faces = set(node.faces) if node.faces is not None else None
    for modifier in node.modifiers:
        endless = (
            _every_face(modifier.selector, low, high, faces)
            if isinstance(modifier, Explode | Reroll)
            else False
        )
        if (
            isinstance(modifier, Explode)
            and not modifier.once
            and modifier.limit is None
            and endless
        ):
            raise LimitError("that explosion matches every face and would never end")
        if isinstance(modifier, Reroll) and modifier.mode == "until" and endless:
            raise LimitError("that reroll matches every face and would never end")
        if isinstance(modifier, Unique):
            distinct = len(faces) if faces is not None else high - low + 1
            if node.count > distinct:
                raise LimitError(
                    f"`u` needs as many different faces as dice: {node.count} dice, "
                    f"{distinct} faces"
                )


def _every_face(selector: Selector | None, low: int, high: int, faces: set[int] | None) -> bool:
    """Whether an explosion or reroll point matches every face (None: the highest face)."""
    if selector is None:
        return len(faces) == 1 if faces is not None else low == high
    if faces is not None or high - low < 4:
        return all(map(selector.matches, faces if faces is not None else range(low, high + 1)))
    if selector.op == "!=":
        return not low <= selector.value <= high
    # four or more faces in a row hold several values of both parities
    return selector.op in (">", ">=", "<", "<=") and all(map(selector.matches, (low, high)))


def _with_advantage(modifiers: tuple[Modifier, ...], kind: str) -> tuple[Modifier, ...]:
    """Insert keep-highest/lowest 1 after the modifiers that change dice, before the counting."""
    changing = tuple(m for m in modifiers if isinstance(m, Reroll | Explode | Clamp | Unique))
    reading = tuple(m for m in modifiers if not isinstance(m, Reroll | Explode | Clamp | Unique))
    return (*changing, Keep(Selector("h" if kind == "h" else "l", 1)), *reading)


_KINDS: dict[type, ModifierKind] = {
    Clamp: "clamp",
    Explode: "explode",
    Reroll: "reroll",
    Unique: "unique",
    Keep: "keep",
    Drop: "drop",
    CountSuccesses: "success",
    CountFailures: "failure",
    CritRange: "crit",
}


def _kind(modifier: Modifier) -> ModifierKind:
    return _KINDS[type(modifier)]
