"""Builder clicks vs ``/roll`` through the loopback Discord: interaction to answer, p50/p99.

A click's answer is the edited builder message (an UPDATE callback carries it); a ``/roll``'s is
the posted result. Both run interleaved against the same bot in one run. By default the
emulator's OpenAPI validation is off, so the figures are the bot's; ``--openapi`` turns it on.

    .venv/bin/python benchmarks/builder.py [--rounds 400] [--openapi]
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

if TYPE_CHECKING:
    from nazh.loopback import Outcome

TARGET_RATIO = 1.5
CYCLE: tuple[tuple[str, str], ...] = (
    ("die", "20"),
    ("build:advantage", ""),
    ("build:normal", ""),
    ("build:mod+5", ""),
    ("build:mod-5", ""),
    ("die", "6"),
    ("build:more", ""),
    ("build:fewer", ""),
)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def latency(outcome: Outcome, expected_type: int) -> float:
    if outcome.callback_type != expected_type or outcome.latency is None:
        raise RuntimeError(f"unexpected answer: {outcome!r}")
    return outcome.latency


async def run(rounds: int, openapi: bool) -> tuple[list[float], list[float]]:
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
    try:
        await emu.wait_ready()
        await emu.wait_commands({"roll", "build"})
        opened = await emu.slash("build", {}, settle=0.05)
        message = opened.message
        assert message is not None
        clicks: list[float] = []
        rolls: list[float] = []
        for n in range(rounds + 20):
            custom_id, value = CYCLE[n % len(CYCLE)]
            if custom_id == "die":
                clicked = await emu.select(message, "build:die", [value])
            else:
                clicked = await emu.click(message, custom_id)
            rolled = await emu.slash("roll", {"expression": "2d20kh1 + 1d6 + 5"})
            if n >= 20:
                clicks.append(latency(clicked, 7))
                rolls.append(latency(rolled, 4))
        if emu.violations:
            raise RuntimeError(f"invalid bodies: {emu.violations[:3]}")
        return clicks, rolls
    finally:
        await app.stop()
        await emu.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description="Builder clicks vs /roll, p50/p99.")
    parser.add_argument("--rounds", type=int, default=400, help="clicks and rolls each")
    parser.add_argument("--openapi", action="store_true", help="validate bodies as tests do")
    args = parser.parse_args()
    clicks, rolls = asyncio.run(run(args.rounds, args.openapi))
    print(f"{args.rounds} builder clicks and {args.rounds} /roll, interleaved; ms")
    print(f"{'':16}{'p50':>9}{'p99':>9}{'mean':>9}")
    for name, samples in (("builder click", clicks), ("/roll", rolls)):
        p50, p99 = percentile(samples, 0.5), percentile(samples, 0.99)
        mean = statistics.fmean(samples)
        print(f"{name:16}{p50 * 1000:9.2f}{p99 * 1000:9.2f}{mean * 1000:9.2f}")
    ratio = percentile(clicks, 0.99) / percentile(rolls, 0.99)
    verdict = "within" if ratio <= TARGET_RATIO else "OVER"
    print(f"p99 click / p99 roll = {ratio:.2f}x ({verdict} the {TARGET_RATIO}x target)")


if __name__ == "__main__":
    main()
