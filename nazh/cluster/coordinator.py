"""One cluster member: claims its fair share of shards, renews their leases, hands them over.

The lease rules (see `nazh.storage.leases`) keep a shard on one process at a time:

- A member renews its leases every `Timing.tick`; a lease lasts `Timing.ttl`.
- A dead member's leases are claimed by the others (each up to its fair share): once its
  liveness lock is free and it has been silent for `Timing.silence` (a killed process), or once
  they expire (a machine gone without closing its connections).
- A member that cannot reach the database keeps its shards running: when the whole database is
  away (the usual outage) nobody can claim them, and the bot stays up. When it answers again,
  the member renews what nobody claimed, even if expired, and stops at once what another member
  claimed meanwhile (that one only happens when this member alone lost the database, and is
  logged: until then both ran the shard). For a `ttl` after an outage it claims nothing, so
  that members which have not renewed yet are not taken for dead.
- A shard moves between live members without a gap: its owner offers it, a taker reserves an
  identify slot and asks for it at that time, the owner closes it then and gives it over, and
  the taker connects at once. A stopping member offers everything this way (`hand_over`).
- Every IDENTIFY waits for a slot of its bucket (``shard_id % max_concurrency``), reserved in
  the database, so the whole cluster keeps Discord's limit of one per bucket per 5 seconds.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from typing import TYPE_CHECKING, Protocol

from sqlalchemy.exc import SQLAlchemyError

from nazh.cluster.policy import fair_share, surplus
from nazh.errors import first_line

if TYPE_CHECKING:
    from collections.abc import Coroutine

    from nazh.storage.leases import (
        ClusterView,
        MemberInfo,
        MemberLock,
        OwnLease,
        Renewal,
        ShardLeases,
    )

__all__ = ("ShardControl", "ShardCoordinator", "Timing")

_LOGGER = logging.getLogger("nazh.cluster")
_LATE = 0.4
"""Seconds after its identify slot past which a shard waits for a fresh slot instead."""
_STOP_WAIT = 2.0
"""Seconds a stopping member waits for its bookkeeping to pause before cancelling it."""


class ShardControl(Protocol):
    """Starts and stops this process's gateway shards."""

    async def start(self, shard_id: int) -> None:
        """Connect and IDENTIFY `shard_id`; returns once it is ready, raises if it fails."""
        ...

    async def stop(self, shard_id: int) -> None:
        """Close `shard_id` if it runs here."""
        ...

    def connected(self, shard_id: int) -> bool:
        """Whether `shard_id` runs here and is connected."""
        ...


@dataclasses.dataclass(frozen=True, slots=True)
class Timing:
    """The cluster's clocks, in seconds."""

    ttl: float = 10.0
    """How long a lease lasts without renewal: a killed member's shards move after this."""
    tick: float = 1.0
    """How often a member renews and looks for work."""
    silence: float = 3.0
    """Seconds without renewal after which a member whose liveness lock is free is dead."""
    identify_window: float = 5.5
    """Seconds between IDENTIFYs of one bucket: Discord's 5, plus room for network jitter."""
    transfer_wait: float = 5.0
    """How long a taker waits past its slot for the owner to give the shard over."""
    retry_after_failure: float = 30.0
    """How long a member claims nothing after a shard failed to start here."""


class ShardCoordinator:
    """Runs this process's part of the cluster until `hand_over`."""

    __slots__ = (
        "_changed",
        "_control",
        "_draining",
        "_giving",
        "_held",
        "_introduced",
        "_last_view",
        "_leases",
        "_lock",
        "_loop",
        "_max_concurrency",
        "_member",
        "_offered",
        "_peers",
        "_quiet_until",
        "_settled",
        "_starting",
        "_stopping",
        "_taking",
        "_tasks",
        "_timing",
        "_unreachable",
        "_wake",
    )

    def __init__(
        self,
        leases: ShardLeases,
        control: ShardControl,
        member: MemberInfo,
        *,
        lock: MemberLock,
        max_concurrency: int,
        timing: Timing | None = None,
    ) -> None:
        """`lock` is `member`'s liveness lock (`ShardLeases.member_lock`), taken by `start`."""
        self._leases = leases
        self._lock = lock
        self._control = control
        self._member = member
        self._max_concurrency = max(max_concurrency, 1)
        self._timing = timing or Timing()
        self._held: set[int] = set()
        self._starting: dict[int, asyncio.Task[None]] = {}
        self._giving: set[int] = set()
        self._taking: set[int] = set()
        self._offered: tuple[int, ...] = ()
        self._last_view: ClusterView | None = None
        self._peers = 0
        self._tasks: set[asyncio.Task[None]] = set()
        self._loop: asyncio.Task[None] | None = None
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._changed = asyncio.Event()
        self._draining = False
        self._introduced = False
        self._settled = False
        self._unreachable: float | None = None
        self._quiet_until = 0.0

    @property
    def member_id(self) -> str:
        """This member's id in the cluster tables."""
        return self._member.member_id

    @property
    def shard_count(self) -> int:
        """Shards in the whole cluster."""
        return self._member.shard_count

    @property
    def held(self) -> frozenset[int]:
        """Shards this member holds leases on (running, starting or about to be given)."""
        return frozenset(self._held)

    @property
    def last_view(self) -> ClusterView | None:
        """The cluster as the last tick saw it (None before the first), for metrics."""
        return self._last_view

    def not_ready(self) -> str | None:
        """None when every shard this member holds is connected, else why not."""
        if not self._settled:
            return "cluster: joining"
        down = sorted(i for i in self._held if not self._control.connected(i))
        if down:
            return f"cluster: shard {', '.join(map(str, down))} not connected yet"
        return None

    async def start(self) -> None:
        """Join the cluster and start claiming shards in the background."""
        if not await self._lock.hold():
            raise RuntimeError("could not take this process's liveness lock in the database")
        await self._leases.join(self._member)
        self._loop = asyncio.create_task(self._run(), name="nazh cluster")

    async def view(self) -> ClusterView:
        """The cluster as the database sees it now."""
        return await self._leases.view(self.shard_count, self._timing.ttl)

    async def identified(self, shard_id: int) -> None:
        """Record that `shard_id` identified just now (call it on every READY): the next slot of
        its bucket keeps its distance also from an IDENTIFY the gateway library sent on its own,
        such as a retry after a refusal or a new session after a failed RESUME."""
        with contextlib.suppress(OSError, TimeoutError, SQLAlchemyError):
            await self._leases.note_identify(
                shard_id % self._max_concurrency, self._timing.identify_window
            )

    async def hand_over(self, within: float) -> None:
        """Give every shard to the other members, one identify slot at a time, for at most
        `within` seconds (none when no other member serves); then close what is left, release
        it and leave the cluster."""
        self._draining = True
        self._wake.set()
        deadline = time.monotonic() + within
        while (self._held or self._giving) and self._peers and self._unreachable is None:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), left)
        # Let the loop and tasks reach a pause rather than cancel them inside a database call,
        # which would leave the connection to be reset (seconds) instead of returned.
        self._stopping.set()
        self._wake.set()
        running = {task for task in (self._loop, *self._tasks) if task is not None}
        if running:
            _, stuck = await asyncio.wait(running, timeout=_STOP_WAIT)
            for task in stuck:
                task.cancel()
            if stuck:
                await asyncio.wait(stuck)
        left = sorted(self._held)
        for shard_id in left:
            await self._control.stop(shard_id)
        self._held.clear()
        try:
            await asyncio.wait_for(self._leases.leave(self.member_id, self.shard_count), 2.0)
        except Exception as error:
            await self._lock.release()
            _LOGGER.warning(
                "could not leave the cluster (%s): shard(s) %s move once their leases expire",
                first_line(error),
                ", ".join(map(str, left)) or "none",
            )
            return
        await self._lock.release()
        if left:
            _LOGGER.info(
                "released shard(s) %s for the other processes at once", ", ".join(map(str, left))
            )

    async def _pause(self, seconds: float) -> bool:
        """Sleep up to `seconds`; True when the member is stopping (it then returns at once)."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), max(seconds, 0.0))
        return self._stopping.is_set()

    async def _run(self) -> None:
        while not self._stopping.is_set():
            try:
                await self._tick()
            except (OSError, TimeoutError, SQLAlchemyError) as error:
                self._database_away(error)
            except Exception:
                _LOGGER.exception("cluster bookkeeping failed; trying again")
            self._changed.set()
            self._wake.clear()
            tick = self._timing.tick / 4 if self._draining else self._timing.tick
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._wake.wait(), tick)

    async def _tick(self) -> None:
        # Taken again after the database was away (the lost connection freed it).
        await self._lock.hold()
        if self._introduced and time.monotonic() >= self._quiet_until:
            await self._reap()
        renewal = await self._leases.renew(
            self.member_id, self.shard_count, self._timing.ttl, draining=self._draining
        )
        if self._unreachable is not None:
            _LOGGER.info(
                "shard leases renewed again after %.0f s", time.monotonic() - self._unreachable
            )
            self._unreachable = None
            self._quiet_until = time.monotonic() + self._timing.ttl
        if not any(m.member_id == self.member_id for m in renewal.members):
            # Forgotten after a long outage (or reaped while slow): introduce itself again.
            await self._leases.join(self._member)
        await self._follow(renewal)
        self._last_view = await self.view()
        if not self._introduced:
            # One tick between joining and claiming, so members that start together see each
            # other and claim their share instead of everything.
            self._introduced = True
            return
        share = self._share(renewal)
        held = sorted(self._held - self._giving)
        offer = surplus(held, share)
        if offer != self._offered:
            await self._leases.offer(self.member_id, self.shard_count, offer)
            self._offered = offer
        want = share - len(held)
        if want <= 0 or self._draining or time.monotonic() < self._quiet_until:
            self._settled = True
            return
        claimed = await self._leases.claim(
            self.member_id, self.shard_count, min(want, self._max_concurrency), self._timing.ttl
        )
        for shard_id in claimed:
            self._held.add(shard_id)
            self._start_later(shard_id)
        self._settled = True
        # Take offered shards over, as many at once as there are identify buckets.
        missing = want - len(claimed) - len(self._taking)
        for _ in range(min(missing, self._max_concurrency - len(self._taking))):
            taken = await self._leases.ask(self.member_id, self.shard_count)
            if taken is None:
                break
            self._taking.add(taken)
            self._spawn(self._take(taken))

    async def _reap(self) -> None:
        reaped = await self._leases.reap(
            self.member_id, self.shard_count, self._timing.ttl, silent=self._timing.silence
        )
        for dead in reaped:
            _LOGGER.info(
                "the process on %s (pid %d) stopped renewing and its liveness lock is free: "
                "its shard(s) %s are free to claim now",
                dead.host,
                dead.pid,
                ", ".join(map(str, dead.shards)) or "none",
            )

    def _database_away(self, error: Exception) -> None:
        if self._unreachable is not None:
            return
        self._unreachable = time.monotonic()
        _LOGGER.warning(
            "cannot renew shard leases (%s): keeping shard(s) %s running until the database "
            "answers; if only this process lost it, another may claim them after %.0f s and "
            "they run twice until then",
            first_line(error),
            ", ".join(map(str, sorted(self._held))) or "none",
            self._timing.ttl,
        )

    async def _follow(self, renewal: Renewal) -> None:
        owned = {lease.shard_id: lease for lease in renewal.leases}
        lost = sorted(self._held - owned.keys() - self._giving)
        if lost:
            _LOGGER.warning(
                "shard lease(s) %s expired while the database was away and were claimed by "
                "another process; stopping them here",
                ", ".join(map(str, lost)),
            )
            await self._drop(lost)
        for lease in owned.values():
            if lease.shard_id not in self._held and lease.shard_id not in self._taking:
                # A lease claimed in a tick whose answer was lost: it is ours, so run it.
                self._held.add(lease.shard_id)
                self._start_later(lease.shard_id)
            if lease.taker is not None and lease.handover_in is not None:
                self._give_later(lease)

    def _share(self, renewal: Renewal) -> int:
        # Every member orders the serving members alike (oldest first), so their shares add up.
        serving = [m for m in renewal.members if not m.draining or m.member_id == self.member_id]
        ids = [m.member_id for m in serving]
        if self.member_id not in ids:
            ids.append(self.member_id)
        self._peers = len(ids) - 1
        if self._draining:
            return 0
        caps = [m.shards_max for m in serving if m.member_id != self.member_id]
        caps.insert(ids.index(self.member_id), self._member.shards_max)
        return fair_share(self.shard_count, caps, ids.index(self.member_id))

    async def _drop(self, shard_ids: list[int]) -> None:
        for shard_id in shard_ids:
            self._held.discard(shard_id)
            starting = self._starting.pop(shard_id, None)
            if starting is not None:
                starting.cancel()
            await self._control.stop(shard_id)

    def _spawn(self, coroutine: Coroutine[object, object, None]) -> asyncio.Task[None]:
        task = asyncio.create_task(coroutine)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        return task

    def _start_later(self, shard_id: int, slot: float | None = None) -> None:
        if shard_id in self._starting or self._control.connected(shard_id):
            return
        self._starting[shard_id] = self._spawn(self._start(shard_id, slot))

    async def _start(self, shard_id: int, slot: float | None) -> None:
        bucket = shard_id % self._max_concurrency
        try:
            if slot is None or time.monotonic() - slot > _LATE:
                # No slot yet, or the owner gave the shard over too late for the one reserved:
                # identifying now could come too close to the next slot of the bucket.
                wait = await self._leases.reserve_identify(bucket, self._timing.identify_window)
                slot = time.monotonic() + wait
            if await self._pause(slot - time.monotonic()):
                return
            if shard_id not in self._held or shard_id in self._giving:
                return
            await self._control.start(shard_id)
            _LOGGER.info("shard %d started here", shard_id)
        except asyncio.CancelledError:
            raise
        except Exception as error:
            _LOGGER.error("shard %d could not start here: %s", shard_id, first_line(error))
            # Claim nothing for a while: another member may have better luck with it.
            self._quiet_until = time.monotonic() + self._timing.retry_after_failure
            await self._control.stop(shard_id)
            self._held.discard(shard_id)
            with contextlib.suppress(Exception):
                await self._leases.release(self.member_id, self.shard_count, [shard_id])
        finally:
            if self._starting.get(shard_id) is asyncio.current_task():
                del self._starting[shard_id]

    def _give_later(self, lease: OwnLease) -> None:
        if lease.shard_id in self._giving:
            return
        self._giving.add(lease.shard_id)
        self._spawn(self._give(lease.shard_id, lease.handover_in or 0.0))

    async def _give(self, shard_id: int, delay: float) -> None:
        try:
            if await self._pause(delay):
                return
            starting = self._starting.pop(shard_id, None)
            if starting is not None:
                starting.cancel()
            await self._control.stop(shard_id)
            given = await self._leases.give(
                self.member_id, self.shard_count, shard_id, self._timing.ttl
            )
            if given:
                self._held.discard(shard_id)
                _LOGGER.info("shard %d handed over", shard_id)
            else:
                self._start_later(shard_id)
        finally:
            self._giving.discard(shard_id)
            self._changed.set()

    async def _take(self, shard_id: int) -> None:
        try:
            # A slot at least a tick ahead, so the owner (which hears of the request at its next
            # renewal) closes the shard at the slot and not after it.
            wait = await self._leases.reserve_identify(
                shard_id % self._max_concurrency,
                self._timing.identify_window,
                lead=self._timing.tick + _LATE,
            )
            slot = time.monotonic() + wait
            if not await self._leases.schedule(self.member_id, self.shard_count, shard_id, wait):
                return
            deadline = slot + self._timing.transfer_wait
            while time.monotonic() < deadline:
                if await self._leases.owner(self.shard_count, shard_id) == self.member_id:
                    self._held.add(shard_id)
                    self._start_later(shard_id, slot)
                    return
                if await self._pause(0.05):
                    break
            await self._leases.withdraw(self.member_id, self.shard_count, shard_id)
        except Exception as error:
            _LOGGER.warning("could not take shard %d over: %s", shard_id, first_line(error))
        finally:
            self._taking.discard(shard_id)
            self._wake.set()
