"""Per-bucket rate limiting with Discord's X-RateLimit-* headers, and injected faults."""

from __future__ import annotations

import dataclasses
import fnmatch
import hashlib
import math
import time

__all__ = ("Fault", "RateLimiter")


@dataclasses.dataclass(slots=True)
class Fault:
    """Answer the next `count` requests matching method and route pattern with `status`.

    after: carry the request out first (its effects stay: a message is created, an interaction
    acknowledged), then answer `status` instead of the success, as Discord does when it fails
    after acting. Requests that fail on their own keep their answer and do not use up the fault.
    """

    method: str
    pattern: str
    status: int
    retry_after: float
    count: int
    after: bool = False

    def matches(self, method: str, path: str, template: str | None) -> bool:
        """Whether a request (path below /api/v10) falls under this fault."""
        if self.count <= 0 or self.method not in ("*", method):
            return False
        return self.pattern == template or fnmatch.fnmatchcase(path, self.pattern)


class RateLimiter:
    """Fixed-window buckets keyed by route template and major parameter."""

    __slots__ = ("_windows", "limit", "window")

    def __init__(self, limit: int, window: float) -> None:
        self.limit = limit
        self.window = window
        self._windows: dict[tuple[str, str], list[float]] = {}

    def hit(self, template: str, major: str) -> tuple[dict[str, str], float | None]:
        """Count one request; return its headers and, when over the limit, the retry delay."""
        now = time.time()
        window = self._windows.get((template, major))
        if window is None or now >= window[0]:
            window = self._windows[(template, major)] = [now + self.window, float(self.limit)]
        window[1] -= 1
        reset_after = max(window[0] - now, 0.0)
        headers = {
            "X-RateLimit-Limit": str(self.limit),
            "X-RateLimit-Remaining": str(max(int(window[1]), 0)),
            "X-RateLimit-Reset": f"{window[0]:.3f}",
            "X-RateLimit-Reset-After": f"{reset_after:.3f}",
            "X-RateLimit-Bucket": hashlib.sha1(template.encode()).hexdigest()[:16],
        }
        if window[1] >= 0:
            return headers, None
        headers["Retry-After"] = str(math.ceil(reset_after))
        headers["X-RateLimit-Scope"] = "user"
        return headers, reset_after
