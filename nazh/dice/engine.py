"""The two entry points: `parse` (cached) and `roll`."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from nazh.dice.evaluator import evaluate
from nazh.dice.expression import Expression
from nazh.dice.limits import PARSE_CACHE_SIZE
from nazh.dice.readings import NAZH_READINGS

if TYPE_CHECKING:
    import random

    from nazh.dice.readings import Readings
    from nazh.dice.results import RollResult, RollSet

__all__ = ("parse", "roll")


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def parse(text: str, readings: Readings = NAZH_READINGS) -> Expression:
    """Parse `text` into an `Expression`; repeated texts come from a bounded cache.

    Raise `ParseError` or `LimitError` (both `DiceError`) if the text is not acceptable.
    """
    return Expression.from_text(text, readings)


def roll(source: str | Expression, *, rng: random.Random | None = None) -> RollResult | RollSet:
    """Roll an expression: a `RollSet` for a repetition (`6#4d6kh3`), else a `RollResult`.

    Faces come from the OS CSPRNG unless `rng` is given, in which case each die is
    `rng.randint(1, sides)` in rolling order (a Fate die: `rng.randint(1, 3) - 2`).
    Raise `DiceError` for any unacceptable input or impossible evaluation.
    """
    expression = parse(source) if isinstance(source, str) else source
    return evaluate(expression, rng)
