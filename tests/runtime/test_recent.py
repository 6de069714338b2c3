"""Recent rolls: newest first, distinct, bounded."""

from __future__ import annotations

from nazh.recent import RecentRolls


def test_newest_first_and_distinct() -> None:
    recent = RecentRolls(per_user=3)
    for expression in ("1d20", "4d6kh3", "1d20", "2d6", "1d8"):
        recent.add(7, expression)
    assert recent.get(7) == ["1d8", "2d6", "1d20"]
    assert recent.get(8) == []


def test_users_are_bounded() -> None:
    recent = RecentRolls(max_users=10)
    for user in range(100):
        recent.add(user, "1d20")
    assert len(recent) == 10
    assert recent.get(99) == ["1d20"]
    assert recent.get(0) == []
