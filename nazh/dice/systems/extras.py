"""Pieces shared by several systems: a die shown by a text of its own, and arguments given by
position or by name."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from nazh.dice.systems.core import SystemDie, integer_argument

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from nazh.dice.systems.core import B, System

__all__ = ("ShownDie", "integer_parameters")


@dataclass(frozen=True, slots=True)
class ShownDie(SystemDie):
    """A system die whose face reads as `shown` rather than its number; `face` stays the drawn
    1 to `sides` (a Fate die's 1, 2, 3 read `-`, `0`, `+`; a tens die's 4 reads `40`)."""

    shown: str = ""

    def text(self) -> str:
        """The die as Markdown, marked as `SystemDie.text` marks it (whose Markdown has no
        digit before the face)."""
        return SystemDie.text(self).replace(str(self.face), self.shown, 1)


def integer_parameters(
    system: System[B],
    positional: Sequence[str],
    named: Mapping[str, str],
    ranges: Mapping[str, tuple[int, int]],
) -> dict[str, int]:
    """Whole-number parameters given in the order of `ranges` by position, or by name; each
    checked against its (lowest, highest). Parameters not given are left out."""
    values: dict[str, int] = {}
    for key, text in (*zip(ranges, positional, strict=False), *named.items()):
        if key in values:
            raise system.usage_error(f"`{key}` is given twice")
        low, high = ranges[key]
        values[key] = integer_argument(system, text, f"the {key}", low, high)
    return values
