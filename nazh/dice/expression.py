"""A parsed, compiled expression: parse once, roll many times."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from nazh.dice.ast import (
    ComputedDice,
    CountSuccesses,
    Dice,
    Set,
    traced_nodes,
)
from nazh.dice.bounds import bounds
from nazh.dice.evaluator import compile_program
from nazh.dice.limits import MAX_DICE
from nazh.dice.parser import parse_inputs
from nazh.dice.readings import NAZH_READINGS
from nazh.dice.render import Template
from nazh.dice.stringify import node_text
from nazh.dice.trace import PoolInfo, enclosures, pool_infos

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nazh.dice.ast import Node
    from nazh.dice.evaluator import Program
    from nazh.dice.functions import Resolver
    from nazh.dice.readings import Readings
    from nazh.dice.systems import SystemCall

__all__ = ("Expression",)

_COMPUTED_INFOS = 256
"""`PoolInfo`s kept per expression for the dice its computed counts and sides gave."""


class Expression:
    """A parsed input.

    `root` is the syntax tree (see `nazh.dice.ast`); `text` the normalised notation including
    a repetition prefix (`6#4d6kh3`) and `body` without it; `repeat` is 1 without a prefix;
    `minimum`/`maximum` bound the total of one evaluation (whole, rounded outwards).
    `readings` is the dialect it was read in; `notes` say how dialect-dependent forms and
    notation-like comments were read.
    An input of several rolls separated by `;` has one `Expression` per roll in `parts`; its
    own `root` and the facts about it are those of the first roll. A game system's roll has
    its `system` call (and `root` 0).
    """

    __slots__ = (
        "_computed_infos",
        "_counting",
        "_crit_slots",
        "_enclosing",
        "_pools",
        "_template",
        "body",
        "comment",
        "maximum",
        "minimum",
        "notes",
        "parts",
        "program",
        "readings",
        "repeat",
        "root",
        "spare",
        "system",
        "text",
    )

    def __init__(
        self,
        root: Node,
        repeat: int = 1,
        comment: str | None = None,
        *,
        readings: Readings = NAZH_READINGS,
        notes: tuple[str, ...] = (),
        system: SystemCall | None = None,
    ) -> None:
        self.root = root
        self.system = system
        """A game system's call (`fitd(3)`), which is then the whole roll (`root` is 0)."""
        self.repeat = repeat
        self.comment = comment
        self.readings = readings
        self.notes = notes
        self.parts: tuple[Expression, ...] = ()
        self.body = (
            system.text
            if system is not None
            else node_text(root, bang="!" if readings.bang == "explode" else "x")
        )
        times = "#" if readings.hash_sign == "repeat" else "x "
        self.text = f"{repeat}{times}{self.body}" if repeat > 1 else self.body
        low, high = bounds(root, readings)
        self.minimum = math.floor(low)
        self.maximum = math.ceil(high)
        dice = sum(node.count for node in traced_nodes(root) if isinstance(node, Dice))
        self.spare = MAX_DICE - dice * repeat
        """Dice that rerolls, explosions and computed counts may still draw, all repetitions
        together."""
        self.program: Program = compile_program(root, readings)
        self._pools: list[PoolInfo | None] | None = None
        self._counting: list[bool] | None = None
        self._enclosing: list[tuple[tuple[int, int], ...]] | None = None
        self._crit_slots: tuple[int, ...] | None = None
        self._template: Template | None = None
        self._computed_infos: dict[tuple[int, Dice], PoolInfo] = {}

    @property
    def dialect(self) -> str:
        """The name of the dialect the text was read in."""
        return self.readings.name

    @property
    def pools(self) -> list[PoolInfo | None]:
        """Per traced node (see `traced_nodes`), what a pool's dice show; None for a set or
        computed dice (see `RollResult.pools`)."""
        if self._pools is None:
            self._pools = pool_infos(self.root)
        return self._pools

    def computed_info(self, slot: int, dice: Dice) -> PoolInfo:
        """What the `dice` that the computed dice at trace index `slot` rolled show."""
        key = (slot, dice)
        info = self._computed_infos.get(key)
        if info is None:
            info = PoolInfo(dice, self.enclosing[slot])
            if len(self._computed_infos) < _COMPUTED_INFOS:
                self._computed_infos[key] = info
        return info

    @property
    def counting(self) -> list[bool]:
        """Per traced node, whether it counts successes. A set testing each of its dice
        (`Set.tests_dice`) does not: its pools count, on its behalf."""
        if self._counting is None:
            nodes = traced_nodes(self.root)
            counting = [
                any(
                    isinstance(m, CountSuccesses)
                    for m in (node.dice if isinstance(node, ComputedDice) else node).modifiers
                )
                for node in nodes
            ]
            for slot, node in enumerate(nodes):
                if isinstance(node, Set) and node.tests_dice:
                    # its item holds only pools, traced just before it
                    pools = len(traced_nodes(node)) - 1
                    counting[slot - pools : slot + 1] = [True] * pools + [False]
            self._counting = counting
        return self._counting

    @property
    def crit_slots(self) -> tuple[int, ...]:
        """Trace indices of the pools whose dice can crit or fumble (d20s, `cs`/`cf`)."""
        if self._crit_slots is None:
            self._crit_slots = tuple(
                slot for slot, info in enumerate(self.pools) if info is not None and info.crit
            )
        return self._crit_slots

    @property
    def enclosing(self) -> list[tuple[tuple[int, int], ...]]:
        """Per traced node, the `(trace index, item position)` of each set item it lies in."""
        if self._enclosing is None:
            self._enclosing = enclosures(self.root)
        return self._enclosing

    @property
    def template(self) -> Template:
        """The rendering template, built on first use (exact odds never render)."""
        if self._template is None:
            self._template = Template(self.root, self.pools, self.counting)
        return self._template

    @classmethod
    def from_text(
        cls, text: str, readings: Readings = NAZH_READINGS, resolve: Resolver | None = None
    ) -> Expression:
        """Parse and compile `text`; raise `DiceError` if it is not acceptable."""
        parsed = (
            parse_inputs(text, readings)
            if resolve is None
            else parse_inputs(text, readings, resolve)
        )
        parts = [
            cls(p.root, p.repeat, p.comment, readings=readings, notes=p.notes, system=p.system)
            for p in parsed
        ]
        if len(parts) == 1:
            return parts[0]
        first = parts[0]
        several = cls(first.root, 1, None, readings=readings, notes=_merged(parts))
        several.parts = tuple(parts)
        several.text = several.body = "; ".join(part.text for part in parts)
        several.spare = MAX_DICE - sum(MAX_DICE - part.spare for part in parts)
        return several

    def __repr__(self) -> str:
        return f"Expression({self.text!r}, comment={self.comment!r})"


def _merged(parts: Sequence[Expression]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(note for part in parts for note in part.notes))
