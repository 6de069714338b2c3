"""The cluster as `/stats bot` and `/metrics` show it: processes, their shards, lease ages."""

from __future__ import annotations

from nazh.metrics import Metrics
from nazh.stats.cards import cluster_summary
from nazh.storage.leases import ClusterView, Lease, Member


def member(name: str, pid: int, held: int, *, draining: bool = False) -> Member:
    return Member(name, f"host-{name}", pid, draining, None, 0.4, held)


VIEW = ClusterView(
    4,
    (member("a", 11, 2), member("b", 22, 1, draining=True)),
    (
        Lease(0, "a", 90.0, 9.0),
        Lease(1, "b", 5.0, 9.5),
        Lease(2, None, None, 0.0),
        Lease(3, "a", 30.0, 9.2),
    ),
)


def test_the_summary_lists_each_process_then_the_unowned_shards() -> None:
    lines = cluster_summary(VIEW, "b").splitlines()
    assert lines == [
        "`host-a` pid 11: shards 0, 3, oldest lease 1 min, renewed 0.4 s ago",
        "`host-b` pid 22 (this one): shards 1, oldest lease 5 s, renewed 0.4 s ago, handing over",
        "**Unowned:** shards 2",
    ]


def test_a_long_cluster_is_cut_short() -> None:
    members = tuple(member(str(i), i, 0) for i in range(14))
    lines = cluster_summary(ClusterView(1, members, ()), None, limit=10).splitlines()
    assert len(lines) == 11
    assert lines[-1] == "… and 4 more processes"
    assert cluster_summary(ClusterView(1, (), ()), None) == "no live process"


def test_metrics_report_members_shards_and_lease_ages() -> None:
    metrics = Metrics()
    seen: list[ClusterView | None] = [None]
    metrics.watch_cluster(lambda: seen[0])
    assert "nazh_cluster_members" not in metrics.render().decode()
    seen[0] = VIEW
    text = metrics.render().decode()
    assert "nazh_cluster_members 2.0" in text
    assert "nazh_cluster_unowned_shards 1.0" in text
    assert 'nazh_cluster_member_shards{host="host-a",member="a",pid="11"} 2.0' in text
    assert 'nazh_cluster_member_seen_seconds{member="b"} 0.4' in text
    assert 'nazh_shard_lease_age_seconds{member="a",shard="0"} 90.0' in text
    assert 'shard="2"' not in text
