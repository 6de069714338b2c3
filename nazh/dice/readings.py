"""The dialect-dependent readings the parser and evaluator consult, as one object.

`Readings` names the fields of `nazh.dice.dialects.Dialect` that the engine reads, so a
`Dialect` is a `Readings`; `NAZH_READINGS` is the default (today's Nazh notation).
"""

from __future__ import annotations

from typing import Literal, Protocol

from nazh.dice.dialects import NAZH

__all__ = ("NAZH_READINGS", "Readings")


class Readings(Protocol):
    """What the engine reads of a dialect (see `nazh.dice.dialects.Dialect` for each field)."""

    @property
    def name(self) -> str: ...
    @property
    def label(self) -> str: ...
    @property
    def bare_select(self) -> Literal["count", "face"]: ...
    @property
    def compare(self) -> Literal["strict", "inclusive"]: ...
    @property
    def reroll(self) -> Literal["until", "once"]: ...
    @property
    def explode_e(self) -> Literal["unlimited", "once"]: ...
    @property
    def division(self) -> Literal["floor", "real"]: ...
    @property
    def total(self) -> Literal["exact", "truncate"]: ...
    @property
    def double_slash(self) -> Literal["floor-division", "comment"]: ...
    @property
    def block_comments(self) -> bool: ...
    @property
    def remainder(self) -> Literal["divisor", "dividend"]: ...
    @property
    def round_half(self) -> Literal["up", "away", "even"]: ...


NAZH_READINGS: Readings = NAZH
"""Nazh's own readings, the default."""
