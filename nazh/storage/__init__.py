"""Async storage for Nazh: roll statistics, recent rolls, saved rolls, kept results, settings.

Use `Storage.open` with a ``sqlite:///...`` or ``postgresql://...`` URL (None: a SQLite file in
the data directory); it applies schema migrations, writes the journal an earlier run left and
starts the background flusher.
"""

from __future__ import annotations

from nazh.storage.errors import SchemaTooNewError, StorageClosedError
from nazh.storage.migrations import MIGRATIONS
from nazh.storage.pending import FATE_SIDES, MAX_FACE_TRACKED_SIDES
from nazh.storage.results import (
    DEFAULT_RESULT_TTL,
    REVEAL_CLAIM_TIMEOUT,
    VISIBILITIES,
    Results,
    Reveal,
    StoredResult,
    Visibility,
)
from nazh.storage.saved import (
    MAX_GUILD_ROLLS,
    MAX_USER_ROLLS,
    ImportResult,
    RenameOutcome,
    RenameResult,
    SavedRoll,
    SavedRollLimitError,
    SavedRolls,
    SaveResult,
    Scope,
    normalise_name,
    roll_limit,
)
from nazh.storage.settings import GuildSettings, GuildSettingsChanges
from nazh.storage.stats import D20Average, GlobalTotals, RollerCount, ServerStats, UserStats
from nazh.storage.storage import (
    CLOSE_BUDGET,
    MAX_EXPRESSION_LENGTH,
    OUTAGE_CLOSE_BUDGET,
    RECENT_LIMIT,
    CloseOutcome,
    Storage,
)
from nazh.storage.urls import resolve_url

__all__ = (
    "CLOSE_BUDGET",
    "DEFAULT_RESULT_TTL",
    "FATE_SIDES",
    "MAX_EXPRESSION_LENGTH",
    "MAX_FACE_TRACKED_SIDES",
    "MAX_GUILD_ROLLS",
    "MAX_USER_ROLLS",
    "MIGRATIONS",
    "OUTAGE_CLOSE_BUDGET",
    "RECENT_LIMIT",
    "REVEAL_CLAIM_TIMEOUT",
    "VISIBILITIES",
    "CloseOutcome",
    "D20Average",
    "GlobalTotals",
    "GuildSettings",
    "GuildSettingsChanges",
    "ImportResult",
    "RenameOutcome",
    "RenameResult",
    "Results",
    "Reveal",
    "RollerCount",
    "SaveResult",
    "SavedRoll",
    "SavedRollLimitError",
    "SavedRolls",
    "SchemaTooNewError",
    "Scope",
    "ServerStats",
    "Storage",
    "StorageClosedError",
    "StoredResult",
    "UserStats",
    "Visibility",
    "normalise_name",
    "resolve_url",
    "roll_limit",
)
