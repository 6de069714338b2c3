"""Several processes on one PostgreSQL, and processes killed by SIGKILL or stopped by SIGTERM."""

from __future__ import annotations

import asyncio
import json
import signal
import sqlite3
import sys
import time
from collections import Counter
from pathlib import Path

from sqlalchemy import make_url

from nazh.storage import Storage

HERE = Path(__file__).parent
HAMMER = HERE / "hammer.py"
RECORDER = HERE / "recorder.py"

LOSS_WINDOW = 1.5
"""A kill may lose what was recorded in the last flush interval (1 s) plus a flush's duration."""

KILL_AFTER_FIRST_FLUSH = 1.9


async def spawn(script: Path, *args: str) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable,
        str(script),
        *args,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )


def integrity_check(path: str) -> list[tuple[str]]:
    with sqlite3.connect(path) as connection:
        return connection.execute("PRAGMA integrity_check").fetchall()


async def test_two_processes_lose_no_increment(postgres_url: str) -> None:
    rolls_each = 3000
    start_at = time.monotonic() + 1.5
    workers = [
        await spawn(HAMMER, postgres_url, str(worker), str(rolls_each), str(start_at))
        for worker in (1, 2)
    ]
    outputs = await asyncio.gather(*(worker.communicate() for worker in workers))
    for worker, (_, stderr) in zip(workers, outputs, strict=True):
        assert worker.returncode == 0, stderr.decode()
    reports = [json.loads(stdout) for stdout, _ in outputs]
    expected_faces: Counter[str] = Counter()
    for report in reports:
        expected_faces.update(report["faces"])

    storage = await Storage.open(postgres_url, flush_interval=3600)
    try:
        totals = await storage.totals()
        assert totals.rolls == sum(report["rolls"] for report in reports) == 2 * rolls_each
        assert totals.dice == sum(report["dice"] for report in reports)
        stored_faces: Counter[str] = Counter()
        for user in (1, 2, 3):
            for guild in (1, 2):
                stats = await storage.user_stats(user, guild_id=guild)
                for sides, faces in stats.faces.items():
                    for face, n in faces.items():
                        if n:
                            stored_faces[f"{user}:{guild}:{sides}:{face}"] = n
        assert stored_faces == expected_faces
    finally:
        await storage.close()


async def test_sigkill_loses_at_most_the_last_second(sqlite_url: str) -> None:
    recorder = await spawn(RECORDER, sqlite_url)
    assert recorder.stdout is not None
    assert recorder.stderr is not None
    recorded: list[tuple[float, int]] = []
    flushed: list[tuple[int, int]] = []

    def note(line: bytes) -> None:
        kind, *values = line.decode().split()
        if kind == "recorded":
            recorded.append((float(values[1]), int(values[0])))
        elif kind == "flushed":
            flushed.append((int(values[0]), int(values[1])))

    async with asyncio.timeout(30):
        while not flushed:
            line = await recorder.stdout.readline()
            assert line, (await recorder.stderr.read()).decode()
            note(line)
        # Late in the flush cycle after next: a slower flusher would lose more than LOSS_WINDOW.
        await asyncio.sleep(KILL_AFTER_FIRST_FLUSH)
        recorder.send_signal(signal.SIGKILL)
        killed_at = time.monotonic()
        for line in (await recorder.stdout.read()).splitlines():
            note(line)
        assert await recorder.wait() == -signal.SIGKILL

    path = make_url(sqlite_url).database
    assert path is not None
    assert await asyncio.to_thread(integrity_check, path) == [("ok",)]
    storage = await Storage.open(sqlite_url, flush_interval=3600)
    try:
        totals = await storage.totals()
        users = [await storage.user_stats(user, guild_id=None) for user in range(1, 8)]
    finally:
        await storage.close()

    last_flushed_rolls, last_flushed_dice = flushed[-1]
    assert totals.rolls >= last_flushed_rolls
    assert totals.dice >= last_flushed_dice
    safe = [rolls for at, rolls in recorded if at <= killed_at - LOSS_WINDOW]
    assert safe, "the recorder ran too briefly to test the loss window"
    assert totals.rolls >= safe[-1]
    assert totals.rolls <= recorded[-1][1]
    assert sum(user.rolls for user in users) == totals.rolls
    assert sum(user.dice for user in users) == totals.dice == 3 * totals.rolls
    for user in users:
        assert sum(user.dice_by_size.values()) == user.dice
        assert sum(user.faces[20].values()) == user.d20_rolled


async def test_sigterm_loses_nothing(db_url: str) -> None:
    recorder = await spawn(RECORDER, db_url)
    assert recorder.stdout is not None
    async with asyncio.timeout(30):
        while not (await recorder.stdout.readline()).startswith(b"recorded"):
            pass
        await asyncio.sleep(0.5)
        recorder.send_signal(signal.SIGTERM)
        stdout, stderr = await recorder.communicate()
    assert recorder.returncode == 0, stderr.decode()
    lines = stdout.decode().splitlines()
    assert lines[-1] == "closed"
    _, rolls, dice = lines[-2].split()

    storage = await Storage.open(db_url, flush_interval=3600)
    try:
        totals = await storage.totals()
    finally:
        await storage.close()
    assert (totals.rolls, totals.dice) == (int(rolls), int(dice))
    assert totals.rolls > 0
