"""Shard leases in PostgreSQL: claims split, expiry, handover, identify slots, leaving."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from sqlalchemy import text

from nazh.storage.leases import FORGET_AFTER, MemberInfo

if TYPE_CHECKING:
    from nazh.storage import Storage
    from nazh.storage.leases import ShardLeases

SHARDS = 8
TTL = 30.0


def member(name: str, *, shard_count: int = SHARDS, shards_max: int | None = None) -> MemberInfo:
    return MemberInfo(
        member_id=name, host="host-" + name, pid=100, shard_count=shard_count, shards_max=shards_max
    )


async def joined(storage: Storage, *names: str) -> ShardLeases:
    for name in names:
        await storage.leases.join(member(name))
    return storage.leases


async def test_concurrent_claims_split_the_shards_without_overlap(storage: Storage) -> None:
    leases = await joined(storage, "a", "b", "c", "d")
    won = await asyncio.gather(*(leases.claim(name, SHARDS, 3, TTL) for name in "abcd"))
    claimed = [shard for shards in won for shard in shards]
    assert sorted(claimed) == list(range(SHARDS))
    assert all(len(shards) <= 3 for shards in won)
    view = await leases.view(SHARDS, TTL)
    assert view.unowned == ()
    owners = {lease.shard_id: lease.owner for lease in view.leases}
    for name, shards in zip("abcd", won, strict=True):
        assert all(owners[shard] == name for shard in shards)


async def test_an_expired_lease_is_free_to_claim_and_its_owner_renews_it_only_if_unclaimed(
    storage: Storage,
) -> None:
    leases = await joined(storage, "a", "b")
    assert await leases.claim("a", SHARDS, 2, 0.2) == [0, 1]
    assert await leases.claim("b", SHARDS, 8, TTL) == [2, 3, 4, 5, 6, 7]
    await asyncio.sleep(0.3)
    assert await leases.owner(SHARDS, 1) is None
    assert await leases.claim("b", SHARDS, 1, TTL) == [0]
    renewal = await leases.renew("a", SHARDS, TTL, draining=False)
    assert [lease.shard_id for lease in renewal.leases] == [1], "0 was claimed, 1 was not"
    assert await leases.owner(SHARDS, 0) == "b"
    assert await leases.owner(SHARDS, 1) == "a"
    assert await leases.claim("b", SHARDS, 1, TTL) == []


async def test_renewal_lists_live_members_with_what_they_hold(storage: Storage) -> None:
    leases = await joined(storage, "a", "b")
    await leases.claim("a", SHARDS, 3, TTL)
    renewal = await leases.renew("b", SHARDS, TTL, draining=True)
    assert [(m.member_id, m.held, m.draining) for m in renewal.members] == [
        ("a", 3, False),
        ("b", 0, True),
    ]
    assert renewal.leases == ()
    await asyncio.sleep(0.3)
    later = await leases.renew("b", SHARDS, 0.2, draining=False)
    assert [m.member_id for m in later.members] == ["b"], "a went quiet for longer than the ttl"


async def test_a_handover_moves_an_offered_shard_to_its_taker(storage: Storage) -> None:
    leases = await joined(storage, "a", "b")
    await leases.claim("a", SHARDS, 3, TTL)
    assert await leases.ask("b", SHARDS) is None, "nothing is offered yet"
    await leases.offer("a", SHARDS, [2])
    assert await leases.ask("b", SHARDS) == 2
    assert await leases.ask("b", SHARDS) is None, "one taker per shard"
    assert await leases.schedule("b", SHARDS, 2, 0.5)
    renewal = await leases.renew("a", SHARDS, TTL, draining=False)
    offered = {lease.shard_id: lease for lease in renewal.leases}[2]
    assert offered.taker == "b"
    assert offered.handover_in is not None
    assert 0.3 < offered.handover_in <= 0.5
    assert not await leases.give("b", SHARDS, 2, TTL), "only the owner gives"
    assert await leases.give("a", SHARDS, 2, TTL)
    assert await leases.owner(SHARDS, 2) == "b"
    assert not await leases.give("a", SHARDS, 2, TTL)
    mine = await leases.renew("b", SHARDS, TTL, draining=False)
    assert [(lease.shard_id, lease.offered, lease.taker) for lease in mine.leases] == [
        (2, False, None)
    ]


async def test_a_draining_members_shards_are_asked_for_first(storage: Storage) -> None:
    leases = await joined(storage, "a", "b", "c")
    await leases.claim("a", SHARDS, 1, TTL)
    await leases.claim("b", SHARDS, 1, TTL)
    await leases.offer("a", SHARDS, [0])
    await leases.offer("b", SHARDS, [1])
    await leases.renew("b", SHARDS, TTL, draining=True)
    assert await leases.ask("c", SHARDS) == 1
    assert await leases.ask("c", SHARDS) == 0


async def test_a_withdrawn_request_leaves_the_shard_with_its_owner(storage: Storage) -> None:
    leases = await joined(storage, "a", "b")
    await leases.claim("a", SHARDS, 1, TTL)
    await leases.offer("a", SHARDS, [0])
    assert await leases.ask("b", SHARDS) == 0
    await leases.withdraw("b", SHARDS, 0)
    assert not await leases.give("a", SHARDS, 0, TTL)
    assert not await leases.schedule("b", SHARDS, 0, 0.0)
    assert await leases.owner(SHARDS, 0) == "a"


async def test_identify_slots_of_one_bucket_are_a_window_apart(storage: Storage) -> None:
    leases = storage.leases
    waits = await asyncio.gather(*(leases.reserve_identify(0, 0.4) for _ in range(3)))
    assert sorted(round(w, 1) for w in waits) == [0.0, 0.4, 0.8]
    assert await leases.reserve_identify(1, 0.4) == 0.0, "another bucket is free"
    await asyncio.sleep(1.3)
    assert await leases.reserve_identify(0, 0.4) == 0.0, "the bucket's window passed"


async def test_leaving_releases_every_lease_at_once(storage: Storage) -> None:
    leases = await joined(storage, "a", "b")
    await leases.claim("a", SHARDS, 3, TTL)
    await leases.offer("a", SHARDS, [2])
    assert await leases.ask("b", SHARDS) == 2
    await leases.leave("b", SHARDS)
    await leases.leave("a", SHARDS)
    view = await leases.view(SHARDS, TTL)
    assert view.unowned == tuple(range(SHARDS))
    assert view.members == ()
    assert await leases.claim("b", SHARDS, 8, TTL) == list(range(SHARDS))


async def test_the_running_shard_count_is_the_live_members(storage: Storage) -> None:
    leases = storage.leases
    assert await leases.running_shard_count(TTL, excluding="x") is None
    await leases.join(member("a", shard_count=4))
    assert await leases.running_shard_count(TTL, excluding="x") == 4
    assert await leases.running_shard_count(TTL, excluding="a") is None
    assert await leases.running_shard_count(0.0, excluding="x") is None


async def test_a_slot_can_be_asked_for_a_lead_ahead(storage: Storage) -> None:
    leases = storage.leases
    assert 0.29 <= await leases.reserve_identify(0, 0.4, lead=0.3) <= 0.3
    assert 0.69 <= await leases.reserve_identify(0, 0.4, lead=0.3) <= 0.7, "queued after it"


async def test_an_identify_out_of_its_slot_pushes_the_next_slot(storage: Storage) -> None:
    leases = storage.leases
    assert await leases.reserve_identify(0, 0.4) == 0.0
    await asyncio.sleep(0.6)
    await leases.note_identify(0, 0.4)
    assert 0.35 <= await leases.reserve_identify(0, 0.4) <= 0.4
    await leases.note_identify(0, 0.4)
    assert 0.75 <= await leases.reserve_identify(0, 0.4) <= 0.8, "a note never pulls slots in"


async def test_a_liveness_lock_is_held_by_one_connection_at_a_time(storage: Storage) -> None:
    first, second = storage.leases.member_lock("a"), storage.leases.member_lock("a")
    assert await first.hold()
    assert await first.hold(), "holding again is a no-op"
    assert not await second.hold()
    await first.release()
    assert not first.held
    assert await second.hold()
    await second.release()


async def test_reaping_frees_the_shards_of_silent_members_whose_lock_is_free(
    storage: Storage,
) -> None:
    leases = await joined(storage, "a", "b", "c")
    await leases.claim("a", SHARDS, 2, TTL)
    await leases.claim("b", SHARDS, 3, TTL)
    alive = leases.member_lock("a")
    assert await alive.hold()
    try:
        assert await leases.reap("c", SHARDS, TTL, silent=0.2) == [], "nobody is silent yet"
        await asyncio.sleep(0.3)
        reaped = await leases.reap("c", SHARDS, TTL, silent=0.2)
        assert [(r.member_id, r.host, r.shards) for r in reaped] == [("b", "host-b", (2, 3, 4))]
        view = await leases.view(SHARDS, TTL)
        assert [m.member_id for m in view.members] == ["a", "c"]
        assert view.unowned == (2, 3, 4, 5, 6, 7)
        renewal = await leases.renew("b", SHARDS, TTL, draining=False)
        assert [lease.shard_id for lease in renewal.leases] == [2, 3, 4], "only slow: renewed"
        assert [m.member_id for m in renewal.members] == ["a", "b", "c"]
    finally:
        await alive.release()


async def test_reaping_forgets_members_gone_for_an_hour(storage: Storage) -> None:
    leases = await joined(storage, "a", "b")
    async with storage._engine.begin() as connection:  # pyright: ignore[reportPrivateUsage]
        await connection.execute(
            text("UPDATE cluster_members SET seen_at = seen_at - :age WHERE member_id = 'b'"),
            {"age": int(FORGET_AFTER * 1000) + 1000},
        )
    await leases.reap("a", SHARDS, TTL, silent=1.0)
    async with storage._engine.connect() as connection:  # pyright: ignore[reportPrivateUsage]
        left = (await connection.execute(text("SELECT member_id FROM cluster_members"))).all()
    assert [row.member_id for row in left] == ["a"]
