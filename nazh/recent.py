"""Each user's recent roll expressions, kept in memory and bounded."""

from __future__ import annotations

import collections

__all__ = ("RecentRolls",)


class RecentRolls:
    """The last ``per_user`` distinct expressions of at most ``max_users`` users, newest first."""

    __slots__ = ("_by_user", "max_users", "per_user")

    def __init__(self, *, per_user: int = 10, max_users: int = 10_000) -> None:
        self.per_user = per_user
        self.max_users = max_users
        self._by_user: collections.OrderedDict[int, list[str]] = collections.OrderedDict()

    def add(self, user_id: int, expression: str) -> None:
        """Remember ``expression`` as the user's most recent roll."""
        entries = self._by_user.pop(user_id, [])
        if expression in entries:
            entries.remove(expression)
        entries.insert(0, expression)
        del entries[self.per_user :]
        self._by_user[user_id] = entries
        while len(self._by_user) > self.max_users:
            self._by_user.popitem(last=False)

    def get(self, user_id: int) -> list[str]:
        """The user's recent expressions, newest first."""
        return list(self._by_user.get(user_id, ()))

    def __len__(self) -> int:
        return len(self._by_user)
