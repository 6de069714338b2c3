"""Narrative dice of Genesys and Fantasy Flight's Star Wars Roleplaying: symbols that cancel
(`genesys(2g1y 2p1r 1b)`, `swrpg(2g 1y 1w)`).

A pool is written as counts and dice, in any order, spaces and commas optional: a letter
(`2g1y 2p1r 1b`, or a run of letters, one die each: `ggypp`), a colour (`2 green`) or a role
(`2 ability`). The dice, their letters, colours and faces (Genesys Core Rulebook, "Dice"):

| die | letters | colour | sides |
|---|---|---|---|
| ability | g, a | green | d8 |
| proficiency | y, pro | yellow | d12 |
| difficulty | p, d | purple | d8 |
| challenge | r, c | red | d12 |
| boost | b | blue | d6 |
| setback | k, s, blk | black | d6 |
| force | w, f | white | d12 (Star Wars) |

`p` is purple (difficulty); proficiency is `y`. Successes cancel failures and advantages
cancel threats one for one; a triumph is also a success and a despair also a failure, and
neither cancels. The check succeeds with at least one net success. Force dice show light and
dark side points, which nothing cancels.

Dice show their symbols: `s` success, `a` advantage, `Tr` triumph, `f` failure, `t` threat,
`De` despair, `○` light side, `●` dark side, `-` blank.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from fractions import Fraction
from typing import TYPE_CHECKING

from nazh.dice.errors import LimitError
from nazh.dice.systems.core import (
    MAX_POOL,
    Bound,
    DiceGroup,
    Mark,
    System,
    SystemRoll,
    expect_arguments,
    plural,
)
from nazh.dice.systems.extras import ShownDie

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from nazh.dice.systems.core import Source, SystemDie

__all__ = (
    "DICE",
    "DieType",
    "Genesys",
    "NarrativeBound",
    "StarWars",
    "Symbols",
    "at_least",
    "force_odds",
    "narrative_odds",
    "symbols_of",
)


@dataclass(frozen=True, slots=True)
class Symbols:
    """Net symbols: successes (minus failures, triumphs and despairs included), advantages
    (minus threats), triumphs, despairs, light and dark side points."""

    successes: int = 0
    advantages: int = 0
    triumphs: int = 0
    despairs: int = 0
    light: int = 0
    dark: int = 0

    def __add__(self, other: Symbols) -> Symbols:
        return Symbols(
            self.successes + other.successes,
            self.advantages + other.advantages,
            self.triumphs + other.triumphs,
            self.despairs + other.despairs,
            self.light + other.light,
            self.dark + other.dark,
        )

    def summary(self) -> str:
        """What is left after cancelling, in words: `2 successes, 1 threat, 1 triumph`."""
        parts: list[str] = []
        for count, positive, negative in (
            (self.successes, "success", "failure"),
            (self.advantages, "advantage", "threat"),
            (self.triumphs, "triumph", ""),
            (self.despairs, "despair", ""),
            (self.light, "light side point", ""),
            (self.dark, "dark side point", ""),
        ):
            noun = positive if count > 0 else negative
            if count:
                parts.append(f"{abs(count)} {noun if abs(count) == 1 else plural(noun)}")
        return ", ".join(parts) or "every symbol cancelled"


_SYMBOLS = {
    "s": Symbols(successes=1),
    "f": Symbols(successes=-1),
    "a": Symbols(advantages=1),
    "t": Symbols(advantages=-1),
    "T": Symbols(successes=1, triumphs=1),
    "D": Symbols(successes=-1, despairs=1),
    "L": Symbols(light=1),
    "N": Symbols(dark=1),
}
_SHOWN = {"s": "s", "f": "f", "a": "a", "t": "t", "T": "Tr", "D": "De", "L": "○", "N": "●"}


def symbols_of(face: str) -> Symbols:
    """The symbols of a face written in codes: `s` success, `f` failure, `a` advantage, `t`
    threat, `T` triumph, `D` despair, `L` light, `N` dark; `""` is blank."""
    total = Symbols()
    for code in face:
        total += _SYMBOLS[code]
    return total


@dataclass(frozen=True, slots=True)
class DieType:
    """One kind of narrative die: its role name, colour, letters and faces (in codes)."""

    name: str
    colour: str
    letters: tuple[str, ...]
    faces: tuple[str, ...]

    @property
    def sides(self) -> int:
        """How many faces the die has."""
        return len(self.faces)


DICE: tuple[DieType, ...] = (
    DieType("ability", "green", ("g", "a"), ("", "s", "s", "ss", "a", "a", "sa", "aa")),
    DieType(
        "proficiency",
        "yellow",
        ("y", "pro"),
        ("", "s", "s", "ss", "ss", "a", "sa", "sa", "sa", "aa", "aa", "T"),
    ),
    DieType("difficulty", "purple", ("p", "d"), ("", "f", "ff", "t", "t", "t", "tt", "ft")),
    DieType(
        "challenge",
        "red",
        ("r", "c"),
        ("", "f", "f", "ff", "ff", "t", "t", "ft", "ft", "tt", "tt", "D"),
    ),
    DieType("boost", "blue", ("b",), ("", "", "s", "sa", "aa", "a")),
    DieType("setback", "black", ("k", "s", "blk"), ("", "", "f", "f", "t", "t")),
    DieType(
        "force",
        "white",
        ("w", "f"),
        ("N", "N", "N", "N", "N", "N", "NN", "L", "L", "LL", "LL", "LL"),
    ),
)
"""Every narrative die, in the order pools are written and rolled."""

_BY_WORD: dict[str, DieType] = {}
for _die in DICE:
    for _word in (_die.name, _die.colour, *_die.letters):
        _BY_WORD[_word] = _die
_LETTERS = {word for word in _BY_WORD if len(word) == 1}
_NAMES = tuple(word for die in DICE for word in (die.name, die.colour))
_TOKEN = re.compile(r"(\d*)\s*([a-z]+)")
_SEPARATORS = re.compile(r"[\s,+]*")
_MAX_STATES = 200_000
"""Most joint symbol counts an exact odds may track."""


@dataclass(frozen=True, slots=True)
class NarrativeBound(Bound):
    """A pool: how many dice of each kind, in `DICE` order."""

    counts: tuple[int, ...]

    def dice(self) -> Iterable[tuple[DieType, int]]:
        """Each kind of die in the pool with its count."""
        return ((die, count) for die, count in zip(DICE, self.counts, strict=True) if count)

    @property
    def force_only(self) -> bool:
        """Whether the pool has force dice and nothing else (a Force power's roll)."""
        return all(die.name == "force" for die, _ in self.dice())


class Genesys(System[NarrativeBound]):
    """A pool of narrative dice: net successes decide the check (at least one: success), and
    the advantages, triumphs and despairs left say what else happens."""

    __slots__ = ()

    name = "genesys"
    title = "Genesys (narrative dice)"
    usage = "genesys(pool)"
    card = (
        "Narrative dice: g ability, y proficiency, p difficulty (purple), r challenge, b boost,"
        " k setback (black), w force (white); colours and names work too (`2 green`).\n"
        "Successes cancel failures and advantages threats; a triumph is also a success and a"
        " despair also a failure. One net success or more is a **success**, else a"
        " **failure**.\n"
        "Examples: `genesys(2g1y 2p1r 1b)`, `genesys(ggy pp k)`, `genesys(2 ability, 2 purple)`"
    )
    outcomes = ("failure", "force", "success")
    typical = "genesys(2g 1y 2p 1r 1b)"

    def bind(self, positional: Sequence[str], named: Mapping[str, str]) -> NarrativeBound:
        expect_arguments(self, positional, named, least=0, most=MAX_POOL, names=_NAMES)
        counts = [0] * len(DICE)
        self._read(" ".join(positional).lower(), counts)
        for word, text in named.items():
            self._read(f"{text}{word}", counts)
        if not sum(counts):
            raise self.usage_error("the pool has no dice")
        if sum(counts) > MAX_POOL:
            raise LimitError(f"a pool of narrative dice may have at most {MAX_POOL} dice")
        pool = " ".join(
            f"{count}{die.letters[0]}" for die, count in zip(DICE, counts, strict=True) if count
        )
        return NarrativeBound(f"{self.name}({pool})", tuple(counts))

    def _read(self, text: str, counts: list[int]) -> None:
        position = _SEPARATORS.match(text, 0)
        index = position.end() if position else 0
        while index < len(text):
            match = _TOKEN.match(text, index)
            if match is None:
                raise self.usage_error(f"`{text[index : index + 10]}` is not a die")
            number, word = match.groups()
            count = int(number) if number else 1
            if word in _BY_WORD:
                counts[DICE.index(_BY_WORD[word])] += count
            elif not number and set(word) <= _LETTERS:
                for letter in word:
                    counts[DICE.index(_BY_WORD[letter])] += 1
            elif number and set(word) <= _LETTERS:
                raise self.usage_error(f"write a count before each die: not `{match.group(0)}`")
            else:
                raise self.usage_error(f"`{word}` is not a die")
            if count > MAX_POOL:
                raise LimitError(f"a pool of narrative dice may have at most {MAX_POOL} dice")
            separators = _SEPARATORS.match(text, match.end())
            index = separators.end() if separators else match.end()

    def roll(self, bound: NarrativeBound, source: Source) -> SystemRoll:
        groups: list[DiceGroup] = []
        total = Symbols()
        for die, count in bound.dice():
            shown: list[SystemDie] = []
            for face in source.roll(count, die.sides):
                code = die.faces[face - 1]
                total += symbols_of(code)
                marks = Mark.COUNTED if "T" in code else Mark.BANE if "D" in code else Mark.NONE
                text = "".join(_SHOWN[symbol] for symbol in code) or "-"
                shown.append(ShownDie(die.sides, face, die.name, marks, text))
            groups.append(DiceGroup(tuple(shown), die.name))
        name = "success" if total.successes >= 1 else "failure"
        if bound.force_only:
            name = "force"
        return SystemRoll(
            system=self.name,
            call=bound.call,
            groups=tuple(groups),
            total=None,
            outcome=self.outcome(name, total.summary()),
            details={
                "successes": total.successes,
                "advantages": total.advantages,
                "triumphs": total.triumphs,
                "despairs": total.despairs,
                "light": total.light,
                "dark": total.dark,
            },
        )

    def odds_refusal(self, bound: NarrativeBound) -> str | None:
        states = 1
        for spread in _spreads(bound):
            states *= spread + 1
        if states > _MAX_STATES:
            return f"`{bound.call}` (too many dice to count every symbol)"
        return None

    def exact_odds(self, bound: NarrativeBound) -> Mapping[str, Fraction]:
        if bound.force_only:
            return {"force": Fraction(1)}
        success = at_least(narrative_odds(bound), successes=1)
        return {"failure": 1 - success, "success": success}


class StarWars(Genesys):
    """Fantasy Flight's Star Wars Roleplaying (Edge of the Empire, Age of Rebellion, Force and
    Destiny): the same narrative dice as Genesys, with the force die."""

    __slots__ = ()

    name = "swrpg"
    title = "Star Wars Roleplaying (Fantasy Flight narrative dice)"
    usage = "swrpg(pool)"
    card = (
        "Narrative dice as in `genesys`, plus w force (white): light side ○ and dark side ●"
        " points, which never cancel. A pool of force dice alone shows its points.\n"
        "Examples: `swrpg(2g1y 2p 1k)`, `swrpg(1w)`, `swrpg(ggy pp)`"
    )
    typical = "swrpg(2g 1y 2p 1r 1b)"


def _spreads(bound: NarrativeBound) -> list[int]:
    """How far each tracked count (successes, advantages, triumphs, despairs) can range."""
    spreads = [0, 0, 0, 0]
    for die, count in bound.dice():
        symbols = [symbols_of(face) for face in die.faces]
        for index, values in enumerate(
            (
                [s.successes for s in symbols],
                [s.advantages for s in symbols],
                [s.triumphs for s in symbols],
                [s.despairs for s in symbols],
            )
        ):
            spreads[index] += count * (max(values) - min(values))
    return spreads


def narrative_odds(bound: NarrativeBound) -> dict[tuple[int, int, int, int], Fraction]:
    """The exact joint odds of (net successes, net advantages, triumphs, despairs); force
    dice are left out (see `force_odds`). Raise `LimitError` for a pool too large to count."""
    refusal = Genesys().odds_refusal(bound)
    if refusal is not None:
        raise LimitError(f"exact odds of {refusal} would take too long to work out")
    ways: dict[tuple[int, int, int, int], int] = {(0, 0, 0, 0): 1}
    denominator = 1
    for die, count in bound.dice():
        if die.name == "force":
            continue
        faces: dict[tuple[int, int, int, int], int] = {}
        for face in die.faces:
            s = symbols_of(face)
            key = (s.successes, s.advantages, s.triumphs, s.despairs)
            faces[key] = faces.get(key, 0) + 1
        for _ in range(count):
            ways = _convolve(ways, faces)
            denominator *= die.sides
    return {key: Fraction(count, denominator) for key, count in ways.items()}


def force_odds(bound: NarrativeBound) -> dict[tuple[int, int], Fraction]:
    """The exact joint odds of (light side points, dark side points) of the pool's force
    dice."""
    ways: dict[tuple[int, int], int] = {(0, 0): 1}
    denominator = 1
    for die, count in bound.dice():
        if die.name != "force":
            continue
        faces: dict[tuple[int, int], int] = {}
        for face in die.faces:
            s = symbols_of(face)
            faces[s.light, s.dark] = faces.get((s.light, s.dark), 0) + 1
        for _ in range(count):
            step: dict[tuple[int, int], int] = {}
            for (light, dark), before in ways.items():
                for (more_light, more_dark), times in faces.items():
                    key = (light + more_light, dark + more_dark)
                    step[key] = step.get(key, 0) + before * times
            ways = step
            denominator *= die.sides
    return {key: Fraction(count, denominator) for key, count in ways.items()}


def _convolve(
    ways: dict[tuple[int, int, int, int], int], faces: dict[tuple[int, int, int, int], int]
) -> dict[tuple[int, int, int, int], int]:
    step: dict[tuple[int, int, int, int], int] = {}
    for (s, a, t, d), before in ways.items():
        for (ds, da, dt, dd), times in faces.items():
            key = (s + ds, a + da, t + dt, d + dd)
            step[key] = step.get(key, 0) + before * times
    return step


def at_least(
    joint: Mapping[tuple[int, int, int, int], Fraction],
    *,
    successes: int | None = None,
    advantages: int | None = None,
    triumphs: int | None = None,
    despairs: int | None = None,
) -> Fraction:
    """The chance that every given count is at least its value, from `narrative_odds`:
    `at_least(joint, successes=1)` is the chance of success, `advantages=2` of two net
    advantages or more. A negative value asks for at most that many failures (threats)."""
    floors = (successes, advantages, triumphs, despairs)
    return sum(
        (
            chance
            for key, chance in joint.items()
            if all(
                floor is None or value >= floor for value, floor in zip(key, floors, strict=True)
            )
        ),
        Fraction(0),
    )
