"""Prometheus metrics of one Nazh process, in a registry of its own."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nazh.storage.leases import ClusterView

__all__ = ("ClusterStatus", "GatewayStatus", "Metrics")

GatewayStatus = Callable[[], tuple[float, int, dict[int, bool]]]
"""Returns (gateway latency in seconds or NaN, guild count, {shard id: connected})."""

ClusterStatus = Callable[[], "ClusterView | None"]
"""Returns the shard cluster as last seen (None outside a cluster or before the first look)."""


class _ClusterCollector(Collector):
    def __init__(self, status: ClusterStatus) -> None:
        self._status = status

    def collect(self) -> Iterator[GaugeMetricFamily]:
        view = self._status()
        if view is None:
            return
        yield GaugeMetricFamily(
            "nazh_cluster_members", "Live processes of the shard cluster.", value=len(view.members)
        )
        yield GaugeMetricFamily(
            "nazh_cluster_unowned_shards",
            "Shards no live process holds a lease on.",
            value=len(view.unowned),
        )
        shards = GaugeMetricFamily(
            "nazh_cluster_member_shards",
            "Shard leases each live process holds.",
            labels=["member", "host", "pid"],
        )
        seen = GaugeMetricFamily(
            "nazh_cluster_member_seen_seconds",
            "Seconds since each live process last renewed its leases.",
            labels=["member"],
        )
        for member in view.members:
            shards.add_metric([member.member_id, member.host, str(member.pid)], member.held)
            seen.add_metric([member.member_id], member.seen_ago)
        yield shards
        yield seen
        ages = GaugeMetricFamily(
            "nazh_shard_lease_age_seconds",
            "Seconds each shard's lease has been held by its current process.",
            labels=["shard", "member"],
        )
        for lease in view.leases:
            if lease.owner is not None and lease.held_for is not None:
                ages.add_metric([str(lease.shard_id), lease.owner], lease.held_for)
        yield ages


class _GatewayCollector(Collector):
    def __init__(self, status: GatewayStatus) -> None:
        self._status = status

    def collect(self) -> Iterator[GaugeMetricFamily]:
        latency, guilds, shards = self._status()
        yield GaugeMetricFamily(
            "nazh_gateway_latency_seconds", "Heartbeat latency of the gateway.", value=latency
        )
        yield GaugeMetricFamily("nazh_guilds", "Guilds the bot is in.", value=guilds)
        connected = GaugeMetricFamily(
            "nazh_shard_connected", "1 when the shard is connected.", labels=["shard"]
        )
        for shard_id, is_connected in sorted(shards.items()):
            connected.add_metric([str(shard_id)], 1.0 if is_connected else 0.0)
        yield connected


class Metrics:
    """Counters and histograms that handlers update, exposed at ``/metrics``."""

    __slots__ = (
        "commands",
        "errors",
        "latency",
        "registry",
        "rolls",
        "self_ping_last_success",
        "self_pings",
    )

    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.commands = Counter(
            "nazh_commands",
            "Commands handled, by command, source and outcome.",
            ["command", "source", "outcome"],
            registry=self.registry,
        )
        self.rolls = Counter(
            "nazh_rolls", "Rolls evaluated, by outcome.", ["outcome"], registry=self.registry
        )
        self.errors = Counter(
            "nazh_errors",
            "Unexpected errors, by where they happened.",
            ["where"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "nazh_command_latency_seconds",
            "Time from receiving a command to answering it.",
            ["command"],
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
            registry=self.registry,
        )
        self.self_pings = Counter(
            "nazh_self_pings",
            "Requests to the bot's own public URL, by outcome (ok or error).",
            ["outcome"],
            registry=self.registry,
        )
        self.self_ping_last_success = Gauge(
            "nazh_self_ping_last_success_timestamp_seconds",
            "Unix time of the last self-ping that was answered (0: none yet).",
            registry=self.registry,
        )

    def watch_gateway(self, status: GatewayStatus) -> None:
        """Report gateway latency, guilds and shard states from ``status`` at each scrape."""
        self.registry.register(_GatewayCollector(status))

    def watch_cluster(self, status: ClusterStatus) -> None:
        """Report the shard cluster (members, shards each, lease ages) from ``status``."""
        self.registry.register(_ClusterCollector(status))

    def render(self) -> bytes:
        """The Prometheus text exposition of every metric."""
        return generate_latest(self.registry)
