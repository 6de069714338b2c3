"""Cold and warm time to work out the exact outcome odds of each game system's typical roll.

Each system's `typical` call runs in a fresh Python process (imports done before the clock
starts, nothing cached), so the first call is the cold time; the same call is then repeated in
that process and its median is the warm time. Each cell is the median of `--runs` fresh
processes. The target is under 10 ms cold for every row.

    .venv/bin/python benchmarks/systems_odds.py [--runs N]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

from nazh.dice.systems import SYSTEMS

TARGET_MS = 10.0
"""Cold milliseconds a typical call may take."""

_RUN = """
import json, time
from nazh.dice.systems import split_call, system_odds
name, positional, named = split_call({call!r})
start = time.perf_counter()
odds = system_odds(name, positional, named)
elapsed = time.perf_counter() - start
warm = []
while len(warm) < 5 and (not warm or sum(warm) < 0.05):
    start = time.perf_counter()
    system_odds(name, positional, named)
    warm.append(time.perf_counter() - start)
warm.sort()
print(json.dumps({{"seconds": elapsed, "warm": warm[len(warm) // 2], "outcomes": len(odds)}}))
"""


def _run(call: str) -> dict[str, float]:
    """One measurement in a fresh interpreter."""
    done = subprocess.run(
        [sys.executable, "-c", _RUN.format(call=call)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    return json.loads(str(done.stdout).strip().splitlines()[-1])


def _median(call: str, runs: int) -> dict[str, float]:
    found = [_run(call) for _ in range(runs)]
    return {key: statistics.median(r[key] for r in found) for key in found[0]}


def _ms(seconds: float) -> str:
    milliseconds = seconds * 1000
    return f"{milliseconds:.3f}" if milliseconds < 10 else f"{milliseconds:.1f}"


def main() -> None:
    """Print one row per system: its typical call, cold and warm milliseconds, and whether the
    cold time meets the target."""
    parser = argparse.ArgumentParser(description="Cold exact outcome odds of each game system.")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per row")
    args = parser.parse_args()
    print(f"{'system':<10} {'typical call':<24} {'cold ms':>9} {'warm ms':>9} {'outcomes':>9}")
    slowest = 0.0
    for name in sorted(SYSTEMS):
        call = SYSTEMS[name].typical
        found = _median(call, args.runs)
        cold = found["seconds"] * 1000
        slowest = max(slowest, cold)
        flag = "" if cold < TARGET_MS else f"  over {TARGET_MS:.0f} ms"
        print(
            f"{name:<10} {call:<24} {_ms(found['seconds']):>9} {_ms(found['warm']):>9}"
            f" {found['outcomes']:>9.0f}{flag}"
        )
    print(f"slowest cold {slowest:.3f} ms (target < {TARGET_MS:.0f} ms)")


if __name__ == "__main__":
    main()
