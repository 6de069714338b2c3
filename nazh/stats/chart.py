"""PNG bar charts, drawn by matplotlib (Agg backend, imported on first use): a distribution of
totals, or the chance of each outcome of a game system's roll."""

# matplotlib 3.11's stubs leave the ``**kwargs`` of its drawing methods untyped.
# pyright: reportUnknownMemberType=false

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ("CHART_SIZE", "Bar", "render_chart", "render_outcome_chart")

CHART_SIZE = (800, 400)
"""Width and height of the chart in pixels."""

_DPI = 100
_BAR = "#5865f2"
_HIT = "#3ba55d"
_INK = "#2e3338"
_LEVEL_LABELS = 6
"""Outcome names are written level below the bars up to this many bars, slanted beyond."""

Bar = tuple[int, int, float]
"""(lowest total, highest total, probability) of one bar."""


def render_chart(bars: Sequence[Bar], *, title: str, target: int | None = None) -> bytes:
    """A PNG of `bars` (probabilities as percentages); bars at or above `target` in green."""
    from matplotlib.ticker import MaxNLocator

    figure, axes = _figure(title)
    lefts = [low - 0.5 for low, _, _ in bars]
    widths = [high - low + 1 for low, high, _ in bars]
    heights = [p * 100 for _, _, p in bars]
    colours = [_HIT if target is not None and low >= target else _BAR for low, _, _ in bars]
    edge = 0.8 if len(bars) <= 30 else 0.0
    axes.bar(
        lefts, heights, width=widths, align="edge", color=colours, edgecolor="white", linewidth=edge
    )
    axes.set_xlabel("Total", color=_INK)
    axes.xaxis.set_major_locator(MaxNLocator(nbins=12, integer=True))
    axes.set_xlim(bars[0][0] - 0.5, bars[-1][1] + 0.5)
    return _png(figure)


def render_outcome_chart(outcomes: Sequence[tuple[str, float]], *, title: str) -> bytes:
    """A PNG of one bar per outcome, named below it and labelled with its percentage, in the
    order given (worst first)."""
    figure, axes = _figure(title)
    names = [name for name, _ in outcomes]
    heights = [p * 100 for _, p in outcomes]
    positions = list(range(len(outcomes)))
    bars = axes.bar(positions, heights, width=0.7, color=_BAR)
    axes.bar_label(bars, labels=[_percent(p) for p in heights], color=_INK, padding=2)
    axes.set_xticks(positions, names)
    if len(outcomes) > _LEVEL_LABELS:
        axes.tick_params(axis="x", labelrotation=30)
    axes.set_xlabel("Outcome", color=_INK)
    axes.set_ylim(0, max(heights, default=0) * 1.12 or 1)
    return _png(figure)


def _percent(percent: float) -> str:
    if percent == 0:
        return "0 %"
    return f"{percent:.1f} %" if percent >= 0.1 else f"{percent:.2g} %"


def _figure(title: str) -> tuple[Figure, Axes]:
    """An empty chart with its title, percentage axis, grid and frame."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import PercentFormatter

    width, height = CHART_SIZE
    figure = Figure(figsize=(width / _DPI, height / _DPI), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    axes.set_title(title, color=_INK, fontsize=13)
    axes.set_ylabel("Chance", color=_INK)
    axes.yaxis.set_major_formatter(PercentFormatter(decimals=None))
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    return figure, axes


def _png(figure: Figure) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
