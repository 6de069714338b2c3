"""Shard take-over and rolling-restart gaps: the shard cluster against static shard ranges.

Both run ``--processes`` real ``python -m nazh`` processes against a loopback Discord of their
own (``--shards`` shards, identify limit of ``--max-concurrency`` buckets enforced, one
IDENTIFY per bucket per 5 s) and a fresh PostgreSQL database of their own:

- cluster: every process has ``NAZH_SHARD_IDS=auto`` and claims a fair share of the shards
  through PostgreSQL leases (a killed process's shards move once its leases expire, a stopped
  one hands them over at identify slots);
- static: every process has a hand-made range (``NAZH_SHARD_COUNT=8 NAZH_SHARD_IDS=0,1,2`` ...)
  and a supervisor (as Docker's restart policy) starts it again, with the same range, right
  after it exits: its best case.

Measured, one after another:

1. cold start: from launching every process to every shard connected;
2. SIGKILL of the process holding the most shards: until every shard is connected again, and
   the longest any shard was down (the cluster's others take over; the static process comes
   back); the cluster then gets a replacement process and settles before step 3;
3. rolling restart of every process, one after another: SIGTERM, wait for the exit, start the
   replacement, wait until every shard is connected and nothing changed for 2 s (for the
   cluster: every live process holds its fair share, no handover pending, no lease moved),
   then the next. Total time (first SIGTERM to the last settled state, 2 s quiet periods
   between steps included), longest shard gap over it, and each SIGTERM's exit time;
   for 2 and 3 also the shard downtime: the time each shard was down, summed over shards;
4. during 2 and 3, ``/roll 1d20`` at ``--rate`` per second round robin over one guild per
   shard; a roll counts as unanswered when its shard has no session or no answer comes
   within 3 s;
5. IDENTIFYs the loopback Discord accepted, refused (identify limit) and double sessions
   (a shard identified while another session of it was live) over the whole run.

The two setups run side by side (``--one-at-a-time`` runs the cluster, then the static one);
with ``--rounds`` above 1 the table shows the median of each metric. The ratio column is
cluster/static.

    .venv/bin/python benchmarks/cluster.py [--postgres postgresql://postgres@127.0.0.1:5432/postgres]
      [--processes 3] [--shards 8] [--max-concurrency 1] [--rounds 1] [--rate 5]
      [--one-at-a-time] [--logs DIR]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import math
import os
import signal
import socket
import statistics
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import asyncpg
from sqlalchemy import make_url

from nazh.cluster.policy import fair_share
from nazh.loopback import LoopbackDiscord, LoopbackError

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Callable, Sequence

QUIET = 2.0
"""Seconds with no shard or lease change before a setup counts as settled."""
ROLL_WAIT = 3.0
"""Seconds a roll may take before it counts as unanswered (Discord's interaction deadline)."""
LEASE_TTL = 10.0
"""The cluster's lease lifetime (`nazh.cluster.coordinator.Timing.ttl`)."""
IDENTIFY_WINDOW = 5.5
"""Seconds between IDENTIFYs of one bucket as the cluster spaces them."""
_NOW = "(extract(epoch FROM clock_timestamp()) * 1000)::bigint"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _ranges(shards: int, processes: int) -> list[str]:
    """Contiguous hand-made shard ranges, the larger ones first: 8 over 3 is 0-2, 3-5, 6-7."""
    size, extra = divmod(shards, processes)
    ranges: list[str] = []
    first = 0
    for index in range(processes):
        count = size + (1 if index < extra else 0)
        ranges.append(",".join(map(str, range(first, first + count))))
        first += count
    return ranges


class Crashed(RuntimeError):
    """A bot process exited when it should have run."""


@dataclass(slots=True)
class Bot:
    """One supervised ``python -m nazh``: its shard setting, directory and current process."""

    name: str
    shard_ids: str
    """``auto`` for the cluster, else the static range."""
    directory: Path
    process: asyncio.subprocess.Process | None = None
    generation: int = 0

    @property
    def log(self) -> Path:
        return self.directory / f"nazh-{self.generation}.log"

    @property
    def running(self) -> asyncio.subprocess.Process:
        if self.process is None:
            raise RuntimeError(f"{self.name} is not running")
        return self.process

    def check(self) -> None:
        """Raise `Crashed` (with the log's tail) when the process has exited."""
        process = self.process
        if process is not None and process.returncode is not None:
            tail = self.log.read_text(errors="replace").splitlines()[-15:]
            raise Crashed(f"{self.name} exited with {process.returncode}:\n" + "\n".join(tail))


@dataclass(slots=True)
class Rolls:
    """Rolls sent by a trickle and how many of them went unanswered."""

    sent: int = 0
    unanswered: int = 0

    def __str__(self) -> str:
        return f"{self.unanswered}/{self.sent}"


@dataclass(slots=True)
class Result:
    """One setup's measurements in one round."""

    cold_start: float = math.nan
    killed_shards: int = 0
    kill_recovery: float = math.nan
    kill_gap: float = math.nan
    kill_downtime: float = math.nan
    kill_rolls: Rolls = field(default_factory=Rolls)
    restart_total: float = math.nan
    restart_gap: float = math.nan
    restart_downtime: float = math.nan
    exits: list[float] = field(default_factory=list[float])
    restart_rolls: Rolls = field(default_factory=Rolls)
    identifies: int = 0
    refused: int = 0
    doubles: int = 0
    refusals: list[str] = field(default_factory=list[str])
    """Each refused IDENTIFY and how soon after the last accepted one of its bucket it came."""


class Setup:
    """The bots of one setup, their loopback Discord and their database (and a connection to
    it for reading the cluster's leases)."""

    __slots__ = ("bots", "database", "database_url", "emu", "mode", "shards")

    def __init__(
        self,
        mode: str,
        emu: LoopbackDiscord,
        *,
        database_url: str,
        database: asyncpg.Connection,
        root: Path,
        processes: int,
    ) -> None:
        self.mode = mode
        self.emu = emu
        self.database_url = database_url
        self.database = database
        self.shards = emu.shard_count
        ranges = ["auto"] * processes if mode == "cluster" else _ranges(self.shards, processes)
        self.bots: list[Bot] = []
        for index, shard_ids in enumerate(ranges):
            directory = root / f"{mode}-{index}"
            directory.mkdir()
            self.bots.append(Bot(f"{mode} process {index}", shard_ids, directory))

    @property
    def cluster(self) -> bool:
        return self.mode == "cluster"

    def spawn_env(self, bot: Bot) -> dict[str, str]:
        emu = self.emu
        env = {
            **os.environ,
            "DISCORD_TOKEN": emu.token,
            "NAZH_DISCORD_API_URL": emu.rest_url,
            "NAZH_GUILD_IDS": ",".join(map(str, emu.guild_ids)),
            "NAZH_HEALTH_HOST": "127.0.0.1",
            "PORT": str(_free_port()),
            "NAZH_DATA_DIR": str(bot.directory),
            "NAZH_DATABASE_URL": self.database_url,
            "NAZH_ROLL_RATE": "1000000/1",
            "NAZH_SHARD_IDS": bot.shard_ids,
            "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO"),
        }
        if not self.cluster:
            env["NAZH_SHARD_COUNT"] = str(self.shards)
        return env

    async def spawn(self, bot: Bot) -> None:
        """Start `bot`'s next process (without waiting for it to connect)."""
        bot.generation += 1
        with bot.log.open("wb") as log:
            bot.process = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "nazh",
                cwd=bot.directory,
                env=self.spawn_env(bot),
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log,
            )

    def check(self) -> None:
        for bot in self.bots:
            bot.check()

    async def wait_for(self, what: str, reached: Callable[[], bool], within: float) -> float:
        """Wait until `reached()` (woken by every gateway change, checked every 0.1 s too);
        returns the time it became true. Raises when a bot crashes or `within` passes."""
        deadline = time.monotonic() + within
        while True:
            self.check()
            if reached():
                return time.monotonic()
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"{self.mode}: {what} not within {within:.0f} s")
            with contextlib.suppress(TimeoutError):
                await self.emu.wait_shards(max_wait=min(left, 0.1))

    def all_up(self) -> bool:
        return len(self.emu.connected_shards) == self.shards

    async def leases(self) -> tuple[list[int], dict[int, int], bool]:
        """The cluster from its tables: live members' pids (oldest first), each shard's owner
        pid (live leases only) and whether a handover is pending."""
        members = await self.database.fetch(
            "SELECT pid FROM cluster_members WHERE shard_count = $1 AND NOT draining"
            f" AND seen_at > {_NOW} - $2 ORDER BY started_at, member_id",
            self.shards,
            round(LEASE_TTL * 1000),
        )
        leases = await self.database.fetch(
            "SELECT l.shard_id, m.pid, l.taker FROM shard_leases l"
            " JOIN cluster_members m ON m.member_id = l.owner"
            f" WHERE l.shard_count = $1 AND l.expires_at > {_NOW}",
            self.shards,
        )
        owners = {int(row["shard_id"]): int(row["pid"]) for row in leases}
        pending = any(row["taker"] is not None for row in leases)
        return [int(row["pid"]) for row in members], owners, pending

    async def balanced(self) -> tuple[bool, object]:
        """Whether the cluster's leases are at rest: exactly the running processes hold their
        fair shares, oldest first, with no handover pending; and a snapshot to compare."""
        pids, owners, pending = await self.leases()
        running = {bot.process.pid for bot in self.bots if bot.process is not None}
        held = [sum(1 for owner in owners.values() if owner == pid) for pid in pids]
        fair = [fair_share(self.shards, [None] * len(pids), i) for i in range(len(pids))]
        return set(pids) == running and held == fair and not pending, sorted(owners.items())

    async def settle(self, within: float) -> float:
        """Wait until every shard is connected and nothing changed for `QUIET` seconds; returns
        when that quiet period began."""
        deadline = time.monotonic() + within
        since: float | None = None
        last: object = None
        while True:
            self.check()
            now = time.monotonic()
            snapshot: object = (len(self.emu.shard_history), self.all_up())
            at_rest = self.all_up()
            if self.cluster:
                balanced, owners = await self.balanced()
                at_rest = at_rest and balanced
                snapshot = (snapshot, owners)
            if not at_rest or snapshot != last:
                since = now if at_rest else None
                last = snapshot
            elif since is not None and now - since >= QUIET:
                return since
            if now > deadline:
                raise TimeoutError(f"{self.mode}: never settled within {within:.0f} s")
            await asyncio.sleep(0.1)

    async def heaviest(self) -> tuple[Bot, int]:
        """The bot holding the most shards, and how many."""
        if self.cluster:
            _, owners, _ = await self.leases()
            counts = {
                bot.name: sum(1 for pid in owners.values() if pid == bot.running.pid)
                for bot in self.bots
            }
        else:
            counts = {bot.name: len(bot.shard_ids.split(",")) for bot in self.bots}
        bot = max(self.bots, key=lambda b: counts[b.name])
        return bot, counts[bot.name]

    async def stop_all(self) -> None:
        for bot in self.bots:
            process = bot.process
            if process is not None and process.returncode is None:
                process.kill()
                await process.wait()

    async def roll_ready(self, within: float) -> None:
        """Wait until the bots answer a roll in every guild of the trickle."""
        await self.emu.wait_commands({"roll"}, max_wait=within)
        deadline = time.monotonic() + within
        for guild_id in _trickle_guilds(self.emu):
            while not await _roll(self.emu, guild_id):
                self.check()
                if time.monotonic() > deadline:
                    raise TimeoutError(f"{self.mode}: guild {guild_id} never answered a roll")


def _downtime(emu: LoopbackDiscord, since: float, until: float) -> float:
    """Seconds within [since, until] that shards had no connected session, summed over shards."""
    total = 0.0
    for shard_id in range(emu.shard_count):
        changes = [t for t in emu.shard_history if t.shard_id == shard_id]
        before = [t.connected for t in changes if t.at <= since]
        down_from = None if before and before[-1] else since
        for change in changes:
            if not since < change.at <= until:
                continue
            if change.connected and down_from is not None:
                total += change.at - down_from
                down_from = None
            elif not change.connected and down_from is None:
                down_from = change.at
        if down_from is not None:
            total += until - down_from
    return total


def _trickle_guilds(emu: LoopbackDiscord) -> list[int]:
    """One guild per shard, in shard order."""
    by_shard: dict[int, int] = {}
    for guild_id in emu.guild_ids:
        by_shard.setdefault((guild_id >> 22) % emu.shard_count, guild_id)
    return [by_shard[shard] for shard in sorted(by_shard)]


async def _roll(emu: LoopbackDiscord, guild_id: int) -> bool:
    try:
        outcome = await emu.slash(
            "roll", {"expression": "1d20"}, guild_id=guild_id, settle=0, max_wait=ROLL_WAIT
        )
    except LoopbackError:
        return False
    return outcome.responded


@contextlib.asynccontextmanager
async def _trickle(emu: LoopbackDiscord, rate: float) -> AsyncIterator[Rolls]:
    """Roll at `rate` per second, round robin over one guild per shard, while the block runs;
    the counts are final once it ends (rolls still in flight are waited for)."""
    rolls = Rolls()
    guilds = _trickle_guilds(emu)
    stop = asyncio.Event()

    async def one(guild_id: int) -> None:
        rolls.sent += 1
        if not await _roll(emu, guild_id):
            rolls.unanswered += 1

    async def pace() -> None:
        in_flight: list[asyncio.Task[None]] = []
        started = time.monotonic()
        index = 0
        while not stop.is_set():
            delay = started + index / rate - time.monotonic()
            if delay > 0:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), delay)
                continue
            in_flight.append(asyncio.create_task(one(guilds[index % len(guilds)])))
            index += 1
        await asyncio.gather(*in_flight)

    pacing = asyncio.create_task(pace())
    try:
        yield rolls
    finally:
        stop.set()
        await pacing


async def _terminate(setup: Setup, bot: Bot, within: float) -> float:
    """SIGTERM `bot` and wait for it to exit; returns the seconds it took."""
    process = bot.running
    signalled = time.monotonic()
    process.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(process.wait(), within)
    took = time.monotonic() - signalled
    bot.process = None
    if code != 0:
        raise Crashed(f"{setup.mode}: {bot.name} exited with {code} after SIGTERM")
    return took


async def _measure(setup: Setup, rate: float, handover_timeout: float) -> Result:
    emu = setup.emu
    result = Result()
    slots = math.ceil(setup.shards / emu.max_concurrency)
    connect_within = 60 + slots * IDENTIFY_WINDOW * 2
    try:
        # 1. Cold start.
        launched = time.monotonic()
        for bot in setup.bots:
            await setup.spawn(bot)
        up = await setup.wait_for("every shard connected", setup.all_up, connect_within)
        result.cold_start = up - launched
        await setup.settle(connect_within)
        await setup.roll_ready(30)

        # 2. SIGKILL the process holding the most shards.
        victim, result.killed_shards = await setup.heaviest()
        async with _trickle(emu, rate) as rolls:
            killed = time.monotonic()
            victim.running.kill()
            await victim.running.wait()
            victim.process = None
            if not setup.cluster:
                await setup.spawn(victim)
            up = await setup.wait_for(
                "every shard back after SIGKILL", setup.all_up, LEASE_TTL + connect_within
            )
        result.kill_recovery = up - killed
        result.kill_gap = max(emu.longest_gaps(since=killed, until=up).values())
        result.kill_downtime = _downtime(emu, killed, up)
        result.kill_rolls = rolls
        if setup.cluster:
            await setup.spawn(victim)
        await setup.settle(connect_within)
        await setup.roll_ready(30)

        # 3. Rolling restart, one process after another.
        async with _trickle(emu, rate) as rolls:
            first = time.monotonic()
            settled = first
            for bot in setup.bots:
                result.exits.append(await _terminate(setup, bot, handover_timeout + 15))
                await setup.spawn(bot)
                settled = await setup.settle(connect_within)
        result.restart_total = settled - first
        result.restart_gap = max(emu.longest_gaps(since=first, until=settled).values())
        result.restart_downtime = _downtime(emu, first, settled)
        result.restart_rolls = rolls
    finally:
        await setup.stop_all()
    result.identifies = len(emu.accepted_identifies)
    result.refused = len(emu.refused_identifies)
    result.doubles = len(emu.double_sessions)
    result.refusals = _refusals(emu)
    return result


def _refusals(emu: LoopbackDiscord) -> list[str]:
    buckets = emu.max_concurrency
    found: list[str] = []
    for shard_id, at in emu.refused_identifies:
        bucket = shard_id % buckets
        earlier = [(t, s) for s, t in emu.accepted_identifies if s % buckets == bucket and t <= at]
        if earlier:
            t, s = max(earlier)
            found.append(
                f"shard {shard_id} refused {at - t:.2f} s after shard {s}'s IDENTIFY"
                f" (bucket {bucket})"
            )
        else:
            found.append(f"shard {shard_id} refused (bucket {bucket})")
    return found


@contextlib.asynccontextmanager
async def _database(server: str, mode: str) -> AsyncIterator[str]:
    name = f"nazh_cluster_{mode}_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(server)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
    finally:
        await admin.close()
    try:
        yield make_url(server).set(database=name).render_as_string(False)
    finally:
        admin = await asyncpg.connect(server)
        try:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await admin.close()


async def _run(mode: str, args: argparse.Namespace, root: Path) -> Result:
    emu = LoopbackDiscord(
        guilds=2 * args.shards,
        shards=args.shards,
        max_concurrency=args.max_concurrency,
        openapi=False,
        rate_limit=(1_000_000, 1.0),
    )
    await emu.start()
    try:
        async with _database(args.postgres, mode) as url:
            database = await asyncpg.connect(url)
            try:
                setup = Setup(
                    mode,
                    emu,
                    database_url=url,
                    database=database,
                    root=root,
                    processes=args.processes,
                )
                return await _measure(setup, args.rate, args.handover_timeout)
            finally:
                await database.close()
    finally:
        await emu.stop()


async def _round(args: argparse.Namespace, index: int) -> tuple[Result, Result]:
    with tempfile.TemporaryDirectory(prefix="nazh-cluster-") as directory:
        root = Path(directory) if args.logs is None else args.logs / f"round-{index}"
        root.mkdir(parents=True, exist_ok=True)
        if args.one_at_a_time:
            return await _run("cluster", args, root), await _run("static", args, root)
        cluster, static = await asyncio.gather(
            _run("cluster", args, root), _run("static", args, root)
        )
        return cluster, static


def _median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else math.nan


def _seconds(value: float) -> str:
    return "-" if math.isnan(value) else f"{value:.1f}"


def _ratio(cluster: float, static: float) -> str:
    if math.isnan(cluster) or math.isnan(static):
        return "-"
    if static == 0:
        return "-" if cluster == 0 else "inf"
    return f"{cluster / static:.2f}"


def _table(rounds: list[tuple[Result, Result]]) -> str:
    def both(pick: Callable[[Result], float]) -> tuple[float, float]:
        return (
            _median([pick(cluster) for cluster, _ in rounds]),
            _median([pick(static) for _, static in rounds]),
        )

    def exits(index: int) -> list[float]:
        picked = [r[index].exits for r in rounds]
        return [_median([e[i] for e in picked if i < len(e)]) for i in range(max(map(len, picked)))]

    rows: list[tuple[str, str, str, str]] = []

    def seconds(label: str, pick: Callable[[Result], float]) -> None:
        c, s = both(pick)
        rows.append((label, _seconds(c), _seconds(s), _ratio(c, s)))

    def count(label: str, pick: Callable[[Result], float]) -> None:
        c, s = both(pick)
        rows.append((label, f"{c:g}", f"{s:g}", _ratio(c, s)))

    def rolls(label: str, pick: Callable[[Result], Rolls]) -> None:
        sent = both(lambda r: pick(r).sent)
        unanswered = both(lambda r: pick(r).unanswered)
        cluster = Rolls(round(sent[0]), round(unanswered[0]))
        static = Rolls(round(sent[1]), round(unanswered[1]))
        ratio = _ratio(unanswered[0], unanswered[1])
        rows.append((label, str(cluster), str(static), ratio))

    seconds("cold start: every shard connected (s)", lambda r: r.cold_start)
    count("SIGKILL: shards on the killed process", lambda r: r.killed_shards)
    seconds("SIGKILL: every shard connected again (s)", lambda r: r.kill_recovery)
    seconds("SIGKILL: longest shard gap (s)", lambda r: r.kill_gap)
    seconds("SIGKILL: shard downtime, summed (s)", lambda r: r.kill_downtime)
    rolls("SIGKILL: rolls unanswered/sent", lambda r: r.kill_rolls)
    seconds("rolling restart: total (s)", lambda r: r.restart_total)
    seconds("rolling restart: longest shard gap (s)", lambda r: r.restart_gap)
    seconds("rolling restart: shard downtime, summed (s)", lambda r: r.restart_downtime)
    seconds("rolling restart: slowest SIGTERM exit (s)", lambda r: max(r.exits, default=math.nan))
    cluster_exits, static_exits = exits(0), exits(1)
    rows.append(
        (
            "rolling restart: SIGTERM exits (s)",
            " ".join(map(_seconds, cluster_exits)),
            " ".join(map(_seconds, static_exits)),
            "",
        )
    )
    rolls("rolling restart: rolls unanswered/sent", lambda r: r.restart_rolls)
    count("IDENTIFYs accepted", lambda r: r.identifies)
    count("IDENTIFYs refused (identify limit)", lambda r: r.refused)
    count("double sessions", lambda r: r.doubles)

    header = ("metric", "cluster", "static", "ratio")
    widths = [max(len(row[i]) for row in (header, *rows)) for i in range(4)]
    lines = [
        f"{header[0]:<{widths[0]}}  {header[1]:>{widths[1]}}  {header[2]:>{widths[2]}}"
        f"  {header[3]:>{widths[3]}}"
    ]
    lines.append("-" * len(lines[0]))
    lines.extend(
        f"{m:<{widths[0]}}  {c:>{widths[1]}}  {s:>{widths[2]}}  {r:>{widths[3]}}"
        for m, c, s, r in rows
    )
    return "\n".join(lines)


async def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--postgres", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--processes", type=int, default=3, help="bot processes per setup")
    parser.add_argument("--shards", type=int, default=8)
    parser.add_argument(
        "--max-concurrency", type=int, default=1, help="identify buckets (Discord's default 1)"
    )
    parser.add_argument("--rounds", type=int, default=1, help="repeat and show medians")
    parser.add_argument("--rate", type=float, default=5.0, help="rolls per second during 2 and 3")
    parser.add_argument(
        "--one-at-a-time", action="store_true", help="run the cluster, then the static setup"
    )
    parser.add_argument(
        "--logs", type=Path, help="keep the processes' logs here (round-N/SETUP-I/nazh-START.log)"
    )
    args = parser.parse_args()
    if args.processes < 2 or args.shards < args.processes:
        parser.error("needs at least 2 processes and a shard for each")
    args.handover_timeout = float(os.environ.get("NAZH_HANDOVER_TIMEOUT", "25"))
    rounds: list[tuple[Result, Result]] = []
    for index in range(args.rounds):
        started = time.monotonic()
        rounds.append(await _round(args, index + 1))
        print(f"round {index + 1}: {time.monotonic() - started:.0f} s", file=sys.stderr)
    print(
        f"{args.processes} processes, {args.shards} shards, max_concurrency"
        f" {args.max_concurrency}, {args.rate:g} rolls/s"
        + (f", median of {args.rounds} rounds" if args.rounds > 1 else "")
    )
    print(_table(rounds))
    for index, (cluster, _) in enumerate(rounds):
        for refusal in cluster.refusals:
            print(f"round {index + 1}, cluster: IDENTIFY of {refusal}", file=sys.stderr)


if __name__ == "__main__":
    asyncio.run(main())
