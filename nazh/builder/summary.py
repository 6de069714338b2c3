"""What the builder shows about a build besides its notation: range and average."""

from __future__ import annotations

import dataclasses
import math

from nazh.builder.model import Build, Term
from nazh.dice import FATE

__all__ = ("MAX_EXACT_WORK", "Summary", "summarize", "term_mean")

MAX_EXACT_WORK = 200_000
"""Sides times dice beyond which the average of a keep-highest/lowest term is not worked out."""


@dataclasses.dataclass(frozen=True, slots=True)
class Summary:
    """The range of a build's total and its average (None where it is not worked out)."""

    minimum: int
    maximum: int
    mean: float | None


def summarize(build: Build) -> Summary | None:
    """The build's range (from the engine's bounds) and average; None for an empty build."""
    expression = build.expression()
    if expression is None:
        return None
    means = [term_mean(term) for term in build.terms]
    mean = None if None in means else sum(m for m in means if m is not None) + build.modifier
    return Summary(expression.minimum, expression.maximum, mean)


def term_mean(term: Term) -> float | None:
    """The exact average of one term (exploding chains taken as unbounded), or None when a keep
    on exploding dice or a very large keep makes it costly."""
    if term.sides == FATE:
        return 0.0 if not term.keep else _kept_mean(term, -1, 1)
    if term.explode:
        if term.keep:
            return None
        return term.count * (term.sides + 1) / 2 * term.sides / (term.sides - 1)
    if not term.keep:
        return term.count * (term.sides + 1) / 2
    return _kept_mean(term, 1, term.sides)


def _kept_mean(term: Term, low: int, high: int) -> float | None:
    faces = high - low + 1
    if faces * term.count > MAX_EXACT_WORK:
        return None
    n = term.count
    if term.keep > 0:
        return _top_mean(n, term.keep, low, faces)
    return n * (low + high) / 2 - _top_mean(n, n + term.keep, low, faces)


def _top_mean(n: int, k: int, low: int, faces: int) -> float:
    """E[sum of the k highest of n uniform dice on low..low+faces-1]."""
    if k == 0:
        return 0.0
    total = k * low
    for step in range(1, faces):
        p = (faces - step) / faces
        q = 1 - p
        total += sum(min(j, k) * math.comb(n, j) * p**j * q ** (n - j) for j in range(1, n + 1))
    return total
