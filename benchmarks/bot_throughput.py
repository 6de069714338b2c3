"""Nazh vs a bare lightbulb bot through the loopback Discord: throughput, latency, memory.

Each bot runs as its own process (``python -m nazh`` and ``benchmarks/bare_bot.py``) against an
emulator in this process. For each: N ``/roll 4d6kh3`` interactions at a fixed rate and at full
speed (interaction-to-callback latency p50/p99, throughput), then RSS after READY with 2,500
guilds. Prints a table with Nazh/bare ratios.

    .venv/bin/python benchmarks/bot_throughput.py [--count 2000] [--rate 200]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from nazh.loopback import LoopbackDiscord

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class Run:
    rate_p50: float
    rate_p99: float
    rate_achieved: float
    full_throughput: float
    full_p50: float
    full_p99: float
    rss_mib: float


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


async def _start_bot(
    emu: LoopbackDiscord, command: list[str], data_dir: str
) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "DISCORD_TOKEN": emu.token,
        "NAZH_DISCORD_API_URL": emu.rest_url,
        "NAZH_GUILD_IDS": str(emu.guild_id),
        "NAZH_HEALTH_HOST": "127.0.0.1",
        "PORT": "0",
        "NAZH_DATA_DIR": data_dir,
        "NAZH_ROLL_RATE": "1000000/1",
        "LOG_LEVEL": "WARNING",
    }
    process = await asyncio.create_subprocess_exec(*command, env=env, cwd=data_dir)
    await emu.wait_ready(max_wait=120)
    await emu.wait_commands({"roll"}, max_wait=60)
    for _ in range(200):
        outcome = await emu.slash("roll", {"expression": "4d6kh3"}, settle=0, max_wait=0.5)
        if outcome.responded:
            return process
    raise RuntimeError("the bot never answered")


async def _one(emu: LoopbackDiscord, latencies: list[float]) -> None:
    outcome = await emu.slash("roll", {"expression": "4d6kh3"}, settle=0, max_wait=10)
    if outcome.latency is None:
        raise RuntimeError(f"no answer: {outcome}")
    latencies.append(outcome.latency)


async def _at_rate(emu: LoopbackDiscord, count: int, rate: float) -> tuple[list[float], float]:
    latencies: list[float] = []
    tasks: list[asyncio.Task[None]] = []
    start = time.perf_counter()
    for i in range(count):
        delay = start + i / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_one(emu, latencies)))
    await asyncio.gather(*tasks)
    return latencies, count / (time.perf_counter() - start)


async def _full_speed(
    emu: LoopbackDiscord, count: int, concurrency: int
) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue = iter(range(count))

    async def worker() -> None:
        for _ in queue:
            await _one(emu, latencies)

    start = time.perf_counter()
    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return latencies, count / (time.perf_counter() - start)


async def _measure(command: list[str], count: int, rate: float) -> Run:
    with tempfile.TemporaryDirectory() as data_dir:
        emu = LoopbackDiscord(guilds=1, openapi=False, rate_limit=(1_000_000, 1.0))
        await emu.start()
        process = await _start_bot(emu, command, data_dir)
        try:
            rated, achieved = await _at_rate(emu, count, rate)
            full, throughput = await _full_speed(emu, count, concurrency=64)
        finally:
            process.terminate()
            await process.wait()
            await emu.stop()
        big = LoopbackDiscord(guilds=2500, openapi=False, rate_limit=(1_000_000, 1.0))
        await big.start()
        process = await _start_bot(big, command, data_dir)
        try:
            await asyncio.sleep(1.0)
            rss = _rss_mib(process.pid)
        finally:
            process.terminate()
            await process.wait()
            await big.stop()
    return Run(
        rate_p50=statistics.median(rated) * 1000,
        rate_p99=_percentile(rated, 0.99) * 1000,
        rate_achieved=achieved,
        full_throughput=throughput,
        full_p50=statistics.median(full) * 1000,
        full_p99=_percentile(full, 0.99) * 1000,
        rss_mib=rss,
    )


async def main() -> None:
    parser = argparse.ArgumentParser(description="Nazh vs a bare lightbulb bot via the emulator.")
    parser.add_argument("--count", type=int, default=2000, help="interactions per phase")
    parser.add_argument("--rate", type=float, default=200.0, help="fixed rate, interactions/s")
    args = parser.parse_args()
    nazh = await _measure([sys.executable, "-m", "nazh"], args.count, args.rate)
    bare = await _measure(
        [sys.executable, str(ROOT / "benchmarks" / "bare_bot.py")], args.count, args.rate
    )
    rows = [
        (f"p50 ms @ {args.rate:.0f}/s", nazh.rate_p50, bare.rate_p50),
        (f"p99 ms @ {args.rate:.0f}/s", nazh.rate_p99, bare.rate_p99),
        ("achieved rate /s", nazh.rate_achieved, bare.rate_achieved),
        ("full-speed throughput /s", nazh.full_throughput, bare.full_throughput),
        ("full-speed p50 ms", nazh.full_p50, bare.full_p50),
        ("full-speed p99 ms", nazh.full_p99, bare.full_p99),
        ("RSS MiB, 2,500 guilds", nazh.rss_mib, bare.rss_mib),
    ]
    print(f"{'metric':<28}{'nazh':>12}{'bare':>12}{'nazh/bare':>12}")
    for name, ours, theirs in rows:
        print(f"{name:<28}{ours:>12.2f}{theirs:>12.2f}{ours / theirs:>12.2f}")
    print(
        "targets: throughput >= 0.80x bare, p99 < 50 ms at 200/s, RSS <= 1.25x bare "
        f"-> {nazh.full_throughput / bare.full_throughput:.2f}x, {nazh.rate_p99:.1f} ms, "
        f"{nazh.rss_mib / bare.rss_mib:.2f}x"
    )


if __name__ == "__main__":
    asyncio.run(main())
