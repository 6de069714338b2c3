"""Roll again presses vs ``/roll`` through the loopback Discord: interaction to answer, p50/p99.

A press finds the kept result, checks who pressed and rolls its text through ``/roll``'s path,
posting a new result (a message callback, like ``/roll``'s). Two kinds of press: on a result
this process kept (the usual case: a server's presses reach the process that posted its
results), and on one it must read from the database (after a restart, or posted by another
process). Each runs interleaved with ``/roll`` against the same bot in one run, on SQLite. By
default the emulator's OpenAPI validation is off, so the figures are the bot's; ``--openapi``
turns it on.

    .venv/bin/python benchmarks/result_buttons.py [--rounds 400] [--openapi]
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from nazh.app import NazhApp
from nazh.config import Settings
from nazh.loopback import LoopbackDiscord
from nazh.results.recent import recent

if TYPE_CHECKING:
    from nazh.loopback import Outcome, StoredMessage

TARGET_RATIO = 1.5
EXPRESSION = "2d20kh1 + 1d6 + 5 attack"
WARM_UP = 20
NAMES = ("/roll", "press, kept here", "press, read from db")
MESSAGE = 4
"""The CHANNEL_MESSAGE_WITH_SOURCE callback both answer with."""


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def latency(outcome: Outcome) -> float:
    if outcome.callback_type != MESSAGE or outcome.latency is None:
        raise RuntimeError(f"unexpected answer: {outcome!r}")
    return outcome.latency


def posted(outcome: Outcome) -> StoredMessage:
    if outcome.message is None:
        raise RuntimeError(f"no result posted: {outcome!r}")
    return outcome.message


def again_button(message: StoredMessage) -> str:
    for custom_id in message.custom_ids:
        if custom_id.startswith("nazh:again:"):
            return custom_id
    raise RuntimeError(f"the result has no Roll again button: {message.content!r}")


async def run(rounds: int, openapi: bool) -> dict[str, list[float]]:
    emu = LoopbackDiscord(guilds=1, openapi=None if openapi else False, settle=0.0)
    await emu.start()
    data = Path(tempfile.mkdtemp(prefix="nazh-bench-"))
    settings = Settings(
        token=emu.token,
        port=0,
        health_host="127.0.0.1",
        api_url=emu.rest_url,
        guild_ids=tuple(emu.guild_ids),
        data_dir=data,
        roll_rate=(1_000_000, 1.0),
    )
    app = NazhApp(settings, health=False)
    await app.start()
    samples: dict[str, list[float]] = {name: [] for name in NAMES}
    try:
        await emu.wait_ready()
        await emu.wait_commands({"roll"})
        kept = posted(await emu.slash("roll", {"expression": EXPRESSION}, settle=0.05))
        older = [
            posted(await emu.slash("roll", {"expression": EXPRESSION}, settle=0.0))
            for _ in range(rounds + WARM_UP)
        ]
        assert app.storage is not None
        await app.storage.flush()
        recent.clear()
        await emu.click(kept, again_button(kept))
        for n in range(rounds + WARM_UP):
            here = await emu.click(kept, again_button(kept))
            rolled = await emu.slash("roll", {"expression": EXPRESSION})
            stored = older[n]
            read = await emu.click(stored, again_button(stored))
            if n >= WARM_UP:
                samples[NAMES[0]].append(latency(rolled))
                samples[NAMES[1]].append(latency(here))
                samples[NAMES[2]].append(latency(read))
        if emu.violations:
            raise RuntimeError(f"invalid bodies: {emu.violations[:3]}")
        return samples
    finally:
        await app.stop()
        await emu.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Roll again presses vs /roll, p50/p99.")
    parser.add_argument("--rounds", type=int, default=400, help="presses and rolls each")
    parser.add_argument("--openapi", action="store_true", help="validate bodies as tests do")
    args = parser.parse_args()
    samples = asyncio.run(run(args.rounds, args.openapi))
    print(f"{args.rounds} of each, interleaved; ms")
    print(f"{'':22}{'p50':>9}{'p99':>9}{'mean':>9}{'p99 / /roll':>13}")
    roll_p99 = percentile(samples[NAMES[0]], 0.99)
    for name in NAMES:
        values = samples[name]
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        mean = statistics.fmean(values)
        ratio = p99 / roll_p99
        print(f"{name:22}{p50 * 1000:9.2f}{p99 * 1000:9.2f}{mean * 1000:9.2f}{ratio:12.2f}x")
    ratio = percentile(samples[NAMES[1]], 0.99) / roll_p99
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"p99 press / p99 roll = {ratio:.2f}x ({verdict} the {TARGET_RATIO}x target)")


if __name__ == "__main__":
    main()
