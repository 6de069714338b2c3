"""A per-key sliding-window rate limiter with bounded memory."""

from __future__ import annotations

import collections
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("SlidingWindowLimiter",)


class SlidingWindowLimiter:
    """Allow at most ``limit`` events per ``window`` seconds for each key.

    Keys idle for a whole window are forgotten, and at most ``max_keys`` are tracked
    (the least recently active are dropped first), so memory stays bounded.
    """

    __slots__ = ("_clock", "_events", "limit", "max_keys", "window")

    def __init__(
        self,
        limit: int,
        window: float,
        *,
        max_keys: int = 50_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._clock = clock
        self._events: collections.OrderedDict[int, collections.deque[float]] = (
            collections.OrderedDict()
        )

    def hit(self, key: int) -> float:
        """Record an event for ``key``; return 0 if allowed, else the seconds until it would be."""
        now = self._clock()
        events = self._events.get(key)
        if events is None:
            self._evict(now)
            events = self._events[key] = collections.deque()
        else:
            self._events.move_to_end(key)
        horizon = now - self.window
        while events and events[0] <= horizon:
            events.popleft()
        if len(events) >= self.limit:
            return events[0] - horizon
        events.append(now)
        return 0.0

    def __len__(self) -> int:
        return len(self._events)

    def _evict(self, now: float) -> None:
        horizon = now - self.window
        while self._events:
            oldest_key, oldest = next(iter(self._events.items()))
            if len(self._events) >= self.max_keys or not oldest or oldest[-1] <= horizon:
                del self._events[oldest_key]
            else:
                break
