"""Fair shares of shards: even, within caps, and the same answer on every member."""

from __future__ import annotations

import pytest

from nazh.cluster import fair_share, surplus


@pytest.mark.parametrize(
    ("shards", "caps", "shares"),
    [
        (8, [None, None, None], [3, 3, 2]),
        (8, [None, None], [4, 4]),
        (8, [None], [8]),
        (2, [None, None, None], [1, 1, 0]),
        (8, [1, None, None], [1, 4, 3]),
        (8, [None, 2, 2], [4, 2, 2]),
        (8, [2, 2, 2], [2, 2, 2]),
        (9, [None, None, None], [3, 3, 3]),
    ],
)
def test_shares_are_even_within_caps(
    shards: int, caps: list[int | None], shares: list[int]
) -> None:
    assert [fair_share(shards, caps, i) for i in range(len(caps))] == shares


@pytest.mark.parametrize("shards", [1, 5, 8, 16, 31])
@pytest.mark.parametrize("members", [1, 2, 3, 4, 7])
def test_uncapped_shares_cover_every_shard_and_differ_by_at_most_one(
    shards: int, members: int
) -> None:
    shares = [fair_share(shards, [None] * members, i) for i in range(members)]
    assert sum(shares) == shards
    assert max(shares) - min(shares) <= 1


def test_a_member_not_in_the_list_is_an_error() -> None:
    with pytest.raises(IndexError):
        fair_share(8, [None, None], 2)


def test_surplus_offers_the_highest_shards_beyond_the_share() -> None:
    assert surplus({0, 5, 3, 7}, 2) == (5, 7)
    assert surplus({0, 1}, 2) == ()
    assert surplus({4}, 0) == (4,)
