"""Async storage for Nazh: roll statistics, recent rolls and guild settings.

Use `Storage.open` with a ``sqlite:///...`` or ``postgresql://...`` URL (None: a SQLite file in
the data directory); it applies schema migrations and starts the background flusher.
"""

from __future__ import annotations

from nazh.storage.errors import SchemaTooNewError, StorageClosedError
from nazh.storage.migrations import MIGRATIONS
from nazh.storage.pending import FATE_SIDES, MAX_FACE_TRACKED_SIDES
from nazh.storage.settings import GuildSettings
from nazh.storage.stats import D20Average, GlobalTotals, RollerCount, ServerStats, UserStats
from nazh.storage.storage import MAX_EXPRESSION_LENGTH, RECENT_LIMIT, Storage
from nazh.storage.urls import resolve_url

__all__ = (
    "FATE_SIDES",
    "MAX_EXPRESSION_LENGTH",
    "MAX_FACE_TRACKED_SIDES",
    "MIGRATIONS",
    "RECENT_LIMIT",
    "D20Average",
    "GlobalTotals",
    "GuildSettings",
    "RollerCount",
    "SchemaTooNewError",
    "ServerStats",
    "Storage",
    "StorageClosedError",
    "UserStats",
    "resolve_url",
)
