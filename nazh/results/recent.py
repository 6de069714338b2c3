"""The results this process kept or read lately, so that a press on their buttons needs no
database read (the common case: a server's presses reach the process that posted its results).

Kept results never change but for their reveal, which `nazh.results.buttons` settles in the
database (`Results.claim_reveal`) whatever a cached copy says; a copy older than the store's TTL
is never served. Entries are keyed by the database as well as the id, so processes running
several bots (tests) never mix them.
"""

from __future__ import annotations

import collections
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nazh.storage import Storage, StoredResult

__all__ = ("MAX_RECENT", "RecentResults", "recent")

MAX_RECENT = 10_000
"""Results remembered; the least recently used go first."""


class RecentResults:
    """A bounded, least-recently-used memory of kept results by database and id."""

    __slots__ = ("_items", "limit")

    def __init__(self, limit: int = MAX_RECENT) -> None:
        self.limit = limit
        self._items: collections.OrderedDict[tuple[str, str], StoredResult] = (
            collections.OrderedDict()
        )

    def __len__(self) -> int:
        return len(self._items)

    def remember(self, storage: Storage, result: StoredResult) -> None:
        """Remember `result` as `storage` holds it now."""
        key = (storage.url, result.id)
        self._items[key] = result
        self._items.move_to_end(key)
        while len(self._items) > self.limit:
            self._items.popitem(last=False)

    def recall(self, storage: Storage, result_id: str) -> StoredResult | None:
        """The remembered result, None when unknown here or older than the store's TTL."""
        key = (storage.url, result_id)
        found = self._items.get(key)
        if found is None:
            return None
        if found.created_at < time.time() - storage.results.ttl:
            del self._items[key]
            return None
        self._items.move_to_end(key)
        return found

    async def preload(self, storage: Storage) -> int:
        """Remember the newest results `storage` holds (at start-up, so presses on results
        posted before a restart need no database read); return how many."""
        found = await storage.results.latest(self.limit)
        for result in reversed(found):
            self.remember(storage, result)
        return len(found)

    def clear(self) -> None:
        """Forget every result."""
        self._items.clear()

    def forget_user(self, user_id: int) -> None:
        """Forget every result of `user_id` (after `/stats forget-me`)."""
        for key in [key for key, result in self._items.items() if result.user_id == user_id]:
            del self._items[key]


recent = RecentResults()
"""This process's memory of recent results."""
