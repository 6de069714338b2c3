"""What keeping a roll result costs on the roll path: one INSERT per roll, or memory and a flush.

`Results.keep` runs for every result that carries buttons. Writing each result in its own
transaction would put a database round trip on every roll, so this times that against what
`keep` does (remember it in memory) plus its share of the flush that writes a second's results
in one transaction, and the button-press side: `get` before and after the write, and a Reveal's
claim and record. The verdict row says whether an INSERT per roll stays within the budget.

    .venv/bin/python benchmarks/results_store.py [--rolls 2000] [--batch 50] [--postgres URL]

SQLite is a temporary file (WAL, as the bot runs it); PostgreSQL is timed when a URL is given
(its tables are created there, so give it an empty database).
"""

from __future__ import annotations

import argparse
import asyncio
import secrets
import statistics
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import insert

from nazh.storage import Results, resolve_url
from nazh.storage.engine import create_engine, use_wal
from nazh.storage.migrations import migrate
from nazh.storage.schema import roll_results

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable

    from sqlalchemy.ext.asyncio import AsyncEngine

INSERT_BUDGET_MS = 0.3
"""The most an INSERT per roll may cost (median, SQLite) for `keep` to write straight through."""
CONTENT = "<@123456789012345678> rolled `1d20+5 attack`: [**17**] + 5 = **22**" * 3


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


async def timed(count: int, action: Callable[[int], Awaitable[object]]) -> list[float]:
    """Seconds each of `count` calls of `action(index)` took."""
    samples: list[float] = []
    for index in range(count):
        started = time.perf_counter()
        await action(index)
        samples.append(time.perf_counter() - started)
    return samples


def row(index: int) -> dict[str, object]:
    return {
        "id": secrets.token_urlsafe(12),
        "user_id": 123456789012345678 + index % 50,
        "guild_id": 987654321098765432,
        "channel_id": 555555555555555555,
        "text": "1d20+5 attack",
        "dialect": "nazh",
        "content": CONTENT,
        "visibility": "private",
        "created_at": int(time.time()),
    }


async def insert_each(engine: AsyncEngine, index: int) -> None:
    async with engine.begin() as connection:
        await connection.execute(insert(roll_results).values(row(index)))


async def keep(results: Results, index: int) -> str:
    kept = await results.keep(
        user_id=123456789012345678 + index % 50,
        guild_id=987654321098765432,
        channel_id=555555555555555555,
        text="1d20+5 attack",
        dialect="nazh",
        content=CONTENT,
        visibility="private",
    )
    return kept.id


async def measure(url: str, rolls: int, batch: int) -> dict[str, list[float]]:
    """Seconds per operation, by operation, on the database at `url`."""
    engine = create_engine(resolve_url(url, Path()))
    try:
        await use_wal(engine)
        await migrate(engine)
        results = Results(engine)
        await timed(rolls // 10, lambda index: insert_each(engine, index))
        found: dict[str, list[float]] = {
            "INSERT per roll": await timed(rolls, lambda index: insert_each(engine, index))
        }
        ids: list[str] = []

        async def keep_one(index: int) -> None:
            ids.append(await keep(results, index))

        found["keep() in memory"] = await timed(rolls, keep_one)
        found["get() not written"] = await timed(rolls, lambda index: results.get(ids[index]))
        flushes: list[float] = []
        for start in range(0, rolls, batch):
            for index in range(start, min(rolls, start + batch)):
                await keep_one(index)
            flushes += [each / batch for each in await timed(1, lambda _: results.flush())]
        found[f"flush per result ({batch}/flush)"] = flushes
        found["keep() + its flush share"] = [
            kept + statistics.mean(flushes) for kept in found["keep() in memory"]
        ]
        found["get() written"] = await timed(rolls, lambda index: results.get(ids[index]))

        async def reveal(index: int) -> None:
            claim = await results.claim_reveal(ids[index], 1)
            assert claim is not None
            assert claim.won
            await results.mark_revealed(ids[index], 1, index + 1)

        found["claim + mark reveal"] = await timed(rolls // 4, reveal)
        return found
    finally:
        await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description="Cost of keeping roll results, ms.")
    parser.add_argument("--rolls", type=int, default=2000, help="results per measurement")
    parser.add_argument("--batch", type=int, default=50, help="results written per flush")
    parser.add_argument("--postgres", help="an empty PostgreSQL database to time as well")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as directory:
        backends = {"sqlite": f"sqlite:///{Path(directory) / 'results.sqlite3'}"}
        if args.postgres:
            backends["postgresql"] = args.postgres
        measured = {
            name: asyncio.run(measure(url, args.rolls, args.batch))
            for name, url in backends.items()
        }
    print(f"{args.rolls} results; ms per operation")
    print(f"{'':34}" + "".join(f"{name + ' p50':>17}{name + ' p99':>17}" for name in measured))
    for operation in measured["sqlite"]:
        cells = "".join(
            f"{statistics.median(found[operation]) * 1000:17.4f}"
            f"{percentile(found[operation], 0.99) * 1000:17.4f}"
            for found in measured.values()
        )
        print(f"{operation:34}{cells}")
    insert_ms = statistics.median(measured["sqlite"]["INSERT per roll"]) * 1000
    verdict = "within" if insert_ms <= INSERT_BUDGET_MS else "over"
    choice = "write each result at once" if verdict == "within" else "keep in memory, flush"
    print(
        f"SQLite INSERT per roll: {insert_ms:.3f} ms median, {verdict} the"
        f" {INSERT_BUDGET_MS} ms budget: {choice}"
    )


if __name__ == "__main__":
    main()
