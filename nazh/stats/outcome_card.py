"""The embed of `/odds` for a game system's roll: the exact chance of each outcome, and of net
symbols for narrative dice."""

from __future__ import annotations

from itertools import accumulate
from typing import TYPE_CHECKING

import hikari

from nazh.stats.cards import COLOUR, format_chance
from nazh.stats.odds import outcome_label

if TYPE_CHECKING:
    from collections.abc import Sequence
    from fractions import Fraction

    from nazh.stats.odds import OutcomeReport

__all__ = ("MAX_OUTCOME_FIELDS", "TARGET_NOTE", "chance_text", "outcome_card")

MAX_OUTCOME_FIELDS = 18
"""Outcomes past this many share one field, leaving room for the other fields (25 at most)."""
TARGET_NOTE = "A target does not apply to a game system's roll: here is the chance of each outcome."
_FIELD = 1024
_EXACT_DENOMINATOR = 10_000
"""Chances are also shown as a fraction up to this denominator (`45.37 % (49/108)`)."""


def chance_text(p: Fraction) -> str:
    """A chance as a percentage, with the exact fraction when it is short: `45.37 % (49/108)`."""
    text = format_chance(p)
    if 0 < p < 1 and p.denominator <= _EXACT_DENOMINATOR:
        text += f" ({p.numerator}/{p.denominator})"
    return text


def _within(lines: Sequence[str]) -> str:
    """`lines` one per line, cut with a note of how many were left out past a field's limit."""
    text = ""
    for index, line in enumerate(lines):
        note = f"\n… and {len(lines) - index - 1} more" if index < len(lines) - 1 else ""
        candidate = f"{text}\n{line}" if text else line
        if len(candidate) + len(note) > _FIELD:
            return f"{text}\n… and {len(lines) - index} more" if text else line[:_FIELD]
        text = candidate
    return text


def outcome_card(
    report: OutcomeReport, *, chart: hikari.Resourceish | None, target: int | None = None
) -> hikari.Embed:
    """`/odds` of a game system's roll: each outcome that can happen worst first, with its
    chance and that of it or better; the net symbols of narrative dice; and the chart. A
    `target` is answered with a note that it does not apply."""
    embed = hikari.Embed(title=f"Odds of {report.expression}"[:256], colour=COLOUR)
    embed.description = report.system if target is None else f"{report.system}\n{TARGET_NOTE}"
    possible = report.possible
    better = list(accumulate(chance for _, chance in reversed(possible)))[::-1]
    for index, ((name, chance), or_better) in enumerate(zip(possible, better, strict=True)):
        if index == MAX_OUTCOME_FIELDS:
            lines = [f"**{outcome_label(n)}**: {chance_text(p)}" for n, p in possible[index:]]
            embed.add_field("More outcomes", _within(lines))
            break
        value = chance_text(chance)
        if or_better not in (chance, 1):
            value += f"\n{format_chance(or_better)} or better"
        embed.add_field(outcome_label(name), value, inline=True)
    if report.symbols:
        embed.add_field(
            "Net symbols",
            _within([f"{label}: {format_chance(chance)}" for label, chance in report.symbols]),
        )
    if chart is not None:
        embed.set_image(chart)
    return embed
