"""Nazh's dice engine: notation to secure, explained, renderable rolls. No Discord imports.

>>> from nazh.dice import roll
>>> roll("4d6kh3").render()          # doctest: +SKIP
'4d6kh3 (5, 4, ~~1~~, 3) = `12`'
"""

from __future__ import annotations

from nazh.dice.ast import FATE
from nazh.dice.complete import complete
from nazh.dice.engine import parse, roll
from nazh.dice.errors import DiceError, LimitError, ParseError
from nazh.dice.expression import Expression
from nazh.dice.odds import Distribution, distribution
from nazh.dice.results import Die, DieFlag, Rolled, RollResult, RollSet

__all__ = (
    "FATE",
    "DiceError",
    "Die",
    "DieFlag",
    "Distribution",
    "Expression",
    "LimitError",
    "ParseError",
    "RollResult",
    "RollSet",
    "Rolled",
    "complete",
    "distribution",
    "parse",
    "roll",
)
