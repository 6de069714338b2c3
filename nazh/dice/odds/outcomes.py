"""Exact odds of a game system's outcomes: `outcome_odds("fitd(3)")` gives the chance of a
failure, a partial success, a success and a critical; `symbol_odds` the chances of net symbols
of narrative dice (`genesys(2g 1y 2p)`).
"""

from __future__ import annotations

from fractions import Fraction
from typing import TYPE_CHECKING

from nazh.dice.engine import parse
from nazh.dice.errors import DiceError
from nazh.dice.systems.core import refuse_odds
from nazh.dice.systems.narrative import NarrativeBound, at_least, force_odds, narrative_odds

if TYPE_CHECKING:
    from collections.abc import Callable, Mapping

    from nazh.dice.dialects import Dialect
    from nazh.dice.expression import Expression
    from nazh.dice.systems import SystemCall

    _Joint = Mapping[tuple[int, int, int, int], Fraction]

__all__ = ("check_outcome_odds", "has_symbols", "outcome_odds", "symbol_odds")

_SYMBOL_ROWS: tuple[tuple[str, Callable[[_Joint], Fraction]], ...] = (
    ("at least 1 net success", lambda joint: at_least(joint, successes=1)),
    ("at least 2 net successes", lambda joint: at_least(joint, successes=2)),
    ("at least 1 net advantage", lambda joint: at_least(joint, advantages=1)),
    ("at least 2 net advantages", lambda joint: at_least(joint, advantages=2)),
    ("at least 1 net threat", lambda joint: 1 - at_least(joint, advantages=0)),
    ("success with advantage", lambda joint: at_least(joint, successes=1, advantages=1)),
    ("at least 1 triumph", lambda joint: at_least(joint, triumphs=1)),
    ("at least 1 despair", lambda joint: at_least(joint, despairs=1)),
)
"""The rows of `symbol_odds` and how each is read off the joint odds of net symbols."""


def check_outcome_odds(source: str | Expression, dialect: Dialect | str = "nazh") -> SystemCall:
    """Parse `source` in `dialect` (an `Expression` keeps its own) and run the pre-flight
    checks of outcome odds only: the game system's call it must be, or `DiceError` (a plain
    roll, a repetition, several rolls), and `LimitError` if its odds are too costly. Cheap
    enough to run on the event loop before handing the work to a worker."""
    expression = parse(source, dialect) if isinstance(source, str) else source
    if expression.parts:
        raise DiceError(
            "outcome odds take one game system's roll at a time, not several separated by `;`"
        )
    call = expression.system
    if call is None:
        raise DiceError(
            f"`{expression.text}` is not a game system's roll: outcome odds are for rolls like"
            f" `fitd(3)`; for the chance of each total of a plain roll, use"
            f" `/odds {expression.text}`"
        )
    if expression.repeat > 1:
        raise DiceError(
            f"outcome odds take one roll, not {expression.repeat}: each roll of"
            f" `{expression.text}` has the odds of `{call.text}`"
        )
    refusal = call.system.odds_refusal(call.bound)
    if refusal is not None:
        refuse_odds(refusal)
    return call


def outcome_odds(source: str | Expression, dialect: Dialect | str = "nazh") -> dict[str, Fraction]:
    """The exact probability of every outcome of the game system's roll `source` (`fitd(3)`,
    a comment allowed), worst first and summing to 1, read in `dialect` (see
    `check_outcome_odds`; a leading tag in the text overrides it).

    Raise `ParseError`/`LimitError` like `parse`, `DiceError` for anything but one system
    call (a plain roll's totals are `distribution`'s), and `LimitError` if the odds would take
    too long to work out.
    """
    return check_outcome_odds(source, dialect).outcome_odds()


def has_symbols(call: SystemCall) -> bool:
    """Whether `call` rolls narrative dice, whose net symbols `symbol_odds` counts."""
    return isinstance(call.bound, NarrativeBound)


def symbol_odds(source: str | Expression, dialect: Dialect | str = "nazh") -> dict[str, Fraction]:
    """The exact chances of net symbols of a pool of narrative dice (`genesys(2g 1y 2p)`,
    `swrpg(2g 1w)`), each row by its label: at least 1 or 2 net successes, 1 or 2 net
    advantages, a net threat, a success with advantage, a triumph and a despair; with force
    dice, at least 1 light and 1 dark side point. Rows for dice the pool lacks are left out.

    Raise like `outcome_odds`, and `DiceError` for a system without narrative dice.
    """
    call = check_outcome_odds(source, dialect)
    bound = call.bound
    if not isinstance(bound, NarrativeBound):
        raise DiceError(f"`{call.text}` has no narrative dice: symbol odds are for `genesys()`")
    rows: dict[str, Fraction] = {}
    if not bound.force_only:
        joint = narrative_odds(bound)
        for label, chance in _SYMBOL_ROWS:
            rows[label] = chance(joint)
    if any(die.name == "force" for die, _ in bound.dice()):
        points = force_odds(bound)
        rows["at least 1 light side point"] = sum(
            (chance for (light, _), chance in points.items() if light), Fraction(0)
        )
        rows["at least 1 dark side point"] = sum(
            (chance for (_, dark), chance in points.items() if dark), Fraction(0)
        )
    return rows
