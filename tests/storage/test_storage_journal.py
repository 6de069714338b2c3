"""The journal file: its checksummed lines, torn and damaged lines, the lock that keeps a journal
in use from being replayed, and a journaled close replayed on each backend."""

from __future__ import annotations

import asyncio
import logging
import os
import time
import zlib
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import make_url

from nazh.storage import Storage, StoredResult
from nazh.storage.journal import (
    JOURNAL_DIRECTORY,
    Journal,
    ResultsEntry,
    StatsEntry,
    claim,
    database_identity,
    decode_line,
    encode_line,
)
from nazh.storage.pending import FATE_SIDES, PendingStats
from nazh.storage.writes import RECENT_LIMIT, merge_recents

if TYPE_CHECKING:
    from pathlib import Path

    from nazh.storage.journal import Entry

Scalar = Callable[[str], Awaitable[Any]]

DATABASE = "postgresql://db.example:5432/nazh"


def stats_entry(writer: str = "w1", sequence: int = 3, user: int = 7) -> StatsEntry:
    stats = PendingStats()
    stats.add_roll(5, user, [(20, 20), (20, 1), (6, 4)], [("fitd", "partial success")])
    stats.add_roll(0, user, [(FATE_SIDES, -1), (1000, 999)])
    return StatsEntry(writer, sequence, stats, {user: {"2d20kh1 \u00e9p\u00e9e": 11, "4dF": 12}})


def result(result_id: str = "r1", *, revealed: bool = False) -> StoredResult:
    return StoredResult(
        id=result_id,
        user_id=7,
        guild_id=5,
        channel_id=9,
        text="1d20 + 3",
        dialect="nazh",
        content="line one\nline two \U0001f3b2",
        visibility="secret",
        created_at=1_700_000_000,
        revealed_message_id=44 if revealed else None,
        revealed_channel_id=45 if revealed else None,
        revealed_at=1_700_000_100 if revealed else None,
    )


def assert_same_stats(found: Entry, expected: StatsEntry) -> None:
    assert isinstance(found, StatsEntry)
    assert (found.writer, found.sequence, found.recents) == (
        expected.writer,
        expected.sequence,
        expected.recents,
    )
    for name in ("faces", "dice", "users", "outcomes", "rolls", "dice_rolled"):
        assert getattr(found.stats, name) == getattr(expected.stats, name), name


def test_an_entry_survives_its_line() -> None:
    stats = stats_entry()
    line = encode_line(DATABASE, stats)
    assert line.endswith(b"\n")
    assert line.count(b"\n") == 1
    assert line.isascii()
    database, found = decode_line(line[:-1])
    assert database == DATABASE
    assert_same_stats(found, stats)

    results = ResultsEntry("w1", [result("a"), result("b", revealed=True)])
    database, found = decode_line(encode_line(DATABASE, results)[:-1])
    assert database == DATABASE
    assert found == results


@pytest.mark.parametrize(
    "spoil",
    [
        lambda line: line.replace(b'"rolls":2', b'"rolls":3'),
        lambda line: line[:4] + (b"0" if line[4:5] != b"0" else b"1") + line[5:],
        lambda line: line[:-10],
        lambda line: b"",
    ],
    ids=["content", "checksum", "cut", "empty"],
)
def test_a_spoilt_line_is_refused(spoil: Callable[[bytes], bytes]) -> None:
    line = encode_line(DATABASE, stats_entry())[:-1]
    assert b'"rolls":2' in line
    with pytest.raises(ValueError, match="checksum"):
        decode_line(spoil(line))


@pytest.mark.parametrize(
    ("body", "message"),
    [
        (b'{"v":2,"db":"x","writer":"w","kind":"stats"}', "version"),
        (b'{"v":1,"db":"x","writer":"w","kind":"gossip"}', "kind"),
        (b'{"v":1,"db":"x","writer":"w","kind":"stats","seq":1,"rolls":true}', "integer"),
        (b'{"v":1,"db":"x","writer":"w","kind":"results","results":[["id"]]}', "length"),
        (b"[1, 2]", "object"),
    ],
)
def test_a_well_summed_but_malformed_line_is_refused(body: bytes, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        decode_line(b"%08x %s" % (zlib.crc32(body), body))


def test_claim_skips_torn_damaged_and_foreign_lines_with_warnings(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    first, second = stats_entry(sequence=1), stats_entry(sequence=2)
    damaged = bytearray(encode_line(DATABASE, stats_entry(sequence=9)))
    damaged[30] ^= 0x01
    torn = encode_line(DATABASE, stats_entry(sequence=10))
    path = tmp_path / "journal.jsonl"
    path.write_bytes(
        encode_line(DATABASE, first)
        + bytes(damaged)
        + encode_line("sqlite:///elsewhere.db", stats_entry(sequence=11))
        + encode_line(DATABASE, second)
        + torn[: len(torn) // 2]
    )
    with caplog.at_level(logging.WARNING, logger="nazh.storage"):
        claimed = claim(path, DATABASE)
    assert claimed is not None
    try:
        assert claimed.damaged == 3
        assert len(claimed.entries) == 2
        assert_same_stats(claimed.entries[0], first)
        assert_same_stats(claimed.entries[1], second)
    finally:
        claimed.release()
    messages = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(messages) == 3, messages
    assert "damaged line 2" in messages[0]
    assert "line 3" in messages[1]
    assert "elsewhere.db" in messages[1]
    assert "torn last line" in messages[2]


def test_a_journal_in_use_cannot_be_claimed(tmp_path: Path) -> None:
    writing = Journal(tmp_path, DATABASE, "writer")
    writing.append([stats_entry(sequence=1)])
    assert claim(writing.path, DATABASE) is None
    writing.append([stats_entry(sequence=2)])
    writing.release()

    claimed = claim(writing.path, DATABASE)
    assert claimed is not None
    assert [e.sequence for e in claimed.entries if isinstance(e, StatsEntry)] == [1, 2]
    assert claim(writing.path, DATABASE) is None, "two replays of one journal"
    claimed.remove()
    claimed.release()
    assert not writing.path.exists()
    assert claim(writing.path, DATABASE) is None


def test_rewrite_replaces_the_content_and_keeps_the_file_locked(tmp_path: Path) -> None:
    journal = Journal(tmp_path, DATABASE, "writer")
    journal.append([stats_entry(sequence=1), stats_entry(sequence=2)])
    journal.rewrite([stats_entry(sequence=3), ResultsEntry("writer", [result()])])
    assert claim(journal.path, DATABASE) is None
    journal.append([stats_entry(sequence=4)])
    assert [p.name for p in tmp_path.iterdir()] == [journal.path.name]
    journal.release()
    claimed = claim(journal.path, DATABASE)
    assert claimed is not None
    kinds = [(type(e).__name__, getattr(e, "sequence", None)) for e in claimed.entries]
    assert kinds == [("StatsEntry", 3), ("ResultsEntry", None), ("StatsEntry", 4)]
    claimed.release()

    journal.clear()
    assert list(tmp_path.iterdir()) == []


def test_a_replay_lists_the_files_other_writers_left_and_warns_of_other_databases(
    tmp_path: Path,
) -> None:
    mine = Journal(tmp_path, DATABASE, "me")
    older = Journal(tmp_path, DATABASE, "older")
    newer = Journal(tmp_path, DATABASE, "newer")
    elsewhere = Journal(tmp_path, "sqlite:///elsewhere.db", "other")
    for journal in (mine, newer, older, elsewhere):
        journal.append([stats_entry()])
        journal.release()
    os.utime(older.path, (time.time() - 60, time.time() - 60))
    assert mine.leftovers() == [older.path, newer.path]
    assert mine.foreign() == {"sqlite:///elsewhere.db": 1}
    assert elsewhere.leftovers() == []
    assert elsewhere.foreign() == {DATABASE: 3}
    assert Journal(tmp_path / "missing", DATABASE, "me").leftovers() == []


def test_the_database_identity_leaves_out_the_user_and_password(tmp_path: Path) -> None:
    secret = make_url("postgresql+asyncpg://bot:hunter2@db.example/nazh")
    assert database_identity(secret) == "postgresql://db.example:5432/nazh"
    relative = make_url("sqlite+aiosqlite:///data/nazh.sqlite3")
    identity = database_identity(relative)
    assert identity is not None
    assert identity.startswith("sqlite:////")
    assert identity.endswith("/data/nazh.sqlite3")
    assert database_identity(make_url("sqlite+aiosqlite:///:memory:")) is None


def test_merging_pending_counters_adds_them() -> None:
    one, two = stats_entry(user=1).stats, stats_entry(user=1).stats
    two.add_roll(5, 2, [(8, 8)])
    one.merge(two)
    assert (one.rolls, one.dice_rolled) == (5, 11)
    assert one.faces[(1, 5, 20, 20)] == 2
    assert one.dice[(1, 5, 20)] == [4, 42]
    assert one.users[(1, 5)] == [2, 6, 2, 2]
    assert one.users[(2, 5)] == [1, 1, 0, 0]
    assert one.outcomes[(1, 5, "fitd", "partial success")] == 2
    assert (1, 0, 1000) in one.dice
    assert not any(key[2] == 1000 for key in one.faces)


def test_merging_recent_rolls_keeps_the_newest() -> None:
    into = {1: {f"{n}d6": n for n in range(RECENT_LIMIT)}}
    merge_recents(into, {1: {"0d6": 100, "new": 101}, 2: {"x": 5}})
    assert len(into[1]) == RECENT_LIMIT
    assert "1d6" not in into[1]
    assert (into[1]["0d6"], into[1]["new"]) == (100, 101)
    assert into[2] == {"x": 5}


async def test_close_journals_what_a_failing_database_refuses_and_open_writes_it(
    db_url: str, db_scalar: Scalar, tmp_path: Path
) -> None:
    data = tmp_path / "data"
    storage = await Storage.open(db_url, data_dir=data, flush_interval=3600)
    storage.record_roll(guild_id=1, user_id=1, dice=[(20, 20)])
    await storage.flush()
    await db_scalar("ALTER TABLE face_counts RENAME TO face_counts_away")
    storage.record_roll(guild_id=1, user_id=1, dice=[(20, 3), (6, 6)])
    storage.record_roll(guild_id=None, user_id=2, dice=[(20, 1)])
    closed = await storage.close()
    assert (closed.journaled_rolls, closed.lost_rolls) == (2, 0)
    assert closed.journal is not None
    assert closed.journal.parent == data / JOURNAL_DIRECTORY
    assert closed.error is not None
    assert "face_counts" in closed.error
    assert await db_scalar("SELECT rolls FROM bot_totals") == 1

    await db_scalar("ALTER TABLE face_counts_away RENAME TO face_counts")
    reopened = await Storage.open(db_url, data_dir=data, flush_interval=3600)
    try:
        assert not closed.journal.exists()
        assert (await reopened.totals()).rolls == 3
        one = await reopened.user_stats(1, guild_id=1)
        assert (one.rolls, one.dice, one.nat20, one.faces[6][6]) == (2, 3, 1, 1)
        assert (await reopened.user_stats(2, guild_id=None)).nat1 == 1
        assert await db_scalar("SELECT count(*) FROM flush_marks") == 0
    finally:
        assert (await reopened.close()).saved


async def test_a_journal_the_database_refuses_again_is_kept_and_retried(
    db_url: str, db_scalar: Scalar, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    storage = await Storage.open(db_url, data_dir=tmp_path, flush_interval=3600)
    await db_scalar("ALTER TABLE die_totals RENAME TO die_totals_away")
    storage.record_roll(guild_id=1, user_id=1, dice=[(4, 4)])
    assert (await storage.close()).journaled_rolls == 1

    with caplog.at_level(logging.WARNING, logger="nazh.storage"):
        refused = await Storage.open(db_url, data_dir=tmp_path, flush_interval=0.05)
    try:
        assert any("keeping it, retrying" in r.getMessage() for r in caplog.records)
        assert len(list((tmp_path / JOURNAL_DIRECTORY).iterdir())) == 1
        await db_scalar("ALTER TABLE die_totals_away RENAME TO die_totals")
        deadline = time.monotonic() + 5
        while (await db_scalar("SELECT count(*) FROM bot_totals")) == 0:
            assert time.monotonic() < deadline, "the journal was never retried"
            await asyncio.sleep(0.05)
        assert (await refused.totals()).rolls == 1
        assert list((tmp_path / JOURNAL_DIRECTORY).iterdir()) == []
    finally:
        await refused.close()


async def test_an_in_memory_database_keeps_no_journal(tmp_path: Path) -> None:
    storage = await Storage.open("sqlite:///:memory:", data_dir=tmp_path, flush_interval=3600)
    try:
        assert storage.journal is None
    finally:
        await storage.close()
