"""`OffloadPool`: CPU-heavy jobs in worker processes, with a time limit, off the event loop."""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from typing import TYPE_CHECKING, TypeVar

import pebble

if TYPE_CHECKING:
    from collections.abc import Callable

__all__ = ("JobTimeoutError", "OffloadPool", "PoolBusyError")

_T = TypeVar("_T")


class JobTimeoutError(Exception):
    """A job ran past its time limit; its worker process was killed."""


class PoolBusyError(Exception):
    """Too many jobs are already waiting for a worker."""


class OffloadPool:
    """A small pool of worker processes (started on first use) for jobs that would block the loop.

    Processes rather than threads: a job holding the GIL in one long big-integer operation would
    stall the event loop from a thread, and only a process can be stopped at its time limit.
    Workers are spawned (never forked from the running bot) and replaced after a timeout.
    """

    __slots__ = ("_initializer", "_max_pending", "_pending", "_pool", "_workers")

    def __init__(
        self,
        workers: int | None = None,
        *,
        max_pending: int = 16,
        initializer: Callable[[], object] | None = None,
    ) -> None:
        self._workers = workers or min(2, os.cpu_count() or 1)
        self._max_pending = max_pending
        self._initializer = initializer
        self._pending = 0
        self._pool: pebble.ProcessPool | None = None

    @property
    def started(self) -> bool:
        """Whether worker processes have been started."""
        return self._pool is not None

    @property
    def pending(self) -> int:
        """Jobs submitted and not finished."""
        return self._pending

    async def run(self, function: Callable[..., _T], *args: object, time_limit: float) -> _T:
        """``function(*args)`` in a worker process, killed after `time_limit` seconds of running.

        `function` and its arguments and result must pickle. Raises `JobTimeoutError`,
        `PoolBusyError` when `max_pending` jobs are already queued, or what the job raised.
        """
        if self._pending >= self._max_pending:
            raise PoolBusyError(f"{self._pending} jobs are already waiting")
        if self._pool is None:
            self._pool = pebble.ProcessPool(
                max_workers=self._workers,
                initializer=self._initializer,
                context=multiprocessing.get_context("spawn"),
            )
        future = self._pool.schedule(function, args=args, timeout=time_limit)
        self._pending += 1
        try:
            return await asyncio.wrap_future(future)
        except TimeoutError:
            raise JobTimeoutError(f"the job ran for more than {time_limit:g} s") from None
        finally:
            self._pending -= 1
            future.cancel()

    async def close(self) -> None:
        """Stop the workers, abandoning running jobs."""
        pool, self._pool = self._pool, None
        if pool is not None:
            pool.stop()
            await asyncio.to_thread(pool.join)
