"""How many shards each member of a cluster should run, and which ones it offers up."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection, Sequence

__all__ = ("fair_share", "surplus")


def fair_share(shard_count: int, caps: Sequence[int | None], mine: int) -> int:
    """Shards the member at index `mine` of `caps` should run.

    `caps` holds each serving member's cap (None: uncapped). Shards are spread as evenly as the
    caps allow, rounding up, so members whose counts differ by one are all content and nothing
    moves; a capped member's leftover goes to the others.
    """
    order = sorted(range(len(caps)), key=lambda i: _ceiling(caps[i]))
    remaining = shard_count
    for position, index in enumerate(order):
        even = math.ceil(remaining / (len(order) - position))
        cap = caps[index]
        share = even if cap is None else min(cap, even)
        if index == mine:
            return share
        remaining = max(remaining - share, 0)
    raise IndexError(mine)


def surplus(held: Collection[int], share: int) -> tuple[int, ...]:
    """The shards to offer when holding `held` with a fair share of `share`: the highest ones."""
    extra = len(held) - share
    return tuple(sorted(held)[-extra:]) if extra > 0 else ()


def _ceiling(cap: int | None) -> float:
    return math.inf if cap is None else cap
