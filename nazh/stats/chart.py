"""A PNG bar chart of a distribution, drawn by matplotlib (Agg backend, imported on first use)."""

# matplotlib 3.11's stubs leave the ``**kwargs`` of its drawing methods untyped.
# pyright: reportUnknownMemberType=false

from __future__ import annotations

import io
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ("CHART_SIZE", "Bar", "render_chart")

CHART_SIZE = (800, 400)
"""Width and height of the chart in pixels."""

_DPI = 100
_BAR = "#5865f2"
_HIT = "#3ba55d"
_INK = "#2e3338"

Bar = tuple[int, int, float]
"""(lowest total, highest total, probability) of one bar."""


def render_chart(bars: Sequence[Bar], *, title: str, target: int | None = None) -> bytes:
    """A PNG of `bars` (probabilities as percentages); bars at or above `target` in green."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    width, height = CHART_SIZE
    figure = Figure(figsize=(width / _DPI, height / _DPI), dpi=_DPI, layout="constrained")
    FigureCanvasAgg(figure)
    axes = figure.add_subplot()
    lefts = [low - 0.5 for low, _, _ in bars]
    widths = [high - low + 1 for low, high, _ in bars]
    heights = [p * 100 for _, _, p in bars]
    colours = [_HIT if target is not None and low >= target else _BAR for low, _, _ in bars]
    edge = 0.8 if len(bars) <= 30 else 0.0
    axes.bar(
        lefts, heights, width=widths, align="edge", color=colours, edgecolor="white", linewidth=edge
    )
    axes.set_title(title, color=_INK, fontsize=13)
    axes.set_xlabel("Total", color=_INK)
    axes.set_ylabel("Chance", color=_INK)
    axes.yaxis.set_major_formatter(PercentFormatter(decimals=None))
    axes.xaxis.set_major_locator(MaxNLocator(nbins=12, integer=True))
    axes.set_xlim(bars[0][0] - 0.5, bars[-1][1] + 0.5)
    axes.grid(axis="y", alpha=0.3)
    axes.set_axisbelow(True)
    for side in ("top", "right"):
        axes.spines[side].set_visible(False)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()
