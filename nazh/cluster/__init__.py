"""A cluster of Nazh processes that split the gateway shards between them through PostgreSQL."""

from __future__ import annotations

from nazh.cluster.coordinator import ShardControl, ShardCoordinator, Timing
from nazh.cluster.policy import fair_share, surplus

__all__ = ("ShardControl", "ShardCoordinator", "Timing", "fair_share", "surplus")
