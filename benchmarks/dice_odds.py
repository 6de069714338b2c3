"""Cold time to compute exact distributions: Nazh (`nazh.dice.odds`) against icepool.

Each expression runs in a fresh Python process for each library (imports done before the
clock starts, nothing cached), so both are measured cold; Nazh's time includes parsing the text.
The first call is the cold time compared; the same call is then repeated in that process and its
median is the warm time (both libraries cache: Nazh its parse, icepool its dice), printed beside
it to show what the first call pays once. Rows in a dialect carry a leading tag
(`roll20: 3d6>3`). Each cell is the median of `--runs` fresh processes.
icepool's `1000d6` needs a raised recursion limit and can take many seconds; it runs under a
timeout and is marked if it hits it. A second table times, cold, the refusal of inputs too
costly for exact odds. A third times `outcome_odds` of every game system's typical call
(`System.typical`), cold and warm the same way, text parsing included.
Refusals and game systems' odds must each take under `TARGET_MS` cold: those rows say whether
they pass.

    .venv/bin/python benchmarks/dice_odds.py [--timeout SECONDS] [--runs N] [--only TABLE]
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys

from nazh.dice.systems import SYSTEMS

CORPUS: list[tuple[str, str]] = [
    ("4d6kh3", "icepool.d6.highest(4, 3)"),
    ("2d20kh1+5", "icepool.d20.highest(2, 1) + 5"),
    ("8d10kh3", "icepool.d10.highest(8, 3)"),
    ("20d20kh5", "icepool.d20.highest(20, 5)"),
    ("10d10>=7", "10 @ icepool.d10.map(lambda x: 1 if x >= 7 else 0)"),
    ("3d6!", "3 @ icepool.d6.explode()"),
    ("100d6", "100 @ icepool.d6"),
    ("1000d6", "1000 @ icepool.d6"),
    ("50d100kh10", "icepool.d100.highest(50, 10)"),
    ("2d6ro<3", "2 @ icepool.d6.reroll([1, 2], depth=1)"),
    ("floor(1d20/2)", "icepool.d20 // 2"),
    ("(1d4)d6", "icepool.d4 @ icepool.d6"),
    ("(1d20)d(1d20)", "icepool.d20.map(lambda n: icepool.d20.map(lambda s: n @ icepool.d(s)))"),
    ("2d[1,1,2,3]", "2 @ icepool.Die([1, 1, 2, 3])"),
    ("roll20: 3d6>3", "3 @ icepool.Die([0, 0, 1, 1, 1, 1])"),
    ("avrae: 10d%", "10 @ icepool.Die(list(range(0, 100, 10)))"),
    ("8d6xo", "8 @ icepool.d6.explode(depth=1)"),
    ("max(4d6, 4d6)", "icepool.highest(4 @ icepool.d6, 4 @ icepool.d6)"),
    ("2d10%7", "(2 @ icepool.d10) % 7"),
]

_WARM = """
warm = []
while len(warm) < 5 and (not warm or sum(warm) < 0.05):
    start = time.perf_counter()
    {call}
    warm.append(time.perf_counter() - start)
warm.sort()
"""
"""Repeats the call after the first: at least once, up to five times within 50 ms."""

_NAZH = """
import json, resource, time
from nazh.dice.odds import distribution
start = time.perf_counter()
result = distribution({text!r})
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
{warm}
print(json.dumps({{"seconds": elapsed, "warm": warm[len(warm) // 2], "peak": peak,
                  "totals": len(result)}}))
"""

TARGET_MS = 10.0
"""Cold milliseconds a refusal, or a game system's typical outcome odds, may take."""

REFUSED = ["500d1000kh250", "1000d1000", "200d100kh100", "500d6!", "12d6ro1ra6"]
"""Inputs too costly for exact odds: the pre-flight estimate must refuse each in under
`TARGET_MS`."""

_REFUSAL = """
import json, time
from nazh.dice import LimitError
from nazh.dice.odds import distribution
start = time.perf_counter()
try:
    distribution({text!r})
except LimitError:
    print(json.dumps({{"seconds": time.perf_counter() - start}}))
else:
    raise SystemExit({text!r} + " was not refused")
"""

_OUTCOMES = """
import json, time
from nazh.dice.odds import outcome_odds
start = time.perf_counter()
result = outcome_odds({text!r})
elapsed = time.perf_counter() - start
{warm}
print(json.dumps({{"seconds": elapsed, "warm": warm[len(warm) // 2], "outcomes": len(result)}}))
"""

_ICEPOOL = """
import json, resource, sys, time
sys.setrecursionlimit(100_000)
import icepool
start = time.perf_counter()
result = {code}
len(result)
elapsed = time.perf_counter() - start
peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
{warm}
print(json.dumps({{"seconds": elapsed, "warm": warm[len(warm) // 2], "peak": peak,
                  "totals": len(result)}}))
"""


def _run(source: str, timeout: float) -> dict[str, float] | None:
    """Run one measurement in a fresh interpreter; None if it timed out."""
    try:
        done = subprocess.run(
            [sys.executable, "-c", source],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=True,
        )
    except subprocess.TimeoutExpired:
        return None
    return json.loads(str(done.stdout).strip().splitlines()[-1])


def _median(source: str, timeout: float, runs: int) -> dict[str, float] | None:
    """Each figure's median over `runs` fresh processes; None once one times out."""
    found: list[dict[str, float]] = []
    for _ in range(runs):
        result = _run(source, timeout)
        if result is None:
            return None
        found.append(result)
        if result["seconds"] > 5:
            break
    return {key: statistics.median(r[key] for r in found) for key in found[0]}


def _nazh(text: str) -> str:
    return _NAZH.format(text=text, warm=_WARM.format(call=f"distribution({text!r})"))


def _outcomes(text: str) -> str:
    return _OUTCOMES.format(text=text, warm=_WARM.format(call=f"outcome_odds({text!r})"))


def _icepool(code: str) -> str:
    return _ICEPOOL.format(code=code, warm=_WARM.format(call=f"len({code})"))


def _ms(seconds: float) -> str:
    milliseconds = seconds * 1000
    return f"{milliseconds:.3f}" if milliseconds < 10 else f"{milliseconds:.1f}"


def _verdict(seconds: float) -> str:
    return "pass" if seconds * 1000 < TARGET_MS else "FAIL"


def totals_table(timeout: float, runs: int) -> None:
    """Print the distributions table: cold (first-call) and warm milliseconds for both, and
    icepool's first call over Nazh's."""
    print(f"{'':<16} {'nazh ms':>17} {'icepool ms':>20}")
    print(
        f"{'expression':<16} {'first':>8} {'warm':>8} {'first':>11} {'warm':>8} {'ratio':>8}"
        "  peak MB (nazh)"
    )
    ratios: list[float] = []
    peaks: list[float] = []
    for text, code in CORPUS:
        ours = _median(_nazh(text), 120, runs)
        assert ours is not None
        theirs = _median(_icepool(code), timeout, runs)
        nazh_ms = ours["seconds"] * 1000
        peaks.append(ours["peak"] / 2**20)
        if theirs is None:
            ratio = timeout * 1000 / nazh_ms
            ratios.append(ratio)
            icepool_text = f">{timeout * 1000:.0f} (timeout)"
            icepool_warm = "-"
            ratio_text = f">{ratio:.0f}x"
        else:
            ratio = theirs["seconds"] * 1000 / nazh_ms
            ratios.append(ratio)
            icepool_text = _ms(theirs["seconds"])
            icepool_warm = _ms(theirs["warm"])
            ratio_text = f"{ratio:.1f}x"
        print(
            f"{text:<16} {_ms(ours['seconds']):>8} {_ms(ours['warm']):>8} {icepool_text:>11}"
            f" {icepool_warm:>8} {ratio_text:>8}  {peaks[-1]:.0f}"
        )
    print(f"median ratio {statistics.median(ratios):.1f}x, smallest ratio {min(ratios):.1f}x")
    print(f"peak memory of any Nazh process {max(peaks):.0f} MB")


def refusals_table(runs: int) -> None:
    """Print the cold time of each refusal of the pre-flight estimate, against the target."""
    print(f"{'refused':<14} {'nazh ms':>9}  (pre-flight estimate, target < {TARGET_MS:.0f} ms)")
    for text in REFUSED:
        refused = _median(_REFUSAL.format(text=text), 60, runs)
        assert refused is not None
        print(f"{text:<14} {refused['seconds'] * 1000:>9.2f}  {_verdict(refused['seconds'])}")


def systems_table(runs: int) -> None:
    """Print `outcome_odds` of each game system's typical call: cold and warm milliseconds,
    how many outcomes it names, and whether the cold time meets the target."""
    print(f"{'game system':<11} {'typical call':<24} {'cold ms':>9} {'warm ms':>9} {'outcomes':>9}")
    slowest = 0.0
    for name in sorted(SYSTEMS):
        call = SYSTEMS[name].typical
        found = _median(_outcomes(call), 60, runs)
        assert found is not None
        slowest = max(slowest, found["seconds"])
        print(
            f"{name:<11} {call:<24} {_ms(found['seconds']):>9} {_ms(found['warm']):>9}"
            f" {found['outcomes']:>9.0f}  {_verdict(found['seconds'])}"
        )
    print(f"slowest cold {_ms(slowest)} ms (target < {TARGET_MS:.0f} ms): {_verdict(slowest)}")


def main() -> None:
    """Print the tables: distributions against icepool, refusals, and game systems' outcome
    odds (or only the one named by `--only`)."""
    parser = argparse.ArgumentParser(
        description="Cold exact-odds times: Nazh against icepool, refusals, game systems."
    )
    parser.add_argument("--timeout", type=float, default=60.0, help="icepool limit per row")
    parser.add_argument("--runs", type=int, default=5, help="fresh processes per cell")
    parser.add_argument(
        "--only", choices=("totals", "refusals", "systems"), help="print this table alone"
    )
    args = parser.parse_args()
    tables = (
        ("totals", lambda: totals_table(args.timeout, args.runs)),
        ("refusals", lambda: refusals_table(args.runs)),
        ("systems", lambda: systems_table(args.runs)),
    )
    chosen = [table for name, table in tables if args.only in (None, name)]
    for index, table in enumerate(chosen):
        if index:
            print()
        table()


if __name__ == "__main__":
    main()
