"""Files the bot sends in the sandbox, saved once each in a directory the console names."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nazh.loopback import StoredFile

__all__ = ("Downloads",)


class Downloads:
    """Saves the bot's files by attachment id, never overwriting an earlier one."""

    __slots__ = ("_directory", "_saved")

    def __init__(self, directory: Path | None = None) -> None:
        """``directory`` None: a new temporary directory on the first file, kept at exit."""
        self._directory = directory
        self._saved: dict[int, Path] = {}

    @property
    def chosen(self) -> Path | None:
        """The directory, once given or created."""
        return self._directory

    def saved(self, attachment_id: int) -> Path | None:
        """Where a file was saved, if it was."""
        return self._saved.get(attachment_id)

    def save(self, file: StoredFile) -> Path:
        """Write a file (once per attachment id) under a name not taken yet; OSError on failure."""
        found = self._saved.get(file.id)
        if found is not None:
            return found
        directory = self._ensure_directory()
        target = _free_name(directory, Path(file.filename).name or "file")
        target.write_bytes(file.data)
        self._saved[file.id] = target
        return target

    def _ensure_directory(self) -> Path:
        if self._directory is None:
            self._directory = Path(tempfile.mkdtemp(prefix="nazh-downloads-"))
        self._directory.mkdir(parents=True, exist_ok=True)
        return self._directory


def _free_name(directory: Path, name: str) -> Path:
    """``name`` in ``directory``, or ``stem-2.ext``, ``stem-3.ext``... when it is taken."""
    candidate = directory / name
    number = 1
    while candidate.exists():
        number += 1
        candidate = directory / f"{Path(name).stem}-{number}{Path(name).suffix}"
    return candidate
