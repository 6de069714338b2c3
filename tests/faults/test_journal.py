"""The journal under a PostgreSQL that refuses, stalls or drops connections: `close` returns within
its budget, the journal holds exactly what the database did not take, and the next start writes it
once, also when a commit (the flush's or the replay's own) lands unacknowledged."""

from __future__ import annotations

import asyncio
import logging
import random
import shutil
import time
from collections import Counter
from typing import TYPE_CHECKING

import pytest
from sqlalchemy import make_url

from nazh.storage import CLOSE_BUDGET, OUTAGE_CLOSE_BUDGET, Storage, resolve_url
from nazh.storage.engine import create_engine
from nazh.storage.journal import (
    JOURNAL_DIRECTORY,
    Journal,
    ResultsEntry,
    StatsEntry,
    claim,
    database_identity,
    decode_line,
)
from nazh.storage.replay import replay_journals
from tests.storage.storage_support import LosesAcknowledgements

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable
    from pathlib import Path

    from nazh.storage.journal import Entry
    from tests.faults.dbproxy import DatabaseProxy

CLOSE_LIMIT = CLOSE_BUDGET + 1.5
"""`close` may take its budget, then a second for the calls it cut off to end."""

USERS = (1, 2, 3)
GUILDS = (10, 11)


def through(proxy: DatabaseProxy, postgres_url: str) -> str:
    return proxy.url(make_url(postgres_url).database or "test")


class Ledger:
    """Rolls recorded through a `Storage`, counted here too to check the database against."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)
        self.faces: Counter[tuple[int, int, int]] = Counter()
        self.outcomes: Counter[tuple[int, int]] = Counter()
        self.rolls = 0

    def roll(self, storage: Storage, count: int) -> None:
        for _ in range(count):
            user, guild = self.rng.choice(USERS), self.rng.choice(GUILDS)
            face = self.rng.randint(1, 20)
            critical = face == 20
            storage.record_roll(
                guild_id=guild,
                user_id=user,
                dice=[(20, face)],
                outcomes=[("dnd", "critical")] if critical else (),
            )
            self.faces[(user, guild, face)] += 1
            self.outcomes[(user, guild)] += critical
            self.rolls += 1

    async def check(self, storage: Storage) -> None:
        """The database counts every roll of this ledger exactly once."""
        assert (await storage.totals()).rolls == self.rolls
        for user in USERS:
            for guild in GUILDS:
                stats = await storage.user_stats(user, guild_id=guild)
                expected = {
                    face: n for (u, g, face), n in self.faces.items() if (u, g) == (user, guild)
                }
                counted = {face: n for face, n in stats.faces.get(20, {}).items() if n}
                assert counted == expected
                assert stats.rolls == sum(expected.values())
                criticals = self.outcomes[(user, guild)]
                assert dict(stats.outcomes.get("dnd", {})) == (
                    {"critical": criticals} if criticals else {}
                )


def journal_files(data_dir: Path) -> list[Path]:
    directory = data_dir / JOURNAL_DIRECTORY
    return sorted(directory.glob("*.jsonl")) if directory.exists() else []


def read_entries(path: Path) -> list[Entry]:
    """The entries of a journal file, read without locking it (as a killed process left it)."""
    return [decode_line(line)[1] for line in path.read_bytes().splitlines()]


def journaled_rolls(entries: list[Entry]) -> int:
    return sum(entry.stats.rolls for entry in entries if isinstance(entry, StatsEntry))


def journaled_results(entries: list[Entry]) -> set[str]:
    return {r.id for entry in entries if isinstance(entry, ResultsEntry) for r in entry.results}


async def keep_result(storage: Storage, user_id: int) -> str:
    kept = await storage.results.keep(
        user_id=user_id,
        guild_id=GUILDS[0],
        channel_id=99,
        text="1d20",
        dialect="nazh",
        content=f"rolled for {user_id}",
        visibility="public",
    )
    return kept.id


async def eventually(condition: Callable[[], Awaitable[bool] | bool], within: float = 5) -> None:
    deadline = time.monotonic() + within
    while True:
        outcome = condition()
        if outcome if isinstance(outcome, bool) else await outcome:
            return
        assert time.monotonic() < deadline, "the condition never held"
        await asyncio.sleep(0.05)


async def cut_in_flight(proxy: DatabaseProxy, storage: Storage) -> None:
    """Start a flush on a stalled database, then cut its connection and refuse new ones: the
    flush cannot tell whether its commit landed."""
    proxy.set_mode("stall")
    flushing = asyncio.ensure_future(storage.flush())
    await asyncio.sleep(0.3)
    assert not flushing.done()
    proxy.set_mode("refuse")
    proxy.drop()
    with pytest.raises(ConnectionResetError):
        await flushing


@pytest.mark.parametrize("outage", ["refuse", "stall", "drop"])
async def test_close_journals_what_is_unwritten_and_the_next_start_writes_it(
    proxy: DatabaseProxy, postgres_url: str, tmp_path: Path, outage: str
) -> None:
    url = through(proxy, postgres_url)
    storage = await Storage.open(url, data_dir=tmp_path, flush_interval=3600)
    ledger = Ledger(seed=14)
    ledger.roll(storage, 40)
    storage.remember_recent(1, "1d20 landed")
    await storage.flush()
    kept = {await keep_result(storage, user) for user in (1, 2)}
    ledger.roll(storage, 25)
    storage.remember_recent(1, "4d6 journaled")

    if outage == "refuse":
        proxy.set_mode("refuse")
        proxy.drop()
    elif outage == "stall":
        proxy.set_mode("stall")
    else:
        await cut_in_flight(proxy, storage)
    started = time.monotonic()
    closed = await storage.close()
    elapsed = time.monotonic() - started

    assert elapsed < CLOSE_LIMIT, elapsed
    assert (closed.journaled_rolls, closed.journaled_results) == (25, 2)
    assert (closed.lost_rolls, closed.lost_results) == (0, 0)
    assert "journaled 25 rolls and 2 results" in str(closed)
    assert closed.journal is not None
    assert journal_files(tmp_path) == [closed.journal]
    entries = read_entries(closed.journal)
    assert journaled_rolls(entries) == 25
    assert journaled_results(entries) == kept

    proxy.set_mode("pass")
    reopened = await Storage.open(url, data_dir=tmp_path, flush_interval=3600)
    try:
        assert journal_files(tmp_path) == []
        await ledger.check(reopened)
        assert await reopened.recent(1) == ["4d6 journaled", "1d20 landed"]
        for result_id in kept:
            found = await reopened.results.get(result_id)
            assert found is not None
    finally:
        assert (await reopened.close()).saved


@pytest.mark.parametrize("dropped", [False, True])
async def test_close_with_the_database_up_is_quick_and_journals_nothing(
    proxy: DatabaseProxy, postgres_url: str, tmp_path: Path, dropped: bool
) -> None:
    url = through(proxy, postgres_url)
    storage = await Storage.open(url, data_dir=tmp_path, flush_interval=3600)
    ledger = Ledger(seed=2)
    ledger.roll(storage, 30)
    await storage.flush()
    ledger.roll(storage, 12)
    if dropped:
        proxy.drop()
    started = time.monotonic()
    closed = await storage.close()
    assert time.monotonic() - started < 2.0
    assert closed.saved
    assert journal_files(tmp_path) == []
    reopened = await Storage.open(url, data_dir=tmp_path, flush_interval=3600)
    try:
        await ledger.check(reopened)
    finally:
        await reopened.close()


async def test_the_batch_awaiting_retry_is_journaled_and_counted_once(
    proxy: DatabaseProxy,
    postgres_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = through(proxy, postgres_url)
    storage = await Storage.open(url, data_dir=tmp_path, flush_interval=3600)
    ledger = Ledger(seed=3)
    ledger.roll(storage, 10)
    await storage.flush()
    ledger.roll(storage, 7)
    real = storage._engine
    storage._engine = LosesAcknowledgements(real, lost=1)  # pyright: ignore[reportAttributeAccessIssue]
    with pytest.raises(ConnectionResetError):
        await storage.flush()
    storage._engine = real
    ledger.roll(storage, 5)
    assert storage.pending_rolls == 12
    proxy.set_mode("refuse")
    proxy.drop()

    closed = await storage.close()

    assert closed.journaled_rolls == 12
    assert closed.journal is not None
    assert journaled_rolls(read_entries(closed.journal)) == 12
    proxy.set_mode("pass")
    with caplog.at_level(logging.INFO, logger="nazh.storage"):
        reopened = await Storage.open(url, data_dir=tmp_path, flush_interval=3600)
    try:
        await ledger.check(reopened)
    finally:
        await reopened.close()
    assert any(
        "5 rolls (7 more had landed before)" in record.getMessage() for record in caplog.records
    )


async def test_a_replay_whose_commit_goes_unacknowledged_counts_once(
    proxy: DatabaseProxy, postgres_url: str, tmp_path: Path
) -> None:
    url = through(proxy, postgres_url)
    storage = await Storage.open(url, data_dir=tmp_path, flush_interval=3600)
    ledger = Ledger(seed=4)
    ledger.roll(storage, 9)
    proxy.set_mode("refuse")
    proxy.drop()
    assert (await storage.close()).journaled_rolls == 9
    proxy.set_mode("pass")

    engine = create_engine(resolve_url(url, tmp_path))
    identity = database_identity(engine.url)
    assert identity is not None
    journal = Journal(tmp_path / JOURNAL_DIRECTORY, identity, "another-writer")
    try:
        with pytest.raises(ConnectionResetError):
            await replay_journals(LosesAcknowledgements(engine, lost=1), journal)  # pyright: ignore[reportArgumentType]
        assert len(journal.leftovers()) == 1
        first = await Storage.open(url, data_dir=tmp_path, flush_interval=3600)
        try:
            await ledger.check(first)
        finally:
            await first.close()
        assert journal.leftovers() == []
        again = await replay_journals(engine, journal)
        assert (again.files, again.rolls) == (0, 0)
    finally:
        await engine.dispose()
    second = await Storage.open(url, data_dir=tmp_path, flush_interval=3600)
    try:
        await ledger.check(second)
    finally:
        await second.close()


async def test_a_torn_last_line_is_skipped_with_a_warning(
    proxy: DatabaseProxy,
    postgres_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    url = through(proxy, postgres_url)
    storage = await Storage.open(url, data_dir=tmp_path, flush_interval=3600)
    landed, retried, last = Ledger(seed=5), Ledger(seed=6), Ledger(seed=7)
    landed.roll(storage, 8)
    await storage.flush()
    proxy.set_mode("refuse")
    proxy.drop()
    retried.roll(storage, 6)
    with pytest.raises(ConnectionError):
        await storage.flush()
    last.roll(storage, 4)
    closed = await storage.close()
    assert closed.journal is not None
    content = closed.journal.read_bytes()
    lines = content.splitlines(keepends=True)
    assert [journaled_rolls([decode_line(line.rstrip())[1]]) for line in lines] == [6, 4]
    closed.journal.write_bytes(content[: len(lines[0]) + len(lines[1]) // 2])

    proxy.set_mode("pass")
    with caplog.at_level(logging.WARNING, logger="nazh.storage"):
        reopened = await Storage.open(url, data_dir=tmp_path, flush_interval=3600)
    try:
        assert (await reopened.totals()).rolls == landed.rolls + retried.rolls
        assert journal_files(tmp_path) == []
    finally:
        await reopened.close()
    torn = [r for r in caplog.records if "torn last line" in r.getMessage()]
    assert len(torn) == 1
    assert torn[0].levelno == logging.WARNING


async def test_while_the_database_refuses_the_journal_keeps_up_with_the_rolls(
    proxy: DatabaseProxy, postgres_url: str, tmp_path: Path
) -> None:
    url = through(proxy, postgres_url)
    storage = await Storage.open(url, data_dir=tmp_path / "bot", flush_interval=0.2)
    try:
        ledger = Ledger(seed=8)
        ledger.roll(storage, 20)
        await eventually(lambda: storage.pending_rolls == 0)
        proxy.set_mode("refuse")
        proxy.drop()
        for _ in range(3):
            ledger.roll(storage, 7)
            await asyncio.sleep(0.3)
        journal = storage.journal
        assert journal is not None
        await eventually(lambda: journal.exists() and journaled_rolls(read_entries(journal)) == 21)
        assert claim(journal, "any") is None, "a journal in use must not be replayed"
        # What a SIGKILL now would leave behind:
        left = tmp_path / "killed" / JOURNAL_DIRECTORY
        left.mkdir(parents=True)
        shutil.copy(journal, left)

        proxy.set_mode("pass")
        await eventually(lambda: storage.pending_rolls == 0 and not journal.exists())
        replaying = await Storage.open(url, data_dir=tmp_path / "killed", flush_interval=3600)
        try:
            assert journal_files(tmp_path / "killed") == []
            await ledger.check(replaying)
        finally:
            await replaying.close()
    finally:
        await storage.close()


async def test_a_stalled_flush_is_journaled_before_it_times_out(
    proxy: DatabaseProxy, postgres_url: str, tmp_path: Path
) -> None:
    url = through(proxy, postgres_url)
    storage = await Storage.open(url, data_dir=tmp_path, flush_interval=0.2)
    try:
        ledger = Ledger(seed=9)
        ledger.roll(storage, 5)
        await eventually(lambda: storage.pending_rolls == 0)
        proxy.set_mode("stall")
        ledger.roll(storage, 11)
        journal = storage.journal
        assert journal is not None
        started = time.monotonic()
        await eventually(lambda: journal.exists() and journaled_rolls(read_entries(journal)) == 11)
        assert time.monotonic() - started < 2.0
        assert storage.failed_flushes == 0, "journaled while the flush still waits"

        proxy.set_mode("pass")
        await eventually(lambda: storage.pending_rolls == 0 and not journal.exists(), within=15)
        await ledger.check(storage)
    finally:
        await storage.close()


async def test_close_in_a_known_outage_tries_for_a_shorter_time(
    proxy: DatabaseProxy, postgres_url: str, tmp_path: Path
) -> None:
    url = through(proxy, postgres_url)
    storage = await Storage.open(url, data_dir=tmp_path, flush_interval=0.2)
    ledger = Ledger(seed=11)
    ledger.roll(storage, 4)
    await eventually(lambda: storage.pending_rolls == 0)
    proxy.set_mode("stall")
    ledger.roll(storage, 6)
    journal = storage.journal
    assert journal is not None
    await eventually(journal.exists)
    ledger.roll(storage, 3)

    started = time.monotonic()
    closed = await storage.close()
    elapsed = time.monotonic() - started

    assert elapsed < OUTAGE_CLOSE_BUDGET + 1.0, elapsed
    assert closed.journaled_rolls == 9
    assert journaled_rolls(read_entries(journal)) == 9
    proxy.set_mode("pass")
    reopened = await Storage.open(url, data_dir=tmp_path, flush_interval=3600)
    try:
        await ledger.check(reopened)
    finally:
        await reopened.close()


async def test_forgetting_a_player_in_an_outage_takes_them_out_of_the_journal(
    proxy: DatabaseProxy, postgres_url: str, tmp_path: Path
) -> None:
    url = through(proxy, postgres_url)
    storage = await Storage.open(url, data_dir=tmp_path, flush_interval=3600)
    storage.record_roll(guild_id=10, user_id=1, dice=[(20, 20)])
    storage.record_roll(guild_id=10, user_id=2, dice=[(20, 1)])
    storage.remember_recent(1, "1d20 mine")
    proxy.set_mode("refuse")
    proxy.drop()
    with pytest.raises(ConnectionError):
        await storage.flush()
    forgotten = await keep_result(storage, 1)
    storage.record_roll(guild_id=10, user_id=1, dice=[(20, 19)])
    with pytest.raises(ConnectionError):
        await storage.forget_user(1)
    journal = storage.journal
    assert journal is not None
    assert journal.exists()
    entries = read_entries(journal)
    assert forgotten not in journaled_results(entries)
    for entry in entries:
        if isinstance(entry, StatsEntry):
            assert all(user != 1 for user, _ in entry.stats.users)
            assert 1 not in entry.recents
    await storage.close()

    proxy.set_mode("pass")
    reopened = await Storage.open(url, data_dir=tmp_path, flush_interval=3600)
    try:
        assert (await reopened.user_stats(1, guild_id=None)).rolls == 0
        assert await reopened.recent(1) == []
        assert await reopened.results.get(forgotten) is None
        other = await reopened.user_stats(2, guild_id=10)
        assert (other.rolls, other.faces[20][1]) == (1, 1)
    finally:
        await reopened.close()


async def test_a_journal_that_cannot_be_written_is_reported_as_lost(
    proxy: DatabaseProxy, postgres_url: str, tmp_path: Path
) -> None:
    (tmp_path / JOURNAL_DIRECTORY).write_text("not a directory")
    storage = await Storage.open(
        through(proxy, postgres_url), data_dir=tmp_path, flush_interval=3600
    )
    Ledger(seed=10).roll(storage, 3)
    await keep_result(storage, 1)
    proxy.set_mode("refuse")
    proxy.drop()
    closed = await storage.close()
    assert (closed.journaled_rolls, closed.lost_rolls, closed.lost_results) == (0, 3, 1)
    assert closed.journal_error is not None
    assert "lost 3 rolls and 1 result (the journal could not be written: " in str(closed)
