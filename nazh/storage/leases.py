"""Shard leases of a cluster of processes, and the identify slots they share (PostgreSQL).

Each process is a member that renews its row and its leases every few seconds. A lease whose
expiry passed is free to claim; claims take rows ``FOR UPDATE SKIP LOCKED`` so that processes
claiming at once split the free shards instead of queueing on them. A shard changes hands
without a gap through a handover: its owner offers it, a taker asks for it at a time it chose
(its identify slot), and the owner gives it to the taker once it has closed the shard.

Every time here is the database's clock (milliseconds), so processes on machines whose clocks
disagree still agree on which lease expired.

Each member also holds a session advisory lock on a connection of its own (`MemberLock`) for as
long as its process lives. When a process dies its connection closes and PostgreSQL frees the
lock at once, so the others need not wait for its leases to expire: a member that has not
renewed for a few seconds and whose lock is free is dead (`ShardLeases.reap`).
"""

from __future__ import annotations

import dataclasses
import hashlib
from typing import TYPE_CHECKING

import asyncpg
from sqlalchemy import text

from nazh.storage.engine import POSTGRES_CONNECT_TIMEOUT

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

__all__ = (
    "FORGET_AFTER",
    "ClusterView",
    "Lease",
    "Member",
    "MemberInfo",
    "MemberLock",
    "OwnLease",
    "Reaped",
    "Renewal",
    "ShardLeases",
    "lock_key",
)

_NOW = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"
FORGET_AFTER = 3600.0
"""Seconds after which the row of a member that stopped renewing is deleted."""


@dataclasses.dataclass(frozen=True, slots=True)
class MemberInfo:
    """How a process introduces itself to the cluster."""

    member_id: str
    host: str
    pid: int
    shard_count: int
    shards_max: int | None


def lock_key(member_id: str) -> int:
    """The advisory lock key of a member: 64 bits of a hash of its id."""
    digest = hashlib.blake2b(f"nazh cluster member {member_id}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


@dataclasses.dataclass(frozen=True, slots=True)
class Reaped:
    """A member found dead: not renewing, and its advisory lock free."""

    member_id: str
    host: str
    pid: int
    shards: tuple[int, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Member:
    """A live member as the others see it."""

    member_id: str
    host: str
    pid: int
    draining: bool
    shards_max: int | None
    seen_ago: float
    """Seconds since its last renewal."""
    held: int
    """How many leases it holds."""


@dataclasses.dataclass(frozen=True, slots=True)
class OwnLease:
    """A lease this member holds, and whether someone is taking it over."""

    shard_id: int
    offered: bool
    taker: str | None
    handover_in: float | None
    """Seconds until the taker wants the shard closed (None: the taker has no slot yet)."""


@dataclasses.dataclass(frozen=True, slots=True)
class Renewal:
    """What one renewal found: this member's leases and the live members."""

    leases: tuple[OwnLease, ...]
    members: tuple[Member, ...]


@dataclasses.dataclass(frozen=True, slots=True)
class Lease:
    """One shard's lease as `ShardLeases.view` shows it."""

    shard_id: int
    owner: str | None
    held_for: float | None
    """Seconds since its owner claimed it (None: unowned or expired)."""
    expires_in: float


@dataclasses.dataclass(frozen=True, slots=True)
class ClusterView:
    """The cluster at one moment: live members and every shard's lease."""

    shard_count: int
    members: tuple[Member, ...]
    leases: tuple[Lease, ...]

    @property
    def unowned(self) -> tuple[int, ...]:
        """Shards no live member holds."""
        return tuple(lease.shard_id for lease in self.leases if lease.owner is None)


class ShardLeases:
    """The lease and member tables; every method is one short transaction."""

    __slots__ = ("_check_open", "_engine")

    def __init__(self, engine: AsyncEngine, *, check_open: Callable[[], None]) -> None:
        self._engine = engine
        self._check_open = check_open

    def member_lock(self, member_id: str) -> MemberLock:
        """The liveness lock of `member_id`, on a connection of its own (not yet held)."""
        url = self._engine.url.set(drivername="postgresql")
        return MemberLock(url.render_as_string(hide_password=False), lock_key(member_id))

    async def reap(
        self, member_id: str, shard_count: int, ttl: float, *, silent: float
    ) -> list[Reaped]:
        """Find the live members (other than `member_id`) silent for `silent` seconds whose
        liveness lock is free: their processes died. Expire their leases at once and mark them
        gone (a member that was only slow renews both again, unless someone claimed a lease).
        Rows of members gone for `FORGET_AFTER` are deleted."""
        async with self._engine.begin() as connection:
            await connection.execute(
                text(f"DELETE FROM cluster_members WHERE seen_at < {_NOW} - :forget"),
                {"forget": _ms(FORGET_AFTER)},
            )
            silent_members = (
                await connection.execute(
                    text(
                        "SELECT member_id, host, pid, lock_key FROM cluster_members"
                        " WHERE member_id <> :me AND shard_count = :count"
                        f" AND seen_at > {_NOW} - :ttl AND seen_at < {_NOW} - :silent"
                    ),
                    {"me": member_id, "count": shard_count, "ttl": _ms(ttl), "silent": _ms(silent)},
                )
            ).all()
            reaped: list[Reaped] = []
            for row in silent_members:
                free = (
                    await connection.execute(
                        text("SELECT pg_try_advisory_xact_lock(:key)"), {"key": row.lock_key}
                    )
                ).scalar_one()
                if not free:
                    continue
                await connection.execute(
                    text("UPDATE cluster_members SET seen_at = 0 WHERE member_id = :dead"),
                    {"dead": row.member_id},
                )
                shards = (
                    await connection.execute(
                        text(
                            "UPDATE shard_leases SET expires_at = 0 WHERE shard_count = :count"
                            " AND owner = :dead RETURNING shard_id"
                        ),
                        {"count": shard_count, "dead": row.member_id},
                    )
                ).all()
                reaped.append(
                    Reaped(
                        row.member_id,
                        row.host,
                        int(row.pid),
                        tuple(sorted(int(shard.shard_id) for shard in shards)),
                    )
                )
        return reaped

    async def running_shard_count(self, ttl: float, *, excluding: str) -> int | None:
        """The shard count live members other than `excluding` run with (None: no such member)."""
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    text(
                        "SELECT shard_count FROM cluster_members WHERE member_id <> :me"
                        f" AND seen_at > {_NOW} - :ttl ORDER BY started_at LIMIT 1"
                    ),
                    {"me": excluding, "ttl": _ms(ttl)},
                )
            ).first()
        return None if row is None else int(row[0])

    async def join(self, member: MemberInfo) -> None:
        """Register `member` (or refresh it) and make sure every shard of its count has a row."""
        self._check_open()
        async with self._engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO cluster_members (member_id, host, pid, shard_count, shards_max,"
                    " lock_key, draining, started_at, seen_at) VALUES (:me, :host, :pid, :count,"
                    f" :max, :key, false, {_NOW}, {_NOW}) ON CONFLICT (member_id) DO UPDATE SET"
                    " seen_at = excluded.seen_at, draining = false"
                ),
                {
                    "me": member.member_id,
                    "key": lock_key(member.member_id),
                    "host": member.host,
                    "pid": member.pid,
                    "count": member.shard_count,
                    "max": member.shards_max,
                },
            )
            await connection.execute(
                text(
                    "INSERT INTO shard_leases (shard_count, shard_id, expires_at, handover)"
                    " SELECT :count, i, 0, false FROM generate_series(0, :count - 1) AS i"
                    " ON CONFLICT DO NOTHING"
                ),
                {"count": member.shard_count},
            )

    async def renew(
        self, member_id: str, shard_count: int, ttl: float, *, draining: bool
    ) -> Renewal:
        """Extend this member's row and leases by `ttl` seconds; return them and the live members.

        A lease that expired but that nobody claimed is this member's still, and renewed; one
        missing from the answer was claimed by another member after it expired.
        """
        async with self._engine.begin() as connection:
            await connection.execute(
                text(
                    f"UPDATE cluster_members SET seen_at = {_NOW}, draining = :draining"
                    " WHERE member_id = :me"
                ),
                {"me": member_id, "draining": draining},
            )
            owned = (
                await connection.execute(
                    text(
                        f"UPDATE shard_leases SET expires_at = {_NOW} + :ttl"
                        " WHERE shard_count = :count AND owner = :me"
                        " RETURNING shard_id, handover, taker,"
                        f" handover_at - {_NOW} AS handover_in"
                    ),
                    {"me": member_id, "count": shard_count, "ttl": _ms(ttl)},
                )
            ).all()
            members = await _live_members(connection, shard_count, ttl)
        leases = tuple(
            OwnLease(
                shard_id=int(row.shard_id),
                offered=bool(row.handover),
                taker=row.taker,
                handover_in=None if row.handover_in is None else max(row.handover_in, 0) / 1000,
            )
            for row in sorted(owned, key=lambda row: int(row.shard_id))
        )
        return Renewal(leases, members)

    async def claim(self, member_id: str, shard_count: int, n: int, ttl: float) -> list[int]:
        """Claim up to `n` free or expired shards, lowest first; returns the shard ids won."""
        if n <= 0:
            return []
        async with self._engine.begin() as connection:
            rows = (
                await connection.execute(
                    text(
                        f"UPDATE shard_leases SET owner = :me, claimed_at = {_NOW},"
                        f" expires_at = {_NOW} + :ttl, handover = false, taker = NULL,"
                        " handover_at = NULL WHERE shard_count = :count AND shard_id IN ("
                        " SELECT shard_id FROM shard_leases WHERE shard_count = :count"
                        f" AND (owner IS NULL OR expires_at <= {_NOW}) ORDER BY shard_id"
                        " LIMIT :n FOR UPDATE SKIP LOCKED) RETURNING shard_id"
                    ),
                    {"me": member_id, "count": shard_count, "n": n, "ttl": _ms(ttl)},
                )
            ).all()
        return sorted(int(row.shard_id) for row in rows)

    async def offer(self, member_id: str, shard_count: int, shard_ids: Sequence[int]) -> None:
        """Offer exactly `shard_ids` of this member's leases for handover (others withdrawn,
        except those a taker already asked for)."""
        async with self._engine.begin() as connection:
            await connection.execute(
                text(
                    "UPDATE shard_leases SET handover = (shard_id = ANY(:ids))"
                    " WHERE shard_count = :count AND owner = :me AND taker IS NULL"
                ),
                {"me": member_id, "count": shard_count, "ids": list(shard_ids)},
            )

    async def ask(self, member_id: str, shard_count: int) -> int | None:
        """Ask for one offered shard of another member (a draining member's first); None if
        none is free to ask for."""
        async with self._engine.begin() as connection:
            row = (
                await connection.execute(
                    text(
                        "UPDATE shard_leases SET taker = :me, handover_at = NULL"
                        " WHERE shard_count = :count AND shard_id = ("
                        " SELECT l.shard_id FROM shard_leases l LEFT JOIN cluster_members m"
                        " ON m.member_id = l.owner WHERE l.shard_count = :count"
                        " AND l.handover AND l.taker IS NULL AND l.owner <> :me"
                        f" AND l.expires_at > {_NOW}"
                        " ORDER BY coalesce(m.draining, false) DESC, l.shard_id"
                        " LIMIT 1 FOR UPDATE OF l SKIP LOCKED) RETURNING shard_id"
                    ),
                    {"me": member_id, "count": shard_count},
                )
            ).first()
        return None if row is None else int(row.shard_id)

    async def schedule(self, member_id: str, shard_count: int, shard_id: int, delay: float) -> bool:
        """As the taker of `shard_id`, ask its owner to close it in `delay` seconds."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                text(
                    f"UPDATE shard_leases SET handover_at = {_NOW} + :delay"
                    " WHERE shard_count = :count AND shard_id = :shard AND taker = :me"
                ),
                {"me": member_id, "count": shard_count, "shard": shard_id, "delay": _ms(delay)},
            )
        return result.rowcount > 0

    async def withdraw(self, member_id: str, shard_count: int, shard_id: int) -> None:
        """As the taker of `shard_id`, stop asking for it."""
        async with self._engine.begin() as connection:
            await connection.execute(
                text(
                    "UPDATE shard_leases SET taker = NULL, handover_at = NULL"
                    " WHERE shard_count = :count AND shard_id = :shard AND taker = :me"
                ),
                {"me": member_id, "count": shard_count, "shard": shard_id},
            )

    async def give(self, member_id: str, shard_count: int, shard_id: int, ttl: float) -> bool:
        """As the owner, hand `shard_id` (already closed here) to its taker."""
        async with self._engine.begin() as connection:
            result = await connection.execute(
                text(
                    f"UPDATE shard_leases SET owner = taker, claimed_at = {_NOW},"
                    f" expires_at = {_NOW} + :ttl, handover = false, taker = NULL,"
                    " handover_at = NULL WHERE shard_count = :count AND shard_id = :shard"
                    " AND owner = :me AND taker IS NOT NULL"
                ),
                {"me": member_id, "count": shard_count, "shard": shard_id, "ttl": _ms(ttl)},
            )
        return result.rowcount > 0

    async def owner(self, shard_count: int, shard_id: int) -> str | None:
        """The member holding an unexpired lease on `shard_id`."""
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(
                    text(
                        "SELECT owner FROM shard_leases WHERE shard_count = :count"
                        f" AND shard_id = :shard AND expires_at > {_NOW}"
                    ),
                    {"count": shard_count, "shard": shard_id},
                )
            ).first()
        return None if row is None else row.owner

    async def release(self, member_id: str, shard_count: int, shard_ids: Sequence[int]) -> None:
        """Give up leases at once, for anyone to claim."""
        async with self._engine.begin() as connection:
            await _release(connection, member_id, shard_count, shard_ids)

    async def leave(self, member_id: str, shard_count: int) -> None:
        """Release every lease of this member and remove it from the cluster."""
        async with self._engine.begin() as connection:
            await _release(connection, member_id, shard_count, None)
            await connection.execute(
                text("UPDATE shard_leases SET taker = NULL, handover_at = NULL WHERE taker = :me"),
                {"me": member_id},
            )
            await connection.execute(
                text("DELETE FROM cluster_members WHERE member_id = :me"), {"me": member_id}
            )

    async def reserve_identify(self, bucket: int, window: float, *, lead: float = 0.0) -> float:
        """Reserve the next IDENTIFY slot of `bucket`, at least `lead` seconds from now: slots
        of one bucket are `window` seconds apart across the whole cluster. Returns the seconds
        to wait for it."""
        async with self._engine.begin() as connection:
            wait = (
                await connection.execute(
                    text(
                        "INSERT INTO identify_slots (bucket, next_at)"
                        f" VALUES (:bucket, {_NOW} + :lead + :window)"
                        " ON CONFLICT (bucket) DO UPDATE SET next_at ="
                        f" greatest(identify_slots.next_at, {_NOW} + :lead) + :window"
                        f" RETURNING next_at - :window - {_NOW}"
                    ),
                    {"bucket": bucket, "window": _ms(window), "lead": _ms(lead)},
                )
            ).scalar_one()
        return max(int(wait), 0) / 1000

    async def note_identify(self, bucket: int, window: float) -> None:
        """Record that a shard of `bucket` identified just now, in or out of its slot (a
        library's own retry after a refusal), so the next slot keeps `window` from it."""
        async with self._engine.begin() as connection:
            await connection.execute(
                text(
                    "INSERT INTO identify_slots (bucket, next_at)"
                    f" VALUES (:bucket, {_NOW} + :window) ON CONFLICT (bucket) DO UPDATE"
                    f" SET next_at = greatest(identify_slots.next_at, {_NOW} + :window)"
                ),
                {"bucket": bucket, "window": _ms(window)},
            )

    async def view(self, shard_count: int, ttl: float) -> ClusterView:
        """Every live member and every shard's lease."""
        async with self._engine.connect() as connection:
            members = await _live_members(connection, shard_count, ttl)
            rows = (
                await connection.execute(
                    text(
                        f"SELECT shard_id, CASE WHEN expires_at > {_NOW} THEN owner END AS owner,"
                        f" {_NOW} - claimed_at AS held, expires_at - {_NOW} AS expires_in"
                        " FROM shard_leases WHERE shard_count = :count ORDER BY shard_id"
                    ),
                    {"count": shard_count},
                )
            ).all()
        leases = tuple(
            Lease(
                shard_id=int(row.shard_id),
                owner=row.owner,
                held_for=None if row.owner is None or row.held is None else row.held / 1000,
                expires_in=max(int(row.expires_in), 0) / 1000,
            )
            for row in rows
        )
        return ClusterView(shard_count, members, leases)


async def _live_members(
    connection: AsyncConnection, shard_count: int, ttl: float
) -> tuple[Member, ...]:
    rows = (
        await connection.execute(
            text(
                "SELECT m.member_id, m.host, m.pid, m.draining, m.shards_max,"
                f" {_NOW} - m.seen_at AS seen_ago, count(l.shard_id) AS held"
                " FROM cluster_members m LEFT JOIN shard_leases l ON l.owner = m.member_id"
                f" AND l.shard_count = :count AND l.expires_at > {_NOW}"
                f" WHERE m.shard_count = :count AND m.seen_at > {_NOW} - :ttl"
                " GROUP BY m.member_id ORDER BY m.started_at, m.member_id"
            ),
            {"count": shard_count, "ttl": _ms(ttl)},
        )
    ).all()
    return tuple(
        Member(
            member_id=row.member_id,
            host=row.host,
            pid=int(row.pid),
            draining=bool(row.draining),
            shards_max=row.shards_max,
            seen_ago=max(int(row.seen_ago), 0) / 1000,
            held=int(row.held),
        )
        for row in rows
    )


async def _release(
    connection: AsyncConnection, member_id: str, shard_count: int, shard_ids: Sequence[int] | None
) -> None:
    await connection.execute(
        text(
            "UPDATE shard_leases SET owner = NULL, claimed_at = NULL, expires_at = 0,"
            " handover = false, taker = NULL, handover_at = NULL"
            " WHERE shard_count = :count AND owner = :me"
            + ("" if shard_ids is None else " AND shard_id = ANY(:ids)")
        ),
        {"me": member_id, "count": shard_count, "ids": list(shard_ids or ())},
    )


def _ms(seconds: float) -> int:
    return round(seconds * 1000)


class MemberLock:
    """A member's liveness lock: a session advisory lock on a connection of its own, which
    PostgreSQL frees the moment the process dies (its connection closes)."""

    __slots__ = ("_connection", "_dsn", "key")

    def __init__(self, dsn: str, key: int) -> None:
        self._dsn = dsn
        self.key = key
        self._connection: asyncpg.Connection | None = None

    @property
    def held(self) -> bool:
        """Whether the lock is held on an open connection."""
        return self._connection is not None and not self._connection.is_closed()

    async def hold(self) -> bool:
        """Take the lock, on a new connection if the last one was lost; True when held.

        False while the database is away, or while a lost connection's session still holds it
        (PostgreSQL frees it when it notices that connection is gone).
        """
        if self.held:
            return True
        try:
            connection = await asyncpg.connect(self._dsn, timeout=POSTGRES_CONNECT_TIMEOUT)
        except (OSError, TimeoutError, asyncpg.PostgresError):
            return False
        try:
            taken = await connection.fetchval(
                "SELECT pg_try_advisory_lock($1)", self.key, timeout=POSTGRES_CONNECT_TIMEOUT
            )
        except (OSError, TimeoutError, asyncpg.PostgresError):
            connection.terminate()
            return False
        if not taken:
            await _close(connection)
            return False
        self._connection = connection
        return True

    async def release(self) -> None:
        """Free the lock by closing its connection."""
        connection, self._connection = self._connection, None
        if connection is not None:
            await _close(connection)


async def _close(connection: asyncpg.Connection) -> None:
    try:
        await connection.close(timeout=POSTGRES_CONNECT_TIMEOUT)
    except (OSError, TimeoutError, asyncpg.PostgresError):
        connection.terminate()
