"""The framework of game systems: rolls that know their rules, name their outcome, and give
its exact odds.

A `System` binds the raw argument texts of a call (`fitd(3)`: positional `["3"]`) into a
`Bound`, rolls it through a `Source` of faces into a `SystemRoll`, and works out the exact
odds of each of its outcomes. Outcomes are listed worst first; an outcome's rank is its index
in `System.outcomes`, so a higher rank is a better result.
"""

from __future__ import annotations

import enum
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from fractions import Fraction
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from nazh.dice.entropy import seeded_source, system_face, system_faces
from nazh.dice.errors import DiceError, LimitError
from nazh.dice.limits import MAX_DICE

if TYPE_CHECKING:
    import random
    from collections.abc import Mapping, Sequence

    from nazh.dice.entropy import Faces, OneFace

__all__ = (
    "FATE_KIND",
    "MAX_POOL",
    "MAX_RENDER",
    "PLAIN",
    "Bound",
    "DiceGroup",
    "Mark",
    "Outcome",
    "Source",
    "System",
    "SystemCall",
    "SystemDie",
    "SystemRoll",
    "UsageError",
    "call_text",
    "expect_arguments",
    "integer_argument",
    "plural",
    "refuse_odds",
    "split_call",
)

FATE_KIND = "fate"
"""`SystemDie.kind` of a Fate die."""

PLAIN = "total"
"""The outcome of a roll whose number is all there is to say (a D&D check that is neither a
natural 20 nor a natural 1): `render` shows the total alone."""

MAX_POOL = 100
"""Most dice in one system's pool (before explosions): more is no game's roll, and keeps every
roll and its exact odds quick."""

MAX_RENDER = 2000
"""Default longest rendering (Discord's message limit)."""

_ELLIPSIS = "…"


class UsageError(DiceError):
    """A system call's arguments are wrong; the message is one line that shows the usage."""


class Mark(enum.Flag):
    """What a shown die did."""

    NONE = 0
    """Rolled and unremarkable."""
    DROPPED = enum.auto()
    """Not counted (the lower of two, a die beaten by the other): struck through."""
    COUNTED = enum.auto()
    """A success, or the die that decides the result: bold."""
    EXPLODED = enum.auto()
    """Rolled again (10-again, acing): `!` after the face."""
    CANCELLED = enum.auto()
    """Cancelled by another die (a 1 taking away a success): struck through."""
    BANE = enum.auto()
    """A face that harms (a 1 counted for a glitch, a bane, a hunger die's 1 or 10): bold."""


@dataclass(frozen=True, slots=True)
class Outcome:
    """A roll's outcome: `name` in lower-case words, `rank` (higher is better), and a short
    `reason` only where the rule is not obvious ("a hunger die rolled 10")."""

    name: str
    rank: int
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class SystemDie:
    """One die shown. `sides` is 0 for a symbol or narrative die (its `face` then indexes the
    system's own faces); `kind` names its role ("hunger", "wild", "tens", "" by default);
    `FATE_KIND` marks a Fate die, drawn as a d3 whose 1, 2, 3 mean -1, 0, +1."""

    sides: int
    face: int
    kind: str = ""
    marks: Mark = Mark.NONE

    @property
    def dropped(self) -> bool:
        """Whether the die is shown struck through (dropped or cancelled)."""
        return bool(self.marks & (Mark.DROPPED | Mark.CANCELLED))

    def text(self) -> str:
        """The die as Markdown: `6`, `**6!**`, `~~2~~`."""
        text = str(self.face)
        if self.marks & Mark.EXPLODED:
            text += "!"
        if self.marks & (Mark.COUNTED | Mark.BANE):
            text = f"**{text}**"
        if self.dropped:
            text = f"~~{text}~~"
        return text


@dataclass(frozen=True, slots=True)
class DiceGroup:
    """Dice shown together: `label (dice)`, then ` → value` when the group has its own value
    (an acing chain's total, one ability score)."""

    dice: tuple[SystemDie, ...]
    label: str = ""
    value: int | None = None

    def text(self, faces: str | None = None) -> str:
        """The group as Markdown; `faces` replaces the dice list (to shorten it)."""
        inner = ", ".join([die.text() for die in self.dice]) if faces is None else faces
        text = f"{self.label} ({inner})" if self.label else f"({inner})"
        return text if self.value is None else f"{text} → {self.value}"


@dataclass(frozen=True, slots=True)
class SystemRoll:
    """One system roll: its dice (in groups), its number if it has one, and its outcome.

    `total` is the number the system reads (a check's total, the successes of a pool) or None;
    `modifier` is the flat bonus already in `total`, shown after the dice; `noun` names what
    `total` counts ("success", "hit"), empty for a plain number; `details` holds the counts a
    reader or `/stats` may want (successes, hits, ones, net symbols).
    """

    system: str
    call: str
    groups: tuple[DiceGroup, ...]
    total: int | None
    outcome: Outcome
    details: Mapping[str, int] = field(default_factory=dict[str, int])
    modifier: int = 0
    noun: str = ""

    @property
    def dice(self) -> tuple[SystemDie, ...]:
        """Every die shown, group after group."""
        return tuple(die for group in self.groups for die in group.dice)

    def render(self, max_length: int = MAX_RENDER) -> str:
        """Discord Markdown in the house style, at most `max_length` characters:
        ``pbta(1) 2d6 (4, 5) + 1 = `10` · **strong hit**``, ``fitd(3) (2, ~~5~~, **6**) =
        **success**``. Long dice lists collapse to `…` (longest first), then the dice go."""
        max_length = max(0, max_length)
        tail = " = " + self._result_text()
        texts = [group.text() for group in self.groups]
        line = self._line(texts, tail)
        if len(line) <= max_length:
            return line
        order = sorted(range(len(texts)), key=lambda i: len(self.groups[i].dice), reverse=True)
        for index in order:
            texts[index] = self.groups[index].text(_ELLIPSIS)
            line = self._line(texts, tail)
            if len(line) <= max_length:
                return line
        for line in (self.call + tail, tail.removeprefix(" = ")):
            if len(line) <= max_length:
                return line
        bare = self.outcome.name if self.total is None else str(self.total)
        return bare[:max_length]

    def _line(self, texts: list[str], tail: str) -> str:
        body = ", ".join(texts)
        line = f"{self.call} {body}" if body else self.call
        if self.modifier:
            sign = "-" if self.modifier < 0 else "+"
            line += f" {sign} {abs(self.modifier)}"
        return line + tail

    def _result_text(self) -> str:
        outcome = self.outcome
        words = f"**{outcome.name}**"
        if outcome.reason:
            words += f" ({outcome.reason})"
        if self.total is None:
            return words
        number = f"`{self.total}`"
        if self.noun:
            number += " " + (self.noun if abs(self.total) == 1 else plural(self.noun))
        return number if outcome.name == PLAIN and not outcome.reason else f"{number} · {words}"


def plural(noun: str) -> str:
    """`success` → `successes`, `hit` → `hits`."""
    return noun + ("es" if noun.endswith(("s", "x", "ch", "sh")) else "s")


class Source:
    """Where a system roll's faces come from: the OS CSPRNG, or a seeded `random.Random`
    (each face `rng.randint(1, sides)` in the order the dice are rolled), or any pair of face
    functions (tests script faces this way). Refuses to draw more than `MAX_DICE` dice."""

    __slots__ = ("_face", "_faces", "drawn")

    def __init__(self, faces: Faces, face: OneFace) -> None:
        self._faces = faces
        self._face = face
        self.drawn = 0

    @classmethod
    def from_rng(cls, rng: random.Random | None = None) -> Source:
        """The CSPRNG when `rng` is None, else `rng`."""
        if rng is None:
            return cls(system_faces, system_face)
        return cls(*seeded_source(rng))

    def _spend(self, count: int) -> None:
        self.drawn += count
        if self.drawn > MAX_DICE:
            raise LimitError(f"a roll may roll at most {MAX_DICE:,} dice, explosions included")

    def roll(self, count: int, sides: int) -> list[int]:
        """`count` faces from 1 to `sides`."""
        if count <= 0:
            return []
        self._spend(count)
        return self._faces(count, sides)

    def one(self, sides: int) -> int:
        """One face from 1 to `sides`."""
        self._spend(1)
        return self._face(sides)


@dataclass(frozen=True, slots=True)
class Bound:
    """A system call with its arguments checked; `call` is its normalised text (`fitd(3)`).
    Each system subclasses it with the fields its roll needs."""

    call: str


B = TypeVar("B", bound=Bound)


class System(ABC, Generic[B]):
    """A game system: its rules, its roll, and the exact odds of its outcomes.

    Class attributes: `name` (the lower-case call name), `title`, `usage` (`fitd(n)`), `card`
    (a few lines of help: the rule in brief, the edition chosen and the option selecting
    another, examples), `outcomes` (every outcome name, worst first), `typical` (a typical call,
    for benchmarks and the README).
    """

    __slots__ = ()

    name: ClassVar[str]
    title: ClassVar[str]
    usage: ClassVar[str]
    card: ClassVar[str]
    outcomes: ClassVar[tuple[str, ...]]
    typical: ClassVar[str]

    @abstractmethod
    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> B:
        """Check the raw argument texts (split at top-level commas, stripped, `name=value`
        split off); raise `UsageError` (or `LimitError` for a pool too large) saying what is
        wrong and showing the usage."""

    @abstractmethod
    def roll(self, bound: B, source: Source) -> SystemRoll:
        """Roll `bound`, drawing every face from `source`."""

    @abstractmethod
    def exact_odds(self, bound: B) -> Mapping[str, Fraction]:
        """The probability of each outcome (omitted ones are 0); called by `outcome_odds`,
        which has already checked the cost."""

    def odds_refusal(self, bound: B) -> str | None:
        """Why `bound`'s exact odds would take too long to work out, or None (the default:
        every bound is cheap)."""
        return None

    def outcome_odds(self, bound: B) -> dict[str, Fraction]:
        """The exact probability of every outcome, worst first, summing to 1. Raise
        `LimitError` when `odds_refusal` finds the work too large."""
        refusal = self.odds_refusal(bound)
        if refusal is not None:
            refuse_odds(refusal)
        found = self.exact_odds(bound)
        unknown = set(found) - set(self.outcomes)
        if unknown:
            raise ValueError(f"{self.name} has no outcome {sorted(unknown)[0]!r}")
        return {name: found.get(name, Fraction(0)) for name in self.outcomes}

    def outcome(self, name: str, reason: str | None = None) -> Outcome:
        """The outcome called `name`, ranked by its place in `outcomes`."""
        return Outcome(name, self.outcomes.index(name), reason)

    def usage_error(self, problem: str) -> UsageError:
        """A `UsageError`: `problem`, then the usage."""
        return UsageError(f"{problem} (usage: `{self.usage}`)")


@dataclass(frozen=True, slots=True)
class SystemCall:
    """A system's call as the parser read it: the system and its checked arguments."""

    system: System[Any]
    bound: Bound

    @property
    def text(self) -> str:
        """The normalised call (`fitd(3)`)."""
        return self.bound.call

    def roll(self, source: Source) -> SystemRoll:
        """Roll it."""
        return self.system.roll(self.bound, source)

    def outcome_odds(self) -> dict[str, Fraction]:
        """The exact odds of its outcomes (see `System.outcome_odds`)."""
        return self.system.outcome_odds(self.bound)


def refuse_odds(reason: str) -> None:
    """Raise the `LimitError` for odds too costly to work out: `reason` says which input."""
    raise LimitError(f"exact odds of {reason} would take too long to work out")


def integer_argument(
    system: System[B], text: str, what: str, low: int, high: int, *, limit: bool = True
) -> int:
    """`text` as a whole number (a sign allowed) from `low` to `high`; else a `UsageError`, or
    a `LimitError` for a number beyond `high` when `high` is a safety `limit` (the default;
    pass `limit=False` where it is a rule's bound, like Hunger's 5) and `low` is not negative."""
    cleaned = text.replace(" ", "")
    body = cleaned[1:] if cleaned[:1] in "+-" else cleaned
    if not body.isascii() or not body.isdigit() or len(body) > 12:
        shown = text if len(text) <= 20 else text[:19] + _ELLIPSIS
        raise system.usage_error(f"{what} must be a whole number, not `{shown}`")
    value = int(cleaned)
    if value > high and low >= 0 and limit:
        raise LimitError(f"{what} may be at most {high:,}, not {value:,} (usage: `{system.usage}`)")
    if not low <= value <= high:
        raise system.usage_error(f"{what} must be from {low:,} to {high:,}, not {value:,}")
    return value


def expect_arguments(
    system: System[B],
    positional: Sequence[str],
    named: Mapping[str, str],
    *,
    least: int,
    most: int,
    names: Sequence[str] = (),
) -> None:
    """Check the number of positional arguments and that every named one is known."""
    count = len(positional)
    if not least <= count <= most:
        wanted = str(least) if least == most else f"{least} to {most}"
        noun = "argument" if most == 1 else "arguments"
        raise system.usage_error(f"{system.name} takes {wanted} {noun}, not {count}")
    for key in named:
        if key not in names:
            known = ", ".join(f"`{name}=`" for name in names) or "none"
            raise system.usage_error(f"{system.name} has no option `{key}=` (known: {known})")
    if any(not text for text in positional):
        raise system.usage_error(f"{system.name} has an empty argument")


def call_text(name: str, *positional: object, **named: object) -> str:
    """The normalised text of a call: `v5(7, 2, diff=4)`."""
    parts = [str(value) for value in positional]
    parts.extend(f"{key}={value}" for key, value in named.items())
    return f"{name}({', '.join(parts)})"


def split_call(text: str) -> tuple[str, list[str], dict[str, str]]:
    """`"v5(7, 2, diff=4)"` → `("v5", ["7", "2"], {"diff": "4"})`; a bare name has no
    arguments. For examples and benchmarks; the parser does this for rolls."""
    text = text.strip()
    name, opened, rest = text.partition("(")
    name = name.strip().lower()
    if not opened:
        return name, [], {}
    inner = rest.rstrip().removesuffix(")").strip()
    positional: list[str] = []
    named: dict[str, str] = {}
    for part in inner.split(",") if inner else []:
        key, equals, value = part.partition("=")
        if equals:
            named[key.strip().lower()] = value.strip()
        else:
            positional.append(part.strip())
    return name, positional, named
