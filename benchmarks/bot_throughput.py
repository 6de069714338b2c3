"""Nazh vs a bare lightbulb bot through the loopback Discord: throughput, latency, memory.

Each bot runs as its own process (``python -m nazh`` and ``benchmarks/bare_bot.py``) against an
emulator in this process. For each: N ``/roll 4d6kh3`` interactions at a fixed rate and at full
speed (interaction-to-callback latency p50/p99, throughput), then RSS after READY with 2,500
guilds. Prints a table with Nazh/bare ratios.

Then, for Nazh alone on SQLite and on PostgreSQL: ``/roll attack`` (a saved roll of
``1d20+7 attack``) against ``/roll 1d20+7 attack`` typed out, in alternating full-speed
rounds; the cost of a roll is 1/throughput, and the saved/typed ratio should be at most 1.2.

    .venv/bin/python benchmarks/bot_throughput.py [--count 2000] [--rate 200] [--saved-only]
      [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
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

import asyncpg

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
    emu: LoopbackDiscord, command: list[str], data_dir: str, **extra: str
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
        **extra,
    }
    process = await asyncio.create_subprocess_exec(*command, env=env, cwd=data_dir)
    await emu.wait_ready(max_wait=120)
    await emu.wait_commands({"roll"}, max_wait=60)
    for _ in range(200):
        outcome = await emu.slash("roll", {"expression": "4d6kh3"}, settle=0, max_wait=0.5)
        if outcome.responded:
            return process
    raise RuntimeError("the bot never answered")


async def _one(emu: LoopbackDiscord, latencies: list[float], expression: str = "4d6kh3") -> None:
    outcome = await emu.slash("roll", {"expression": expression}, settle=0, max_wait=10)
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
    emu: LoopbackDiscord, count: int, concurrency: int, expression: str = "4d6kh3"
) -> tuple[list[float], float]:
    latencies: list[float] = []
    queue = iter(range(count))

    async def worker() -> None:
        for _ in queue:
            await _one(emu, latencies, expression)

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


@dataclass
class SavedRun:
    typed_throughput: float
    saved_throughput: float
    typed_p50: float
    saved_p50: float
    typed_p99: float
    saved_p99: float


SAVED = "1d20+7 attack"
ROUNDS = 3


async def _measure_saved(count: int, **env: str) -> SavedRun:
    """Typed and saved rolls in alternating full-speed rounds against one Nazh process."""
    typed: list[float] = []
    saved: list[float] = []
    rates: dict[str, list[float]] = {"typed": [], "saved": []}
    with tempfile.TemporaryDirectory() as data_dir:
        emu = LoopbackDiscord(guilds=1, openapi=False, rate_limit=(1_000_000, 1.0))
        await emu.start()
        process = await _start_bot(emu, [sys.executable, "-m", "nazh"], data_dir, **env)
        try:
            await emu.wait_commands({"rolls"}, max_wait=60)
            answer = await emu.slash("rolls save", {"name": "attack", "expression": SAVED})
            if "Saved" not in answer.content:
                raise RuntimeError(f"could not save the roll: {answer.content}")
            for _ in range(ROUNDS):
                for kind, expression, into in (
                    ("typed", SAVED, typed),
                    ("saved", "attack", saved),
                ):
                    latencies, rate = await _full_speed(emu, count, 64, expression)
                    into.extend(latencies)
                    rates[kind].append(rate)
        finally:
            process.terminate()
            await process.wait()
            await emu.stop()
    return SavedRun(
        typed_throughput=statistics.median(rates["typed"]),
        saved_throughput=statistics.median(rates["saved"]),
        typed_p50=statistics.median(typed) * 1000,
        saved_p50=statistics.median(saved) * 1000,
        typed_p99=_percentile(typed, 0.99) * 1000,
        saved_p99=_percentile(saved, 0.99) * 1000,
    )


async def _postgres_database(admin_url: str) -> tuple[str, str]:
    """A fresh database next to `admin_url`'s: its URL and name."""
    name = f"nazh_bench_{os.getpid()}"
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}"')
        await connection.execute(f'CREATE DATABASE "{name}"')
    finally:
        await connection.close()
    return admin_url.rsplit("/", 1)[0] + f"/{name}", name


async def _drop_database(admin_url: str, name: str) -> None:
    connection = await asyncpg.connect(admin_url)
    try:
        await connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    finally:
        await connection.close()


async def saved_rows(count: int, postgres: str) -> None:
    """Print the saved-versus-typed table, on SQLite and on PostgreSQL."""
    runs = [("SQLite", await _measure_saved(count))]
    url, name = await _postgres_database(postgres)
    try:
        runs.append(("PostgreSQL", await _measure_saved(count, NAZH_DATABASE_URL=url)))
    finally:
        await _drop_database(postgres, name)
    print(f"\n{'saved roll vs typed':<28}{'typed':>12}{'saved':>12}{'saved/typed':>12}")
    for label, run in runs:
        cost = run.typed_throughput / run.saved_throughput
        for metric, typed, saved in (
            ("throughput /s", run.typed_throughput, run.saved_throughput),
            ("p50 ms", run.typed_p50, run.saved_p50),
            ("p99 ms", run.typed_p99, run.saved_p99),
        ):
            print(f"{label + ' ' + metric:<28}{typed:>12.2f}{saved:>12.2f}{saved / typed:>12.2f}")
        print(f"{label + ' cost per roll':<28}{'':>12}{'':>12}{cost:>12.2f}  (target <= 1.20)")


async def main() -> None:
    parser = argparse.ArgumentParser(description="Nazh vs a bare lightbulb bot via the emulator.")
    parser.add_argument("--count", type=int, default=2000, help="interactions per phase")
    parser.add_argument("--rate", type=float, default=200.0, help="fixed rate, interactions/s")
    parser.add_argument("--saved-only", action="store_true", help="only saved versus typed")
    parser.add_argument(
        "--postgres",
        default="postgresql://postgres@127.0.0.1:5432/postgres",
        help="a PostgreSQL URL whose server may hold a scratch database",
    )
    args = parser.parse_args()
    if args.saved_only:
        await saved_rows(args.count, args.postgres)
        return
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
    await saved_rows(args.count, args.postgres)


if __name__ == "__main__":
    asyncio.run(main())
