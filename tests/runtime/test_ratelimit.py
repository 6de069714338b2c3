"""The sliding-window limiter behind "slow down"."""

from __future__ import annotations

from nazh.ratelimit import SlidingWindowLimiter


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_allows_the_limit_then_says_how_long_to_wait() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(3, 10.0, clock=clock)
    assert [limiter.hit(1) for _ in range(3)] == [0.0, 0.0, 0.0]
    clock.now += 4
    assert limiter.hit(1) == 6.0
    assert limiter.hit(2) == 0.0


def test_the_window_slides() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(2, 10.0, clock=clock)
    limiter.hit(1)
    clock.now += 6
    limiter.hit(1)
    clock.now += 5
    assert limiter.hit(1) == 0.0
    assert limiter.hit(1) > 0


def test_memory_stays_bounded() -> None:
    clock = FakeClock()
    limiter = SlidingWindowLimiter(1, 10.0, max_keys=100, clock=clock)
    for user in range(1000):
        limiter.hit(user)
    assert len(limiter) <= 101
    clock.now += 11
    limiter.hit(5000)
    assert len(limiter) == 1
