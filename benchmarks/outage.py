"""Rolls lost when the bot is stopped while PostgreSQL is up, refusing or stalled.

For each database state and each signal, a fresh ``python -m nazh`` on a fresh PostgreSQL
database (reached through a TCP proxy in this process that passes, refuses or stalls) answers
``/roll 1d20`` at a steady rate from the loopback Discord: for a while with the database up, then
with the database in the state measured; then it gets SIGTERM (after the last answer) or SIGKILL
(under load). A second process started with the database up writes the journal the first left,
and the rolls the database counts are compared with the rolls the players saw answered.

A SIGKILL may lose the rolls recorded since the last flush or journal write: the table shows the
rolls answered in the last flush interval (1 s) before the kill next to those lost.

    .venv/bin/python benchmarks/outage.py [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
      [--rate 40] [--before 3] [--during 3]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import re
import signal
import socket
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import asyncpg
from sqlalchemy import make_url

from nazh.loopback import LoopbackDiscord, LoopbackError

FLUSH_INTERVAL = 1.0
"""The bot's flush interval (`Storage.open`'s default)."""
STATES = ("up", "refused", "stalled")
SIGNALS = (signal.SIGTERM, signal.SIGKILL)
_JOURNALED = re.compile(r"journaled (\d+) rolls?")


class Proxy:
    """A TCP proxy to PostgreSQL: ``pass`` forwards, ``refuse`` resets every connection (open
    ones too), ``stall`` keeps connections open and forwards nothing."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.target = host, port
        self.mode = "pass"
        self.port = 0
        self._server: asyncio.Server | None = None
        self._flowing = asyncio.Event()
        self._flowing.set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._links: set[asyncio.Task[None]] = set()

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def set(self, mode: str) -> None:
        self.mode = mode
        if mode == "stall":
            self._flowing.clear()
            return
        self._flowing.set()
        if mode == "refuse":
            for writer in list(self._writers):
                writer.transport.abort()

    async def stop(self) -> None:
        self.set("refuse")
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for link in list(self._links):
            link.cancel()
        await asyncio.gather(*self._links, return_exceptions=True)

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.mode == "refuse":
            writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(self.host, self.target)
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, upstream_writer))
        pipes = [
            asyncio.ensure_future(self._pipe(reader, upstream_writer)),
            asyncio.ensure_future(self._pipe(upstream_reader, writer)),
        ]
        self._links.update(pipes)
        await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        for pipe in pipes:
            pipe.cancel()
            self._links.discard(pipe)
        for side in (writer, upstream_writer):
            self._writers.discard(side)
            side.transport.abort()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(OSError):
            while data := await reader.read(65536):
                await self._flowing.wait()
                writer.write(data)
                await writer.drain()


@dataclass
class Result:
    state: str
    signal: str
    answered: int
    counted: int
    last_interval: int
    journaled: int | None
    exit_seconds: float | None

    @property
    def lost(self) -> int:
        return self.answered - self.counted


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def _start_bot(
    emu: LoopbackDiscord, database_url: str, data_dir: Path
) -> asyncio.subprocess.Process:
    env = {
        **os.environ,
        "DISCORD_TOKEN": emu.token,
        "NAZH_DISCORD_API_URL": emu.rest_url,
        "NAZH_GUILD_IDS": str(emu.guild_id),
        "NAZH_HEALTH_HOST": "127.0.0.1",
        "PORT": str(_free_port()),
        "NAZH_DATA_DIR": str(data_dir),
        "NAZH_DATABASE_URL": database_url,
        "NAZH_ROLL_RATE": "1000000/1",
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "WARNING"),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "nazh",
        env=env,
        cwd=data_dir,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    await emu.wait_ready(max_wait=60)
    await emu.wait_commands({"roll"}, max_wait=60)
    for _ in range(200):
        with contextlib.suppress(LoopbackError):
            outcome = await emu.slash("roll", {"expression": "1d20"}, settle=0, max_wait=0.5)
            if outcome.responded:
                return process
    raise RuntimeError("the bot never answered")


async def _load(
    emu: LoopbackDiscord, rate: float, stop: asyncio.Event, answered: list[float]
) -> None:
    """Roll at `rate` per second until `stop` (as a player of their own, apart from the rolls
    that check the bot is up); the time of each answer goes to `answered`."""

    async def one() -> None:
        with contextlib.suppress(LoopbackError):
            outcome = await emu.slash(
                "roll", {"expression": "1d20"}, user=emu.users[1], settle=0, max_wait=5
            )
            if outcome.callback_at is not None and "1d20 (" in outcome.content:
                answered.append(outcome.callback_at)

    tasks: list[asyncio.Task[None]] = []
    started = time.monotonic()
    index = 0
    while not stop.is_set():
        delay = started + index / rate - time.monotonic()
        if delay > 0:
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), delay)
            continue
        tasks.append(asyncio.create_task(one()))
        index += 1
    await asyncio.gather(*tasks)


async def _counted(url: str, user_id: int) -> int:
    connection = await asyncpg.connect(url)
    try:
        return await connection.fetchval(
            "SELECT coalesce(sum(rolls), 0) FROM user_totals WHERE user_id = $1", user_id
        )
    finally:
        await connection.close()


async def _scenario(
    server: str, state: str, sig: signal.Signals, *, rate: float, before: float, during: float
) -> Result:
    name = f"nazh_outage_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    database = make_url(server).set(database=name)
    proxy = Proxy(database.host or "127.0.0.1", database.port or 5432)
    await proxy.start()
    proxied = database.set(host="127.0.0.1", port=proxy.port).render_as_string(False)
    emu = LoopbackDiscord(guilds=1, openapi=False, rate_limit=(1_000_000, 1.0))
    await emu.start()
    try:
        with tempfile.TemporaryDirectory() as directory:
            data_dir = Path(directory)
            process = await _start_bot(emu, proxied, data_dir)
            answered: list[float] = []
            stop = asyncio.Event()
            loading = asyncio.create_task(_load(emu, rate, stop, answered))
            await asyncio.sleep(before)
            if state != "up":
                proxy.set("refuse" if state == "refused" else "stall")
            await asyncio.sleep(during)
            if sig == signal.SIGTERM:
                stop.set()
                await loading
            signalled = time.monotonic()
            process.send_signal(sig)
            await process.wait()
            exit_seconds = time.monotonic() - signalled
            stop.set()
            await loading
            assert process.stderr is not None
            stderr = (await process.stderr.read()).decode()
            journaled = _JOURNALED.findall(stderr)
            proxy.set("pass")
            restarted = await _start_bot(emu, proxied, data_dir)
            restarted.send_signal(signal.SIGTERM)
            await restarted.wait()
            counted = await _counted(database.render_as_string(False), emu.users[1].id)
            last = sum(1 for at in answered if signalled - FLUSH_INTERVAL <= at <= signalled)
            return Result(
                state=state,
                signal=sig.name,
                answered=len(answered),
                counted=counted,
                last_interval=last,
                journaled=int(journaled[0]) if journaled else None,
                exit_seconds=exit_seconds if sig == signal.SIGTERM else None,
            )
    finally:
        await emu.stop()
        await proxy.stop()
        admin = await asyncpg.connect(server)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def _table(results: list[Result]) -> str:
    header = (
        f"{'database':<9} {'signal':<8} {'answered':>8} {'counted':>8} {'lost':>5} "
        f"{'in last 1 s':>11} {'journaled':>9} {'exit':>7}"
    )
    lines = [header, "-" * len(header)]
    for r in results:
        journaled = "-" if r.journaled is None else str(r.journaled)
        exit_time = "-" if r.exit_seconds is None else f"{r.exit_seconds:.2f} s"
        lines.append(
            f"{r.state:<9} {r.signal:<8} {r.answered:>8} {r.counted:>8} {r.lost:>5} "
            f"{r.last_interval:>11} {journaled:>9} {exit_time:>7}"
        )
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--rate", type=float, default=40.0, help="rolls per second")
    parser.add_argument("--before", type=float, default=3.0, help="seconds with the database up")
    parser.add_argument(
        "--during", type=float, default=3.0, help="seconds in the state measured, then the signal"
    )
    args = parser.parse_args()
    results = [
        await _scenario(
            args.postgres, state, sig, rate=args.rate, before=args.before, during=args.during
        )
        for state in STATES
        for sig in SIGNALS
    ]
    print(_table(results))


if __name__ == "__main__":
    asyncio.run(main())
