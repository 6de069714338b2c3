"""The local journal: statistics and results the database did not take, kept on disk until it does.

When a flush fails (the database refuses, stalls or drops the connection), `Storage` appends what it
could not write to its own journal file, ``<data dir>/journal/<database key>-<writer>.jsonl``, and
keeps appending what is recorded meanwhile, once per flush interval, so that even a killed process
loses at most one interval. Once everything has landed the file is removed; if the process stops
first, the next `Storage.open` on the same database replays it.

A file is append-only and fsynced. Each line is one entry, ``<CRC32 of the JSON, 8 hex digits>
<JSON>``: a batch of statistics (or a chunk of one: the chunks of a batch number add up to it) under
its writer and batch number, or kept results. Replaying writes each batch whose number the
database's flush marks do not show as landed, so a batch counts once however often it is replayed.
A torn last line (the process was killed mid-write) or a damaged line is skipped with a WARNING.

Each file is locked (``flock``) by the process writing or replaying it, so processes sharing a data
directory never replay a journal still being written, nor the same journal twice.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import logging
import os
import zlib
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from nazh.storage.pending import PendingStats
from nazh.storage.results import VISIBILITIES, StoredResult

if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence

    from sqlalchemy import URL

__all__ = (
    "JOURNAL_DIRECTORY",
    "Claim",
    "Entry",
    "Journal",
    "ResultsEntry",
    "StatsEntry",
    "claim",
    "database_identity",
    "decode_line",
    "encode_line",
)

JOURNAL_DIRECTORY = "journal"
"""The journal's directory, inside the data directory."""

_VERSION = 1
_SUFFIX = ".jsonl"
_TEMPORARY = ".tmp"
_RESULT_FIELDS = tuple(field.name for field in fields(StoredResult))

_log = logging.getLogger("nazh.storage")


@dataclass(slots=True)
class StatsEntry:
    """A batch of statistics (or a chunk of one) under its writer's batch number."""

    writer: str
    sequence: int
    stats: PendingStats
    recents: dict[int, dict[str, int]]
    """User -> recent expression -> time stamp."""


@dataclass(slots=True)
class ResultsEntry:
    """Kept roll results not written yet."""

    writer: str
    results: list[StoredResult]


Entry = StatsEntry | ResultsEntry


def database_identity(url: URL) -> str | None:
    """What names the database of `url` in its journal, without user or password: the server and
    database on PostgreSQL, the file's absolute path on SQLite; None for an in-memory database."""
    if url.get_backend_name() == "sqlite":
        database = url.database or ""
        if database in ("", ":memory:") or database.startswith("file:"):
            return None
        return f"sqlite:///{Path(database).resolve()}"
    return f"{url.get_backend_name()}://{url.host or ''}:{url.port or 5432}/{url.database or ''}"


def encode_line(database: str, entry: Entry) -> bytes:
    """One journal line (with its newline) holding `entry` for `database`."""
    body: dict[str, object] = {"v": _VERSION, "db": database, "writer": entry.writer}
    if isinstance(entry, StatsEntry):
        stats = entry.stats
        body |= {
            "kind": "stats",
            "seq": entry.sequence,
            "rolls": stats.rolls,
            "dice_rolled": stats.dice_rolled,
            "users": [[*key, *counts] for key, counts in stats.users.items()],
            "dice": [[*key, *counts] for key, counts in stats.dice.items()],
            "faces": [[*key, n] for key, n in stats.faces.items()],
            "outcomes": [[*key, n] for key, n in stats.outcomes.items()],
            "recents": [
                [user, expression, stamp]
                for user, stamps in entry.recents.items()
                for expression, stamp in stamps.items()
            ],
        }
    else:
        body |= {
            "kind": "results",
            "results": [
                [getattr(result, name) for name in _RESULT_FIELDS] for result in entry.results
            ],
        }
    text = json.dumps(body, separators=(",", ":")).encode()
    return b"%08x %s\n" % (zlib.crc32(text), text)


def decode_line(line: bytes) -> tuple[str, Entry]:
    """The database and entry of one journal line (without its newline).

    Raises `ValueError` when the checksum does not match or the entry is malformed.
    """
    checksum, _, text = line.partition(b" ")
    if len(checksum) != 8 or int(checksum, 16) != zlib.crc32(text):
        raise ValueError("checksum mismatch")
    body = json.loads(text)
    if not isinstance(body, dict):
        raise ValueError("not an object")
    data = cast("dict[str, Any]", body)
    if data.get("v") != _VERSION:
        raise ValueError(f"unknown journal version {data.get('v')!r}")
    database, writer = _str(data.get("db")), _str(data.get("writer"))
    kind = data.get("kind")
    if kind == "results":
        return database, ResultsEntry(writer, [_result(row) for row in _list(data.get("results"))])
    if kind != "stats":
        raise ValueError(f"unknown entry kind {kind!r}")
    stats = PendingStats()
    stats.rolls = _int(data.get("rolls"))
    stats.dice_rolled = _int(data.get("dice_rolled"))
    for row in _rows(data.get("users"), "iiiiii"):
        stats.users[(row[0], row[1])] = [row[2], row[3], row[4], row[5]]
    for row in _rows(data.get("dice"), "iiiii"):
        stats.dice[(row[0], row[1], row[2])] = [row[3], row[4]]
    for row in _rows(data.get("faces"), "iiiii"):
        stats.faces[(row[0], row[1], row[2], row[3])] = row[4]
    for row in _rows(data.get("outcomes"), "iissi"):
        stats.outcomes[(row[0], row[1], row[2], row[3])] = row[4]
    recents: dict[int, dict[str, int]] = {}
    for row in _rows(data.get("recents"), "isi"):
        recents.setdefault(row[0], {})[row[1]] = row[2]
    return database, StatsEntry(writer, _int(data.get("seq")), stats, recents)


def _list(value: object) -> list[object]:
    if not isinstance(value, list):
        raise ValueError("expected a list")
    return cast("list[object]", value)


def _int(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("expected an integer")
    return value


def _str(value: object) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def _rows(value: object, shape: str) -> list[list[Any]]:
    """The rows of `value`, each checked against `shape` (``i`` an integer, ``s`` a string)."""
    rows: list[list[Any]] = []
    for row in _list(value):
        cells = _list(row)
        if len(cells) != len(shape):
            raise ValueError("a row of the wrong length")
        rows.append(
            [_int(c) if kind == "i" else _str(c) for c, kind in zip(cells, shape, strict=True)]
        )
    return rows


def _optional_int(value: object) -> int | None:
    return None if value is None else _int(value)


def _result(value: object) -> StoredResult:
    cells = _list(value)
    if len(cells) != len(_RESULT_FIELDS):
        raise ValueError("a result of the wrong length")
    row = dict(zip(_RESULT_FIELDS, cells, strict=True))
    visibility = _str(row["visibility"])
    if visibility not in VISIBILITIES:
        raise ValueError(f"unknown visibility {visibility!r}")
    return StoredResult(
        id=_str(row["id"]),
        user_id=_int(row["user_id"]),
        guild_id=_int(row["guild_id"]),
        channel_id=_int(row["channel_id"]),
        text=_str(row["text"]),
        dialect=_str(row["dialect"]),
        content=_str(row["content"]),
        visibility=cast("Any", visibility),
        created_at=_int(row["created_at"]),
        revealed_message_id=_optional_int(row["revealed_message_id"]),
        revealed_channel_id=_optional_int(row["revealed_channel_id"]),
        revealed_at=_optional_int(row["revealed_at"]),
    )


class Journal:
    """One writer's journal for one database, in `directory`, and the files earlier writers left.

    File operations block for a write and an fsync (milliseconds on a local disk). The file is
    locked from its first write until `clear` or `release`.
    """

    __slots__ = ("_fd", "database", "directory", "key", "writer")

    def __init__(self, directory: Path, database: str, writer: str) -> None:
        self.directory = directory
        self.database = database
        """The identity of the database (`database_identity`), recorded in every line."""
        self.key = hashlib.sha256(database.encode()).hexdigest()[:16]
        """The database's part of the file names."""
        self.writer = writer
        self._fd: int | None = None

    @property
    def path(self) -> Path:
        """This writer's file."""
        return self.directory / f"{self.key}-{self.writer}{_SUFFIX}"

    def append(self, entries: Sequence[Entry]) -> None:
        """Append one line per entry and fsync. Raises `OSError` (a line may then be torn: write
        everything with `rewrite` next)."""
        if self._fd is None:
            self.directory.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
            except BaseException:
                os.close(fd)
                raise
            self._fd = fd
            _sync_directory(self.directory)
        _write_all(self._fd, self._encode(entries))
        os.fsync(self._fd)

    def rewrite(self, entries: Sequence[Entry]) -> None:
        """Replace the file's whole content by one line per entry, atomically. Raises `OSError`
        (the file is then as it was)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        temporary = self.path.with_name(self.path.name + _TEMPORARY)
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            _write_all(fd, self._encode(entries))
            os.fsync(fd)
            temporary.replace(self.path)
            _sync_directory(self.directory)
        except BaseException:
            os.close(fd)
            with contextlib.suppress(OSError):
                temporary.unlink()
            raise
        self.release()
        self._fd = fd

    def clear(self) -> None:
        """Remove the file: everything in it has landed."""
        with contextlib.suppress(FileNotFoundError):
            self.path.unlink()
            _sync_directory(self.directory)
        self.release()

    def release(self) -> None:
        """Close the file, keeping it for a later replay."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def leftovers(self) -> list[Path]:
        """The journal files other writers left for this database, oldest first."""
        found = [path for path in self._files() if path.name.startswith(self.key + "-")]
        return sorted((p for p in found if p != self.path), key=_modified)

    def foreign(self) -> dict[str, int]:
        """Journal files left for other databases: database -> how many."""
        counted: dict[str, int] = {}
        for path in self._files():
            if not path.name.startswith(self.key + "-"):
                database = _first_database(path) or path.name
                counted[database] = counted.get(database, 0) + 1
        return counted

    def _files(self) -> list[Path]:
        try:
            return [path for path in self.directory.iterdir() if path.name.endswith(_SUFFIX)]
        except FileNotFoundError:
            return []

    def _encode(self, entries: Iterable[Entry]) -> bytes:
        return b"".join(encode_line(self.database, entry) for entry in entries)


class Claim:
    """A leftover journal file locked for replay: its entries, and `remove` once they landed."""

    __slots__ = ("_fd", "damaged", "entries", "path")

    def __init__(self, path: Path, fd: int, entries: list[Entry], damaged: int) -> None:
        self.path = path
        self._fd = fd
        self.entries = entries
        """The entries of the intact lines, in order."""
        self.damaged = damaged
        """Lines skipped as torn or damaged."""

    def remove(self) -> None:
        """Delete the file (its entries have been written)."""
        self.path.unlink()
        _sync_directory(self.path.parent)

    def release(self) -> None:
        """Unlock the file."""
        os.close(self._fd)


def claim(path: Path, database: str) -> Claim | None:
    """Lock the journal file `path` and read its lines for `database`; None when another process
    holds it (writing or replaying it) or it is gone. Removes a temporary file a rewrite left.

    Torn and damaged lines, and lines of another database, are skipped with a WARNING.
    """
    try:
        fd = os.open(path, os.O_RDONLY)
    except FileNotFoundError:
        return None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        if os.fstat(fd).st_ino != path.stat().st_ino:
            os.close(fd)
            return None
        with os.fdopen(os.dup(fd), "rb") as file:
            content = file.read()
    except (BlockingIOError, FileNotFoundError):
        os.close(fd)
        return None
    except BaseException:
        os.close(fd)
        raise
    with contextlib.suppress(FileNotFoundError):
        path.with_name(path.name + _TEMPORARY).unlink()
    entries, damaged = _read_lines(path, content, database)
    return Claim(path, fd, entries, damaged)


def _read_lines(path: Path, content: bytes, database: str) -> tuple[list[Entry], int]:
    lines = content.split(b"\n")
    torn = lines.pop()
    entries: list[Entry] = []
    damaged = 0
    for number, line in enumerate(lines, start=1):
        try:
            found, entry = decode_line(line)
        except (ValueError, TypeError) as error:
            damaged += 1
            _log.warning("skipping damaged line %d of the journal %s (%s)", number, path, error)
            continue
        if found != database:
            damaged += 1
            _log.warning("skipping line %d of the journal %s: it is for %s", number, path, found)
            continue
        entries.append(entry)
    if torn:
        damaged += 1
        _log.warning(
            "skipping the torn last line of the journal %s (%d bytes, cut off mid-write)",
            path,
            len(torn),
        )
    return entries, damaged


def _first_database(path: Path) -> str | None:
    try:
        with path.open("rb") as file:
            return decode_line(file.readline().rstrip(b"\n"))[0]
    except (OSError, ValueError, TypeError):
        return None


def _modified(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except FileNotFoundError:
        return 0.0


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


def _sync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
