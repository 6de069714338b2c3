"""Nazh's dice engine: notation to secure, explained, renderable rolls. No Discord imports.

>>> from nazh.dice import roll
>>> roll("4d6kh3").render()          # doctest: +SKIP
'4d6kh3 (5, 4, ~~1~~, 3) = `12`'
"""

from .ast import FATE
from .complete import complete
from .engine import parse, roll
from .errors import DiceError, LimitError, ParseError
from .expression import Expression
from .odds import Distribution, distribution
from .results import Die, DieFlag, Rolled, RollResult, RollSet

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
