"""Cluster members against real PostgreSQL leases, with stand-in shards that record who ran
what and when: shares, fencing, takeover, handover and identify slots."""

from __future__ import annotations

import asyncio
import dataclasses
import itertools
import time
from typing import TYPE_CHECKING, Any

import pytest

from nazh.cluster import ShardCoordinator, Timing
from nazh.storage.leases import MemberInfo

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable

    from nazh.storage import Storage
    from nazh.storage.leases import MemberLock, ShardLeases

SHARDS = 8
FAST = Timing(
    ttl=1.0,
    tick=0.1,
    silence=0.3,
    identify_window=0.15,
    transfer_wait=1.0,
    retry_after_failure=1.0,
)


@dataclasses.dataclass
class Run:
    shard_id: int
    member: str
    started: float
    stopped: float | None = None


class World:
    """Which member runs which shard, over time; a second concurrent run is an overlap."""

    def __init__(self) -> None:
        self.runs: list[Run] = []
        self.overlaps: list[tuple[int, str, str]] = []

    def live(self, shard_id: int) -> list[Run]:
        return [r for r in self.runs if r.shard_id == shard_id and r.stopped is None]

    def running(self) -> dict[int, str]:
        return {r.shard_id: r.member for r in self.runs if r.stopped is None}


class FakeShards:
    """A `ShardControl` whose shards take 10 ms to connect and live in `World`."""

    def __init__(self, world: World, member: str) -> None:
        self.world = world
        self.member = member
        self.local: dict[int, Run] = {}

    async def start(self, shard_id: int) -> None:
        await asyncio.sleep(0.01)
        for other in self.world.live(shard_id):
            self.world.overlaps.append((shard_id, other.member, self.member))
        run = Run(shard_id, self.member, time.monotonic())
        self.world.runs.append(run)
        self.local[shard_id] = run

    async def stop(self, shard_id: int) -> None:
        run = self.local.pop(shard_id, None)
        if run is not None:
            run.stopped = time.monotonic()

    def connected(self, shard_id: int) -> bool:
        return shard_id in self.local


class Severable:
    """Shard leases whose database can be cut off: every call then fails."""

    def __init__(self, leases: ShardLeases) -> None:
        self._leases = leases
        self.cut = False

    def __getattr__(self, name: str) -> Any:
        method = getattr(self._leases, name)

        async def call(*args: Any, **kwargs: Any) -> Any:
            if self.cut:
                raise ConnectionRefusedError("connection refused")
            return await method(*args, **kwargs)

        return call


class SeverableLock:
    """A liveness lock that can be lost for good, as when its process dies."""

    def __init__(self, lock: MemberLock) -> None:
        self.lock = lock
        self.cut = False

    async def hold(self) -> bool:
        return False if self.cut else await self.lock.hold()

    async def release(self) -> None:
        await self.lock.release()


@dataclasses.dataclass
class Member:
    coordinator: ShardCoordinator
    shards: FakeShards
    leases: Severable
    lock: SeverableLock

    async def die(self) -> None:
        """What SIGKILL does: nothing answers any more, connections close, shards drop."""
        self.leases.cut = True
        self.lock.cut = True
        await self.lock.release()
        for shard_id in list(self.shards.local):
            await self.shards.stop(shard_id)


Cluster = tuple[World, "Callable[..., Any]"]


@pytest.fixture
async def cluster(storage: Storage) -> AsyncIterator[tuple[World, Callable[..., Any]]]:
    world = World()
    members: list[Member] = []

    async def add(
        name: str,
        *,
        max_concurrency: int = SHARDS,
        shards_max: int | None = None,
        timing: Timing = FAST,
    ) -> Member:
        shards = FakeShards(world, name)
        leases = Severable(storage.leases)
        lock = SeverableLock(storage.leases.member_lock(name))
        info = MemberInfo(name, "host", 1, SHARDS, shards_max)
        coordinator = ShardCoordinator(
            leases,  # pyright: ignore[reportArgumentType]
            shards,
            info,
            lock=lock,  # pyright: ignore[reportArgumentType]
            max_concurrency=max_concurrency,
            timing=timing,
        )
        await coordinator.start()
        member = Member(coordinator, shards, leases, lock)
        members.append(member)
        return member

    yield world, add
    for member in members:
        await member.coordinator.hand_over(0.0)


async def until(condition: Callable[[], bool], within: float, what: str) -> float:
    start = time.monotonic()
    while not condition():
        if time.monotonic() - start > within:
            raise AssertionError(f"not within {within} s: {what}")
        await asyncio.sleep(0.02)
    return time.monotonic() - start


def every_shard_runs(world: World) -> bool:
    return sorted(world.running()) == list(range(SHARDS))


async def test_members_started_together_split_the_shards_evenly(
    cluster: tuple[World, Callable[..., Any]],
) -> None:
    world, add = cluster
    members = await asyncio.gather(add("a"), add("b"), add("c"))
    await until(lambda: every_shard_runs(world), 5, "every shard runs")
    await asyncio.sleep(0.5)
    held = sorted(len(m.coordinator.held) for m in members)
    assert held == [2, 3, 3]
    assert world.overlaps == []
    assert all(m.coordinator.not_ready() is None for m in members)
    assert len(world.runs) == SHARDS, "nothing moved once shared"


async def test_shards_keep_running_while_the_whole_database_is_away(
    cluster: tuple[World, Callable[..., Any]],
) -> None:
    world, add = cluster
    members = [await add(name) for name in "abc"]
    await until(lambda: every_shard_runs(world), 5, "every shard runs")
    await asyncio.sleep(0.5)
    before = world.running()
    runs = len(world.runs)
    for member in members:
        member.leases.cut = True
    await asyncio.sleep(3 * FAST.ttl)
    assert world.running() == before, "nobody stopped a shard during the outage"
    assert all(m.coordinator.not_ready() is None for m in members)
    for member in members:
        member.leases.cut = False
    await asyncio.sleep(1.0)
    assert world.running() == before, "the expired, unclaimed leases were renewed as they were"
    assert len(world.runs) == runs
    assert world.overlaps == []


async def test_a_member_alone_cut_off_stops_what_others_claimed_once_it_is_back(
    cluster: tuple[World, Callable[..., Any]],
) -> None:
    world, add = cluster
    a, b, c = [await add(name) for name in "abc"]
    await until(lambda: every_shard_runs(world), 5, "every shard runs")
    await until(lambda: len(a.coordinator.held) >= 2, 5, "a holds its share")
    lost = set(a.coordinator.held)
    a.leases.cut = True
    await until(
        lambda: all(len(world.live(shard)) == 2 for shard in lost),
        FAST.ttl + 2,
        "b and c claim a's shards once their leases expire",
    )
    assert set(a.shards.local) == lost, "a, cut off, kept them: they run twice meanwhile"
    a.leases.cut = False
    back = time.monotonic()
    await until(lambda: not a.shards.local, 1.0, "a stops them once it hears they were claimed")
    assert time.monotonic() - back < 3 * FAST.tick + 0.2
    assert all(len(world.live(shard)) == 1 for shard in range(SHARDS))
    overlaps = len(world.overlaps)
    await until(
        lambda: sorted(len(m.coordinator.held) for m in (a, b, c)) == [2, 3, 3],
        5,
        "a gets its share back by handover",
    )
    await until(lambda: every_shard_runs(world), 1, "every shard runs")
    assert len(world.overlaps) == overlaps, "the handover back ran nothing twice"


async def test_a_dead_members_shards_move_once_its_lock_is_free_not_when_leases_expire(
    cluster: tuple[World, Callable[..., Any]],
) -> None:
    world, add = cluster
    patient = dataclasses.replace(FAST, ttl=30.0)
    a, _, _ = [await add(name, timing=patient) for name in "abc"]
    await until(lambda: every_shard_runs(world), 5, "every shard runs")
    await until(lambda: len(a.coordinator.held) >= 2, 5, "a holds its share")
    lost = set(a.coordinator.held)
    await a.die()
    took = await until(lambda: every_shard_runs(world), 5, "b and c take a's shards over")
    assert took < patient.silence + 1.0, took
    assert {world.running()[shard] for shard in lost} <= {"b", "c"}
    assert world.overlaps == []


async def test_a_stopping_member_hands_each_shard_over_with_a_short_gap(
    cluster: tuple[World, Callable[..., Any]],
) -> None:
    world, add = cluster
    a, _, _ = [await add(name) for name in "abc"]
    await until(lambda: every_shard_runs(world), 5, "every shard runs")
    await until(lambda: len(a.coordinator.held) >= 2, 5, "a holds its share")
    moving = set(a.coordinator.held)
    started = time.monotonic()
    await a.coordinator.hand_over(10.0)
    assert time.monotonic() - started < 5
    await until(lambda: every_shard_runs(world), 1, "the last shard handed over runs")
    assert world.overlaps == []
    for shard in moving:
        old = next(r for r in world.runs if r.shard_id == shard and r.member == "a")
        new = next(r for r in world.runs if r.shard_id == shard and r.member != "a")
        assert old.stopped is not None
        assert 0 <= new.started - old.stopped < 0.5, (shard, new.started - old.stopped)


async def test_a_lone_member_stops_at_once_and_releases_its_shards(
    cluster: tuple[World, Callable[..., Any]], storage: Storage
) -> None:
    world, add = cluster
    a = await add("a")
    await until(lambda: every_shard_runs(world), 5, "a runs every shard")
    started = time.monotonic()
    await a.coordinator.hand_over(10.0)
    assert time.monotonic() - started < 1
    assert world.running() == {}
    view = await storage.leases.view(SHARDS, FAST.ttl)
    assert view.unowned == tuple(range(SHARDS))
    assert view.members == ()


async def test_identifies_keep_one_per_bucket_per_window_across_members(
    cluster: tuple[World, Callable[..., Any]],
) -> None:
    world, add = cluster
    await asyncio.gather(add("a", max_concurrency=2), add("b", max_concurrency=2))
    await until(lambda: every_shard_runs(world), 10, "every shard runs")
    for bucket in (0, 1):
        starts = sorted(r.started for r in world.runs if r.shard_id % 2 == bucket)
        gaps = [later - earlier for earlier, later in itertools.pairwise(starts)]
        assert len(starts) == SHARDS // 2
        assert min(gaps) >= FAST.identify_window - 0.03, gaps


async def test_caps_leave_shards_unowned_rather_than_overload_a_member(
    cluster: tuple[World, Callable[..., Any]], storage: Storage
) -> None:
    world, add = cluster
    a, b = await add("a", shards_max=3), await add("b", shards_max=3)
    await until(lambda: len(world.running()) == 6, 5, "six shards run")
    await asyncio.sleep(0.5)
    assert len(world.running()) == 6
    assert sorted(len(m.coordinator.held) for m in (a, b)) == [3, 3]
    view = await storage.leases.view(SHARDS, FAST.ttl)
    assert len(view.unowned) == 2


async def test_a_member_forgotten_by_the_cluster_introduces_itself_again(
    cluster: tuple[World, Callable[..., Any]], storage: Storage
) -> None:
    world, add = cluster
    a = await add("a")
    await until(lambda: every_shard_runs(world), 5, "a runs every shard")
    await storage.leases.leave("a", SHARDS)
    view = await storage.leases.view(SHARDS, FAST.ttl)
    assert view.members == ()
    for _ in range(50):
        view = await storage.leases.view(SHARDS, FAST.ttl)
        if view.members:
            break
        await asyncio.sleep(0.05)
    assert [m.member_id for m in view.members] == ["a"]
    await until(lambda: len(a.coordinator.held) == SHARDS, 5, "a claims its shards again")


async def test_every_identify_is_recorded_so_the_next_slot_keeps_its_distance(
    cluster: tuple[World, Callable[..., Any]], storage: Storage
) -> None:
    world, add = cluster
    a = await add("a", max_concurrency=2)
    await until(lambda: every_shard_runs(world), 5, "every shard runs")
    await asyncio.sleep(2 * FAST.identify_window)
    await a.coordinator.identified(3)
    wait = await storage.leases.reserve_identify(1, FAST.identify_window)
    assert FAST.identify_window - 0.05 <= wait <= FAST.identify_window
    assert await storage.leases.reserve_identify(0, FAST.identify_window) == 0.0
