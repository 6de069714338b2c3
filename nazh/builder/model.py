"""The build: an immutable roll under construction, its undo history and the steps it allows.

Every step yields a new `Build`; a step that would leave the engine's limits (or change
nothing) is refused with the reason, so a build only ever holds a rollable expression.
"""

from __future__ import annotations

import dataclasses
import enum

from nazh import dice
from nazh.dice import FATE

__all__ = (
    "COMMON_DICE",
    "MAX_HISTORY",
    "MAX_TERMS",
    "Build",
    "Op",
    "Step",
    "StepRefused",
    "Term",
    "die_label",
)

COMMON_DICE = (4, 6, 8, 10, 12, 20, 100, FATE)
"""Die sizes offered without typing; `FATE` (0) is a Fate die."""
MAX_TERMS = 10
"""Kinds of dice one build holds."""
MAX_HISTORY = 50
"""Steps that Undo can take back."""


def die_label(sides: int) -> str:
    """``d20``, or ``dF`` for a Fate die."""
    return "dF" if sides == FATE else f"d{sides}"


class StepRefused(ValueError):
    """A step that cannot be taken; the message says why, for the person building."""


class Op(enum.Enum):
    """What a step does; `Step.value` carries its number where one is needed."""

    DIE = "die"
    """Pick the die of `value` sides, adding one if the build has none."""
    MORE = "more"
    FEWER = "fewer"
    ADVANTAGE = "advantage"
    NORMAL = "normal"
    DISADVANTAGE = "disadvantage"
    KEEP = "keep"
    """Keep the `value` highest dice (negative: lowest; 0: keep all)."""
    EXPLODE = "explode"
    MODIFIER = "modifier"
    """Add `value` to the flat modifier."""
    TARGET = "target"
    """Set the total to beat (`None` clears it)."""
    CLEAR = "clear"


@dataclasses.dataclass(frozen=True, slots=True)
class Step:
    """One change a player can ask for."""

    op: Op
    value: int | None = None


@dataclasses.dataclass(frozen=True, slots=True)
class Term:
    """``count`` dice of ``sides`` sides, maybe keeping the highest/lowest few, maybe exploding."""

    sides: int
    count: int = 1
    keep: int = 0
    """Dice kept: positive the highest, negative the lowest, 0 all of them."""
    explode: bool = False

    @property
    def label(self) -> str:
        """``d20``, ``dF``."""
        return die_label(self.sides)

    @property
    def notation(self) -> str:
        """``2d20kh1``, ``3d6!``."""
        text = f"{self.count}{self.label}{'!' if self.explode else ''}"
        if self.keep > 0:
            text += f"kh{self.keep}"
        elif self.keep < 0:
            text += f"kl{-self.keep}"
        return text


@dataclasses.dataclass(frozen=True, slots=True)
class _State:
    terms: tuple[Term, ...] = ()
    modifier: int = 0
    selected: int | None = None
    target: int | None = None
    label: str = ""


@dataclasses.dataclass(frozen=True, slots=True)
class Build:
    """A roll being built: dice terms, a flat modifier, the selected term and undo history."""

    terms: tuple[Term, ...] = ()
    modifier: int = 0
    selected: int | None = None
    """Index in `terms` of the term the count, keep, explode and advantage steps act on."""
    target: int | None = None
    """The total the player wants to beat, if they set one."""
    label: str = ""
    """The comment written after the dice (`attack`), kept from a saved roll it started from."""
    history: tuple[_State, ...] = dataclasses.field(default=(), repr=False)

    @property
    def notation(self) -> str:
        """The expression in dice notation, ``2d20kh1 + 1d4 + 5`` ('' when empty)."""
        parts = [term.notation for term in self.terms]
        text = " + ".join(parts)
        if self.modifier:
            sign = "-" if self.modifier < 0 else "+"
            text = f"{text} {sign} {abs(self.modifier)}" if text else str(self.modifier)
        return text

    @property
    def text(self) -> str:
        """The notation with the label after it, what a roll or a save uses ('' when empty)."""
        if self.empty or not self.label:
            return self.notation
        return f"{self.notation} {self.label}"

    @property
    def empty(self) -> bool:
        """Whether there is nothing to roll."""
        return not self.terms and not self.modifier

    @property
    def term(self) -> Term | None:
        """The selected term."""
        return None if self.selected is None else self.terms[self.selected]

    @property
    def can_undo(self) -> bool:
        """Whether a step can be taken back."""
        return bool(self.history)

    def expression(self) -> dice.Expression | None:
        """The parsed expression (None when empty)."""
        return None if self.empty else dice.parse(self.notation)

    def undo(self) -> Build:
        """The build before the last step."""
        if not self.history:
            raise StepRefused("nothing to undo")
        state = self.history[-1]
        return Build(
            state.terms,
            state.modifier,
            state.selected,
            state.target,
            state.label,
            self.history[:-1],
        )

    def check(self, step: Step) -> str | None:
        """Why `step` cannot be taken, or None if it can."""
        try:
            self.apply(step)
        except StepRefused as refused:
            return str(refused)
        return None

    def apply(self, step: Step) -> Build:
        """The build after `step`; raises `StepRefused` with the reason when it can't be taken."""
        state = self._step(step)
        if state == self._state():
            raise StepRefused(_UNCHANGED.get(step.op, "that changes nothing"))
        return self._then(state)

    def start_from(self, start: Build) -> Build:
        """The dice, modifier and label of `start` (and its target, if it has one) as one step,
        its first die selected; raises `StepRefused` when `start` is empty or won't roll."""
        if start.empty:
            raise StepRefused("there is nothing to start from")
        target = self.target if start.target is None else start.target
        selected = 0 if start.terms else None
        return self._then(_State(start.terms, start.modifier, selected, target, start.label))

    def _then(self, state: _State) -> Build:
        history = (*self.history, self._state())[-MAX_HISTORY:]
        built = Build(
            state.terms, state.modifier, state.selected, state.target, state.label, history
        )
        if not built.empty:
            try:
                dice.parse(built.notation)
            except dice.DiceError as error:
                raise StepRefused(str(error).partition("\n")[0]) from None
        return built

    def _state(self) -> _State:
        return _State(self.terms, self.modifier, self.selected, self.target, self.label)

    def _step(self, step: Step) -> _State:
        op, value = step.op, step.value
        state = self._state()
        if op is Op.CLEAR:
            return _State()
        if op is Op.TARGET:
            return dataclasses.replace(state, target=value)
        if op is Op.MODIFIER:
            return dataclasses.replace(state, modifier=self.modifier + _number(value))
        if op is Op.DIE:
            return self._pick(_number(value))
        term = self.term
        if term is None:
            raise StepRefused("pick a die first")
        if op is Op.MORE:
            return self._replace(_recount(term, term.count + 1))
        if op is Op.FEWER:
            if term.count == 1:
                return self._remove()
            return self._replace(_recount(term, term.count - 1))
        if op is Op.EXPLODE:
            return self._replace(dataclasses.replace(term, explode=not term.explode))
        if op is Op.KEEP:
            return self._replace(_kept(term, _number(value)))
        if term.sides != 20:
            raise StepRefused("advantage and disadvantage are for a d20")
        if op is Op.NORMAL:
            return self._replace(dataclasses.replace(term, count=1, keep=0))
        keep = 1 if op is Op.ADVANTAGE else -1
        return self._replace(dataclasses.replace(term, count=2, keep=keep))

    def _pick(self, sides: int) -> _State:
        for index, term in enumerate(self.terms):
            if term.sides == sides:
                return dataclasses.replace(self._state(), selected=index)
        if len(self.terms) >= MAX_TERMS:
            raise StepRefused(f"a build holds {MAX_TERMS} kinds of dice at most")
        if sides < 0:
            raise StepRefused("a die has at least one side")
        terms = (*self.terms, Term(sides))
        return dataclasses.replace(self._state(), terms=terms, selected=len(terms) - 1)

    def _replace(self, term: Term) -> _State:
        assert self.selected is not None
        terms = list(self.terms)
        terms[self.selected] = term
        return dataclasses.replace(self._state(), terms=tuple(terms))

    def _remove(self) -> _State:
        assert self.selected is not None
        terms = self.terms[: self.selected] + self.terms[self.selected + 1 :]
        selected = min(self.selected, len(terms) - 1) if terms else None
        return dataclasses.replace(self._state(), terms=terms, selected=selected)


_UNCHANGED = {
    Op.DIE: "that die is already picked",
    Op.NORMAL: "already a plain d20",
    Op.ADVANTAGE: "already rolling with advantage",
    Op.DISADVANTAGE: "already rolling with disadvantage",
    Op.KEEP: "already keeping those dice",
    Op.CLEAR: "nothing to clear",
    Op.TARGET: "that target is already set",
}


def _number(value: int | None) -> int:
    if value is None:
        raise StepRefused("that step needs a number")
    return value


def _recount(term: Term, count: int) -> Term:
    keep = term.keep if abs(term.keep) < count else 0
    return dataclasses.replace(term, count=count, keep=keep)


def _kept(term: Term, keep: int) -> Term:
    if abs(keep) >= term.count:
        if keep and term.count < 2:
            raise StepRefused(f"roll two or more {term.label} to keep some of them")
        if keep:
            raise StepRefused(f"only {term.count} {term.label} to keep from")
    return dataclasses.replace(term, keep=keep)
