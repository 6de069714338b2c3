"""The builder message's text: the build in notation, its range and average, what's unavailable."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Iterable

    from nazh.builder.model import Build
    from nazh.builder.summary import Summary

__all__ = ("TITLE", "describe", "ended")

TITLE = "**Dice builder**"
_MAX_REASONS = 6


def _number(value: float) -> str:
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _lines(build: Build, summary: Summary | None) -> list[str]:
    if build.empty:
        return ["Pick a die below to start."]
    lines = [f"`{build.text.replace('`', 'ˋ')}`"]
    if summary is not None:
        average = "too costly to work out" if summary.mean is None else _number(summary.mean)
        lines.append(f"Range {summary.minimum:,} to {summary.maximum:,} · average {average}")
        if build.target is not None:
            chance = (
                "too costly to work out"
                if summary.chance is None
                else f"{_number(summary.chance * 100)}%"
            )
            lines.append(f"Chance of {build.target:,} or more: **{chance}**")
    term = build.term
    if term is not None:
        lines.append(f"Selected: **{term.notation}**")
    return lines


def describe(
    build: Build,
    summary: Summary | None,
    unavailable: Iterable[tuple[str, str]] = (),
    notice: str | None = None,
) -> str:
    """The live builder's text; ``unavailable`` pairs a control's name with why it's disabled,
    ``notice`` is a line about the last step."""
    lines = [TITLE, *_lines(build, summary)]
    if notice is not None:
        lines.append(f"-# {notice}")
    by_reason: dict[str, list[str]] = {}
    for name, reason in unavailable:
        by_reason.setdefault(reason, []).append(name)
    for reason, names in list(by_reason.items())[:_MAX_REASONS]:
        lines.append(f"-# {', '.join(names)}: {reason}")
    return "\n".join(lines)


def ended(build: Build, summary: Summary | None, why: str) -> str:
    """The text of a builder that no longer answers: why, and the last build."""
    return "\n".join([f"{TITLE} ({why})", *_lines(build, summary)])
