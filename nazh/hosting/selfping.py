"""Self-ping: request the bot's own public URL now and then, so an idling host sees traffic.

Render spins a free web service down after 15 minutes without inbound traffic, and a request
to localhost does not count: the ping goes out through the public URL and comes back in.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime
import logging
import random
import time
from typing import TYPE_CHECKING

import aiohttp

from nazh import __version__

if TYPE_CHECKING:
    from nazh.config import Settings
    from nazh.metrics import Metrics

__all__ = ("JITTER", "RETRY_AFTER_FAILURE", "TIMEOUT", "SelfPinger")

_LOGGER = logging.getLogger("nazh.selfping")

JITTER = 0.1
"""Each wait is the interval shortened by up to this fraction, so processes do not ping in step."""
RETRY_AFTER_FAILURE = 60.0
"""Seconds before the next try after a failed ping (or the interval, when that is shorter)."""
TIMEOUT = 30.0
"""Seconds one ping may take."""


class SelfPinger:
    """Requests ``<public URL>/`` every interval until stopped, counting each outcome.

    A failed ping logs one WARNING for the whole run of failures, and one INFO when a ping
    works again; every ping logs a DEBUG line.
    """

    __slots__ = (
        "_failed_since",
        "_last_success",
        "_last_success_at",
        "_metrics",
        "_rng",
        "_session",
        "_task",
        "failures",
        "interval",
        "target",
    )

    def __init__(
        self,
        public_url: str,
        interval: float,
        *,
        metrics: Metrics,
        rng: random.Random | None = None,
    ) -> None:
        self.target = public_url.rstrip("/") + "/"
        self.interval = interval
        self.failures = 0
        """Failed pings since the last one that worked."""
        self._metrics = metrics
        self._rng = rng or random.Random()
        self._session: aiohttp.ClientSession | None = None
        self._task: asyncio.Task[None] | None = None
        self._last_success: float | None = None
        self._last_success_at: float | None = None
        self._failed_since: float | None = None
        for outcome in ("ok", "error"):
            metrics.self_pings.labels(outcome)

    @classmethod
    def from_settings(cls, settings: Settings, metrics: Metrics) -> SelfPinger | None:
        """The pinger ``settings`` ask for, or None when no public URL is known."""
        if not settings.public_url:
            return None
        return cls(settings.public_url, settings.self_ping_interval, metrics=metrics)

    @property
    def running(self) -> bool:
        """Whether pings are being sent."""
        return self._task is not None and not self._task.done()

    async def start(self) -> None:
        """Start pinging; the first ping goes out after one interval."""
        if self._task is not None:
            return
        self._session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=TIMEOUT),
            headers={"User-Agent": f"Nazh/{__version__} self-ping"},
        )
        self._task = asyncio.create_task(self._run(), name="nazh self-ping")

    async def stop(self) -> None:
        """Stop pinging: cancel the loop, wait for it, and close the HTTP session."""
        task, self._task = self._task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        session, self._session = self._session, None
        if session is not None:
            await session.close()

    def status(self) -> dict[str, object]:
        """The self-ping part of ``/healthz``: target, interval and the last successful ping."""
        age = None
        if self._last_success is not None:
            age = round(time.monotonic() - self._last_success, 1)
        at = None
        if self._last_success_at is not None:
            moment = datetime.datetime.fromtimestamp(self._last_success_at, datetime.UTC)
            at = moment.isoformat(timespec="seconds")
        return {
            "url": self.target,
            "interval_seconds": self.interval,
            "last_success": at,
            "last_success_age_seconds": age,
            "consecutive_failures": self.failures,
        }

    async def ping(self) -> bool:
        """Send one ping now; whether it was answered without an error status."""
        session = self._session
        if session is None:
            raise RuntimeError("start() the pinger first")
        started = time.monotonic()
        try:
            async with session.get(self.target) as response:
                await response.read()
                status = response.status
        except (aiohttp.ClientError, TimeoutError, OSError) as error:
            self._failed(_describe(error))
            return False
        if status >= 400:
            self._failed(f"HTTP {status}")
            return False
        self._succeeded(status, time.monotonic() - started)
        return True

    def next_wait(self, worked: bool) -> float:
        """Seconds before the next ping: the interval, shortened (never lengthened) by up to JITTER.

        After a failed ping the base is at most RETRY_AFTER_FAILURE seconds.
        """
        base = self.interval if worked else min(self.interval, RETRY_AFTER_FAILURE)
        return base * (1 - self._rng.uniform(0, JITTER))

    async def _run(self) -> None:
        worked = True
        while True:
            await asyncio.sleep(self.next_wait(worked))
            worked = await self.ping()

    def _succeeded(self, status: int, elapsed: float) -> None:
        self._metrics.self_pings.labels("ok").inc()
        self._last_success = time.monotonic()
        self._last_success_at = time.time()
        self._metrics.self_ping_last_success.set(self._last_success_at)
        _LOGGER.debug("self-ping %s: HTTP %d in %.0f ms", self.target, status, elapsed * 1000)
        if self.failures:
            down = time.monotonic() - (self._failed_since or self._last_success)
            _LOGGER.info(
                "self-ping of %s works again after %d failed %s over %.0f s",
                self.target,
                self.failures,
                "try" if self.failures == 1 else "tries",
                down,
            )
        self.failures = 0
        self._failed_since = None

    def _failed(self, reason: str) -> None:
        self._metrics.self_pings.labels("error").inc()
        self.failures += 1
        _LOGGER.debug("self-ping %s failed: %s", self.target, reason)
        if self.failures == 1:
            self._failed_since = time.monotonic()
            _LOGGER.warning(
                "self-ping of %s failed (%s): the host may idle the bot while pings fail; "
                "retrying every %g s, and saying so once it works again",
                self.target,
                reason,
                min(self.interval, RETRY_AFTER_FAILURE),
            )


def _describe(error: BaseException) -> str:
    if isinstance(error, TimeoutError):
        return f"no answer within {TIMEOUT:g} s"
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0]}" if text else type(error).__name__
