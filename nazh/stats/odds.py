"""Exact odds of an expression summed up for a reply, worked out in a worker process:
`compute_odds` for a roll's totals, `compute_outcome_odds` for a game system's outcomes."""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction
from typing import TYPE_CHECKING

from nazh.dice import DiceError, LimitError, parse
from nazh.dice.odds import check_outcome_odds, distribution, has_symbols, symbol_odds
from nazh.dice.systems.core import PLAIN
from nazh.stats.chart import render_chart, render_outcome_chart

if TYPE_CHECKING:
    from nazh.dice.odds import Distribution
    from nazh.stats.chart import Bar

__all__ = (
    "MAX_BARS",
    "PERCENTILES",
    "OddsError",
    "OddsReport",
    "OutcomeReport",
    "bars_of",
    "compute_odds",
    "compute_outcome_odds",
    "outcome_label",
    "warm_up",
)

MAX_BARS = 60
"""Wider distributions are drawn in bins of several totals."""
PERCENTILES = (10, 25, 50, 75, 90)
_TAIL = Fraction(1, 10**5)
"""Each tail this unlikely is left off the chart of a wide distribution."""
_TEXT_GROUPS = 8


class OddsError(Exception):
    """The odds cannot be worked out; ``str(error)`` says why. Pickles across processes."""

    def __init__(self, message: str, reason: str) -> None:
        super().__init__(message, reason)
        self.message = message
        self.reason = reason
        """``"limit"`` (too costly) or ``"invalid"``."""

    def __str__(self) -> str:
        return self.message


@dataclasses.dataclass(frozen=True, slots=True)
class OddsReport:
    """What `/odds` shows: summary statistics, a chart and its text equivalent."""

    expression: str
    repeat: int
    mean: float
    stdev: float
    low: int
    high: int
    outcomes: int
    """How many different totals are possible."""
    mode: tuple[int, float]
    """The most likely total and its probability."""
    percentiles: tuple[tuple[int, int], ...]
    """(percent, total) pairs: the smallest total reached or beaten by that share of rolls."""
    target: int | None
    at_least: Fraction | None
    """Exact P(total >= target)."""
    groups: tuple[Bar, ...]
    """A few wide bars summing up the shape, for the text fallback."""
    truncated: float
    refused: float
    chart: bytes | None
    """PNG bar chart, if asked for."""


@dataclasses.dataclass(frozen=True, slots=True)
class OutcomeReport:
    """What `/odds` shows of a game system's roll: the exact chance of each outcome and, for
    narrative dice, of net symbols, with a chart of the outcomes that can happen."""

    expression: str
    """The normalised call (`fitd(3)`)."""
    system: str
    """The system's title."""
    outcomes: tuple[tuple[str, Fraction], ...]
    """Every outcome of the system with its chance, worst first."""
    symbols: tuple[tuple[str, Fraction], ...]
    """Labelled chances of net symbols (see `symbol_odds`); empty without narrative dice."""
    chart: bytes | None
    """PNG bar chart of the `possible` outcomes, if asked for."""

    @property
    def possible(self) -> tuple[tuple[str, Fraction], ...]:
        """The outcomes that can happen, worst first. The others are left out: a system names
        the outcomes of every kind of call (Fate's whole ladder; a plain total, which a roll
        against a difficulty never has), many of which one call cannot have."""
        return tuple((name, chance) for name, chance in self.outcomes if chance)


def _shown_range(dist: Distribution) -> tuple[int, int]:
    if len(dist) <= MAX_BARS:
        return dist.min(), dist.max()
    return dist.percentile(_TAIL), dist.percentile(1 - _TAIL)


def bars_of(points: list[tuple[int, float]], low: int, high: int, max_bars: int) -> tuple[Bar, ...]:
    """Bars of equal width covering `low`..`high`: one per total when `max_bars` allow it."""
    shown = [(t, p) for t, p in points if low <= t <= high]
    if len(shown) <= max_bars and high - low + 1 <= max_bars:
        return tuple((t, t, p) for t, p in shown)
    width = math.ceil((high - low + 1) / max_bars)
    sums: dict[int, float] = {}
    for total, p in shown:
        start = low + (total - low) // width * width
        sums[start] = sums.get(start, 0.0) + p
    return tuple((start, min(start + width - 1, high), p) for start, p in sorted(sums.items()))


def compute_odds(
    text: str, target: int | None = None, dialect: str = "nazh", *, chart: bool = True
) -> OddsReport:
    """Work out the odds of `text` read in `dialect` (one result, for a repetition); raise
    `OddsError`."""
    try:
        dist = distribution(text, dialect)
    except LimitError as error:
        raise OddsError(str(error).partition("\n")[0], "limit") from None
    except DiceError as error:
        raise OddsError(str(error).partition("\n")[0], "invalid") from None
    points = dist.floats()
    low, high = _shown_range(dist)
    mode = max(points, key=lambda point: point[1])
    title = dist.text if dist.repeat == 1 else f"{dist.text} (each of {dist.repeat} results)"
    png = (
        render_chart(bars_of(points, low, high, MAX_BARS), title=title, target=target)
        if chart
        else None
    )
    return OddsReport(
        expression=dist.text,
        repeat=dist.repeat,
        mean=float(dist.mean()),
        stdev=dist.stdev(),
        low=dist.min(),
        high=dist.max(),
        outcomes=len(dist),
        mode=mode,
        percentiles=tuple((pct, dist.percentile(Fraction(pct, 100))) for pct in PERCENTILES),
        target=target,
        at_least=dist.at_least(target) if target is not None else None,
        groups=bars_of(points, low, high, _TEXT_GROUPS),
        truncated=float(dist.truncated),
        refused=float(dist.refused),
        chart=png,
    )


def outcome_label(name: str) -> str:
    """An outcome's name as shown: `other` for a roll whose total is all there is to say."""
    return "other" if name == PLAIN else name


def compute_outcome_odds(text: str, dialect: str = "nazh", *, chart: bool = True) -> OutcomeReport:
    """Work out the odds of the outcomes of the game system's roll `text` read in `dialect`;
    raise `OddsError` (a plain roll is `compute_odds`'s)."""
    try:
        expression = parse(text, dialect)
        call = check_outcome_odds(expression)
        outcomes = call.outcome_odds()
        symbols = symbol_odds(expression) if has_symbols(call) else {}
    except LimitError as error:
        raise OddsError(str(error).partition("\n")[0], "limit") from None
    except DiceError as error:
        raise OddsError(str(error).partition("\n")[0], "invalid") from None
    report = OutcomeReport(
        expression=call.text,
        system=call.system.title,
        outcomes=tuple(outcomes.items()),
        symbols=tuple(symbols.items()),
        chart=None,
    )
    if not chart:
        return report
    bars = [(outcome_label(name), float(chance)) for name, chance in report.possible]
    return dataclasses.replace(report, chart=render_outcome_chart(bars, title=call.text))


def warm_up() -> None:
    """Import the odds engine and matplotlib, so a worker's first job runs at full speed."""
    render_chart([(1, 1, 1.0)], title="warm-up")
    render_outcome_chart([("warm-up", 1.0)], title="warm-up")
