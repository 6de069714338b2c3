"""Rolls per second: Nazh (OS CSPRNG, cached parse, `render()`) against Avrae's `d20`.

Run: `.venv/bin/python benchmarks/dice_roll.py [--quick]`.

Prints one row per expression (microseconds per roll, and d20 time / Nazh time), the median
ratio, and the slowest accepted worst-case input (parse without cache + roll + render).
Targets: ratio >= 1.5 on every row, >= 3 on the median row; worst case well under 50 ms.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from typing import TYPE_CHECKING

import d20

from nazh.dice import DiceError, Expression, parse, roll

if TYPE_CHECKING:
    from collections.abc import Callable

CORPUS = (
    "1d20",
    "1d20+5",
    "2d20kh1+7",
    "4d6kh3",
    "8d6",
    "1d20+1d4+3",
    "10d10>=7",
    "3d6!",
    "2d6ro<2",
    "(1d8+4)*2",
    "100d6",
    "1000d6",
    "floor(1d20/2)",
    "4d6sd",
    "(1d4)d6",
    "roll20: 3d6>3",
    "dicemaiden: 4d6 k3",
)

D20_SPELLING = {
    "3d6!": "3d6e6",
    "floor(1d20/2)": "1d20//2",
    "4d6sd": "4d6",
    "(1d4)d6": "1d4+1d6",
    "roll20: 3d6>3": "3d6>3",
    "dicemaiden: 4d6 k3": "4d6kh3",
}
"""d20 has no `!`; its `10d10>=7` is a comparison, the nearest equivalent it runs. It has no
floor(), sorting, computed counts or dialect tags: those rows time its nearest roll."""

WORST_CASES = (
    "2 ^ 39 * 1d2",
    "(1d1000)d1000000",
    "1000d1000u",
    "1000d[" + ",".join(str(face) for face in range(100)) + "]sd",
    "floor(" * 24 + "1d20 / 3" + ")" * 24,
    ";".join(["50d6!"] * 20),
    "0.333333333333 * " * 60 + "1d6",
    "1000d1000000",
    "1000d6kh500",
    "1000d6>=4f1",
    "1000dF",
    "500d6!",
    "600d2ro1",
    "20#50d20kh25",
    "20#25d6rr1",
    "500d6!!",
    "+".join(["1d2"] * 249),
    "{" + ", ".join(["1d6"] * 199) + "}kh100",
    "(" * 49 + "1d6" + ")" * 49,
    "{" * 49 + "1d6" + "}" * 49,
    "-" * 49 + "1d6",
    "*".join(["1d6"] * 15),
    "1d20 " + "a long comment @everyone " * 39,
)


def per_call(action: Callable[[], object], budget: float) -> float:
    """Best-of-5 seconds per call, each run lasting about `budget` seconds."""
    start = time.perf_counter()
    calls = 0
    while time.perf_counter() - start < budget / 5:
        action()
        calls += 1
    number = max(1, calls)
    best = float("inf")
    for _ in range(5):
        start = time.perf_counter()
        for _ in range(number):
            action()
        best = min(best, (time.perf_counter() - start) / number)
    return best


def nazh_call(text: str) -> Callable[[], object]:
    parse(text)
    return lambda: roll(text).render()


def d20_call(text: str) -> Callable[[], object]:
    spelled = D20_SPELLING.get(text, text)
    return lambda: str(d20.roll(spelled))


def worst_case(text: str) -> tuple[float, bool]:
    """Slowest of three timings of parse (uncached) + roll + render, and whether it rolled."""
    accepted = True

    def once() -> None:
        nonlocal accepted
        try:
            roll(Expression.from_text(text)).render()
        except DiceError:
            accepted = False

    return max(per_call(once, 0.05) for _ in range(3)), accepted


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="shorter runs, noisier figures")
    budget = 0.1 if parser.parse_args().quick else 0.5

    print(f"{'expression':<14} {'nazh us':>9} {'d20 us':>9} {'ratio':>7}")
    ratios: list[float] = []
    for text in CORPUS:
        ours = per_call(nazh_call(text), budget) * 1e6
        theirs = per_call(d20_call(text), budget) * 1e6
        ratio = theirs / ours
        ratios.append(ratio)
        print(f"{text:<14} {ours:>9.2f} {theirs:>9.2f} {ratio:>6.2f}x")
    median = statistics.median(ratios)
    print(f"{'median':<14} {'':>9} {'':>9} {median:>6.2f}x")

    slowest, slowest_text = 0.0, ""
    for text in WORST_CASES:
        seconds, accepted = worst_case(text)
        if accepted and seconds > slowest:
            slowest, slowest_text = seconds, text
    shown = slowest_text if len(slowest_text) <= 40 else slowest_text[:37] + "..."
    print(f"worst accepted case: {slowest * 1e3:.2f} ms for {shown!r} (parse + roll + render)")

    ok = min(ratios) >= 1.5 and median >= 3 and slowest < 0.05
    print("targets met" if ok else "targets NOT met")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
