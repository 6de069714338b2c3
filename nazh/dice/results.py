"""Results of rolling: `RollResult` for one evaluation, `RollSet` for a repetition."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol, runtime_checkable

from nazh.dice.render import escape_markdown, render_result, render_set
from nazh.dice.systems.core import FATE_KIND
from nazh.dice.trace import (
    CLAMPED,
    COMPOUNDED,
    DROPPED,
    EXPLODED,
    FAILURE,
    INACTIVE,
    PENETRATED,
    REROLLED,
    SUCCESS,
    DieFlag,
)

if TYPE_CHECKING:
    from nazh.dice.ast import Dice
    from nazh.dice.expression import Expression
    from nazh.dice.functions import Value
    from nazh.dice.systems import Outcome, SystemRoll
    from nazh.dice.trace import (
        Entry,
        PoolInfo,
    )

__all__ = ("Die", "DieFlag", "RollResult", "RollSet", "Rolled", "SystemResult")


class Die:
    """One die actually drawn.

    `face` is what it showed (1 to `sides`; a Fate die, `sides == 0`, shows -1, 0 or +1;
    `d%` has 100 sides; a die with custom faces, `custom` true, shows one of its `sides`
    faces). `value` is what it adds: the face, changed by a clamp, a penetrating explosion
    (face - 1) or compounding (the chain's sum on the first die).
    """

    __slots__ = ("_flags", "custom", "face", "sides", "value")

    def __init__(
        self,
        sides: int,
        face: int,
        value: int | None = None,
        flags: int = 0,
        *,
        custom: bool = False,
    ) -> None:
        self.sides = sides
        self.face = face
        self.value = face if value is None else value
        self._flags = flags
        self.custom = custom

    @property
    def flags(self) -> DieFlag:
        """Everything that happened to the die."""
        return DieFlag(self._flags)

    @property
    def kept(self) -> bool:
        """Whether the die counts (not dropped, rerolled or compounded into another)."""
        return not self._flags & INACTIVE

    @property
    def dropped(self) -> bool:
        return bool(self._flags & DROPPED)

    @property
    def rerolled(self) -> bool:
        return bool(self._flags & REROLLED)

    @property
    def exploded(self) -> bool:
        return bool(self._flags & EXPLODED)

    @property
    def clamped(self) -> bool:
        return bool(self._flags & CLAMPED)

    @property
    def compounded(self) -> bool:
        return bool(self._flags & COMPOUNDED)

    @property
    def penetrated(self) -> bool:
        return bool(self._flags & PENETRATED)

    @property
    def success(self) -> bool:
        return bool(self._flags & SUCCESS)

    @property
    def failure(self) -> bool:
        return bool(self._flags & FAILURE)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Die):
            return NotImplemented
        return (self.sides, self.face, self.value, self._flags) == (
            other.sides,
            other.face,
            other.value,
            other._flags,
        )

    def __hash__(self) -> int:
        return hash((self.sides, self.face, self.value, self._flags))

    def __repr__(self) -> str:
        flags = f", {self.flags!r}" if self._flags else ""
        value = f", value={self.value}" if self.value != self.face else ""
        return f"Die(d{self.sides}: {self.face}{value}{flags})"


@runtime_checkable
class Rolled(Protocol):
    """What `roll` returns: one `RollResult` or a `RollSet`; commands use only this."""

    @property
    def results(self) -> tuple[RollResult, ...]: ...

    @property
    def expression(self) -> str: ...

    @property
    def comment(self) -> str | None: ...

    @property
    def notes(self) -> tuple[str, ...]: ...

    @property
    def dice(self) -> tuple[Die, ...]: ...

    def render(self, max_length: int = 2000) -> str: ...


class RollResult:
    """One evaluation of an expression."""

    __slots__ = ("_critical", "_dice", "_pools", "computed", "source", "total", "trace")

    def __init__(
        self,
        source: Expression,
        total: Value,
        trace: list[Entry],
        computed: dict[int, Dice] | None = None,
    ) -> None:
        self.source = source
        """The parsed expression that was rolled."""
        self.total = total
        """An `int`, or a `Fraction` when not whole."""
        self.trace = trace
        """Per `Dice`/`ComputedDice`/`Set` node, what happened (see `nazh.dice.trace`)."""
        self.computed = computed or {}
        """Per trace index of a `ComputedDice`, the dice its count and sides gave."""
        self._dice: tuple[Die, ...] | None = None
        self._critical: tuple[bool, bool] | None = None
        self._pools: list[PoolInfo | None] | None = None

    @property
    def pools(self) -> list[PoolInfo | None]:
        """Per trace entry, what a pool's dice show (computed dice included); None for a set."""
        if not self.computed:
            return self.source.pools
        if self._pools is None:
            pools = list(self.source.pools)
            for slot, dice in self.computed.items():
                pools[slot] = self.source.computed_info(slot, dice)
            self._pools = pools
        return self._pools

    @property
    def notes(self) -> tuple[str, ...]:
        """How the roll was read where dialects differ, and notation-like comments."""
        return self.source.notes

    @property
    def expression(self) -> str:
        """Normalised notation of one evaluation (without a repetition prefix)."""
        return self.source.body

    @property
    def comment(self) -> str | None:
        return self.source.comment

    @property
    def results(self) -> tuple[RollResult, ...]:
        return (self,)

    @property
    def dice(self) -> tuple[Die, ...]:
        """Every die drawn, in order, including dropped and rerolled ones."""
        if self._dice is None:
            dice: list[Die] = []
            for info, (faces, values, flags) in zip(self.pools, self.trace, strict=True):
                if info is None or faces is None:
                    continue
                sides, custom = info.sides, info.custom
                for index, face in enumerate(faces):
                    value = face if values is None else int(values[index])
                    flag = 0 if flags is None else flags[index]
                    dice.append(Die(sides, face, value, flag, custom=custom))
            self._dice = tuple(dice)
        return self._dice

    @property
    def crit(self) -> bool:
        """A single kept crit-relevant die (a d20, or dice with `cs`/`cf`) in its crit range."""
        return self._crit_fumble()[0]

    @property
    def fumble(self) -> bool:
        """A single kept crit-relevant die in its fumble range (default: a natural 1)."""
        return self._crit_fumble()[1]

    @property
    def successes(self) -> int | None:
        """Net successes of the success-counting pools and sets, or None if there are none.

        A pool or set inside a set item that was dropped, or inside a set that counts
        successes itself (its own count stands for theirs), adds nothing.
        """
        source, trace = self.source, self.trace
        counting = source.counting
        counted: int | None = None
        for counts, within, (_, _, flags) in zip(counting, source.enclosing, trace, strict=True):
            if not counts or flags is None:
                continue
            if any(counting[slot] for slot, _ in within) or _in_dropped_item(trace, within):
                continue
            net = sum((1 if flag & SUCCESS else 0) - (1 if flag & FAILURE else 0) for flag in flags)
            counted = net if counted is None else counted + net
        return counted

    def _crit_fumble(self) -> tuple[bool, bool]:
        if self._critical is None:
            self._critical = _find_critical(self)
        return self._critical

    def render(self, max_length: int = 2000) -> str:
        """Discord Markdown of at most `max_length` characters."""
        return render_result(self, max_length)

    def __repr__(self) -> str:
        return f"RollResult({self.expression!r}, total={self.total})"


class SystemResult(RollResult):
    """One game-system roll (`fitd(3)`): its `roll` holds the dice in the system's groups and
    its `outcome`; `total` is the system's number, or 0 when it has none (a Blades roll)."""

    __slots__ = ("roll",)

    def __init__(self, source: Expression, roll: SystemRoll) -> None:
        super().__init__(source, roll.total if roll.total is not None else 0, [])
        self.roll = roll

    @property
    def outcome(self) -> Outcome:
        """The outcome: its name, rank (higher is better) and reason."""
        return self.roll.outcome

    @property
    def dice(self) -> tuple[Die, ...]:
        if self._dice is None:
            self._dice = tuple(
                Die(0, die.face - 2, flags=DROPPED if die.dropped else 0)
                if die.kind == FATE_KIND
                else Die(die.sides, die.face, flags=DROPPED if die.dropped else 0)
                for die in self.roll.dice
            )
        return self._dice

    @property
    def successes(self) -> int | None:
        return None

    def _crit_fumble(self) -> tuple[bool, bool]:
        return False, False

    def render(self, max_length: int = 2000) -> str:
        """The system's line, after the comment: ``**sneak:** fitd(3) (2, 5, **6**) =
        **success**``."""
        comment = self.comment
        prefix = f"**{escape_markdown(comment)}:** " if comment else ""
        return prefix + self.roll.render(max(0, max_length - len(prefix)))

    def __repr__(self) -> str:
        return f"SystemResult({self.expression!r}, outcome={self.outcome.name!r})"


class RollSet:
    """Several evaluations: of one expression (`6#4d6kh3`), or of the rolls of an input
    separated by `;` (`source.parts`)."""

    __slots__ = ("results", "source")

    def __init__(self, source: Expression, results: tuple[RollResult, ...]) -> None:
        self.source = source
        self.results = results

    @property
    def expression(self) -> str:
        """Normalised notation including the repetition prefix."""
        return self.source.text

    @property
    def comment(self) -> str | None:
        return self.source.comment

    @property
    def notes(self) -> tuple[str, ...]:
        """How the rolls were read (see `RollResult.notes`), each note once."""
        return self.source.notes

    @property
    def totals(self) -> tuple[Value, ...]:
        return tuple(result.total for result in self.results)

    @property
    def dice(self) -> tuple[Die, ...]:
        return tuple(die for result in self.results for die in result.dice)

    def render(self, max_length: int = 2000) -> str:
        """Discord Markdown of at most `max_length` characters, one line per result."""
        return render_set(self, max_length)

    def __repr__(self) -> str:
        return f"RollSet({self.expression!r}, totals={self.totals})"


def _find_critical(result: RollResult) -> tuple[bool, bool]:
    slots = result.source.crit_slots
    pools, trace = result.pools, result.trace
    if result.computed:
        slots = tuple(sorted({*slots, *(s for s in result.computed if (i := pools[s]) and i.crit)}))
    if not slots:
        return False, False
    found: tuple[int, int] | None = None
    for position in slots:
        info = pools[position]
        faces, _, flags = trace[position]
        if info is None or faces is None or (info.within and _in_dropped_item(trace, info.within)):
            continue
        for index, face in enumerate(faces):
            if flags is None or not flags[index] & INACTIVE:
                if found is not None:
                    return False, False
                found = (position, face)
    if found is None:
        return False, False
    info = pools[found[0]]
    assert info is not None
    assert info.crit is not None
    assert info.fumble is not None
    return info.crit(found[1]), info.fumble(found[1])


def _in_dropped_item(trace: list[Entry], within: tuple[tuple[int, int], ...]) -> bool:
    """Whether a node inside the set items `within` lies in one that its set dropped."""
    return any(flags[position] & DROPPED for slot, position in within if (flags := trace[slot][2]))
