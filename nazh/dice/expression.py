"""A parsed, compiled expression: parse once, roll many times."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nazh.dice.ast import CountSuccesses, Dice, traced_nodes
from nazh.dice.bounds import bounds
from nazh.dice.evaluator import compile_program
from nazh.dice.limits import MAX_DICE
from nazh.dice.parser import parse_input
from nazh.dice.render import Template
from nazh.dice.stringify import node_text
from nazh.dice.trace import enclosures, pool_infos

if TYPE_CHECKING:
    from nazh.dice.ast import Node
    from nazh.dice.evaluator import Program
    from nazh.dice.trace import PoolInfo

__all__ = ("Expression",)


class Expression:
    """A parsed input.

    `root` is the syntax tree (see `nazh.dice.ast`); `text` the normalised notation including
    a repetition prefix (`6#4d6kh3`) and `body` without it; `repeat` is 1 without a prefix;
    `minimum`/`maximum` bound the total of one evaluation.
    """

    __slots__ = (
        "_counting",
        "_crit_slots",
        "_enclosing",
        "_pools",
        "_template",
        "body",
        "comment",
        "maximum",
        "minimum",
        "program",
        "repeat",
        "root",
        "spare",
        "text",
    )

    def __init__(self, root: Node, repeat: int = 1, comment: str | None = None) -> None:
        self.root = root
        self.repeat = repeat
        self.comment = comment
        self.body = node_text(root)
        self.text = f"{repeat}#{self.body}" if repeat > 1 else self.body
        self.minimum, self.maximum = bounds(root)
        dice = sum(node.count for node in traced_nodes(root) if isinstance(node, Dice))
        self.spare = MAX_DICE - dice * repeat
        """Dice that rerolls and explosions may still draw across all repetitions."""
        self.program: Program = compile_program(root)
        self._pools: list[PoolInfo | None] | None = None
        self._counting: list[bool] | None = None
        self._enclosing: list[tuple[tuple[int, int], ...]] | None = None
        self._crit_slots: tuple[int, ...] | None = None
        self._template: Template | None = None

    @property
    def pools(self) -> list[PoolInfo | None]:
        """Per traced node (see `traced_nodes`), what a pool's dice show; None for a set."""
        if self._pools is None:
            self._pools = pool_infos(self.root)
        return self._pools

    @property
    def counting(self) -> list[bool]:
        """Per traced node, whether it counts successes."""
        if self._counting is None:
            self._counting = [
                any(isinstance(m, CountSuccesses) for m in node.modifiers)
                for node in traced_nodes(self.root)
            ]
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
    def from_text(cls, text: str) -> Expression:
        """Parse and compile `text`; raise `DiceError` if it is not acceptable."""
        root, repeat, comment = parse_input(text)
        return cls(root, repeat, comment)

    def __repr__(self) -> str:
        return f"Expression({self.text!r}, comment={self.comment!r})"
