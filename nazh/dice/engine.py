"""The two entry points: `parse` (cached) and `roll`, in a dialect."""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from nazh.dice.dialects import get_dialect, split_dialect_tag
from nazh.dice.evaluator import evaluate
from nazh.dice.expression import Expression
from nazh.dice.limits import PARSE_CACHE_SIZE

if TYPE_CHECKING:
    import random

    from nazh.dice.dialects import Dialect
    from nazh.dice.functions import Resolver
    from nazh.dice.results import RollResult, RollSet

__all__ = ("parse", "roll")


def parse(
    text: str, dialect: Dialect | str = "nazh", *, resolve: Resolver | None = None
) -> Expression:
    """Parse `text` in `dialect` (a `Dialect` or its name) into an `Expression`; repeated
    (text, dialect) pairs come from a bounded cache. A leading tag (`roll20: 3d6>3`) overrides
    the dialect for this text. `resolve` adds names (macros: saved rolls) to the built-in
    functions; a text read with it is not cached, since what its names mean may change.

    Raise `ParseError` or `LimitError` (both `DiceError`) if the text is not acceptable, and
    `DiceError` naming the valid dialects for an unknown dialect name.
    """
    name = dialect if isinstance(dialect, str) else dialect.name
    if ":" in text:
        tagged, rest = split_dialect_tag(text)
        if tagged is not None:
            text, name = rest, tagged.name
    if resolve is not None:
        return Expression.from_text(text, get_dialect(name), resolve)
    return _parse(text, name)


@lru_cache(maxsize=PARSE_CACHE_SIZE)
def _parse(text: str, dialect: str) -> Expression:
    return Expression.from_text(text, get_dialect(dialect))


def roll(
    source: str | Expression,
    *,
    rng: random.Random | None = None,
    dialect: Dialect | str = "nazh",
    resolve: Resolver | None = None,
) -> RollResult | RollSet:
    """Roll an expression: a `RollSet` for a repetition (`6#4d6kh3`) or several rolls
    (`1d20; 2d6`), else a `RollResult`. Text is parsed in `dialect` (see `parse`); an
    `Expression` keeps the dialect it was parsed in; `resolve` names macros (see `parse`).

    Faces come from the OS CSPRNG unless `rng` is given, in which case each die is
    `rng.randint(1, sides)` in rolling order (a Fate die: `rng.randint(1, 3) - 2`).
    Raise `DiceError` for any unacceptable input or impossible evaluation.
    """
    expression = parse(source, dialect, resolve=resolve) if isinstance(source, str) else source
    return evaluate(expression, rng)
