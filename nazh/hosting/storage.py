"""Whether the configured storage survives a restart on the host Nazh runs on."""

from __future__ import annotations

import dataclasses
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING

from nazh.storage.urls import resolve_url

if TYPE_CHECKING:
    from nazh.hosting.platform import Host

__all__ = ("StorageReport", "assess_storage")

_MEMORY = ("", ":memory:")


@dataclasses.dataclass(frozen=True, slots=True)
class StorageReport:
    """The storage kind, where it lives, and the warning owed when it will not last."""

    kind: str
    """``SQLite`` or ``PostgreSQL``."""
    location: str
    """The SQLite file, or the PostgreSQL server and database (never the password)."""
    warning: str | None = None
    """Why statistics and saved rolls will be lost, and how to keep them; None when they last."""

    @property
    def ephemeral(self) -> bool:
        """Whether statistics and saved rolls will be lost when the process is replaced."""
        return self.warning is not None

    def describe(self) -> str:
        """``kind at location``, and ``on an ephemeral disk`` when it will not last."""
        suffix = ", on an ephemeral disk" if self.ephemeral else ""
        return f"{self.kind} at {self.location}{suffix}"


def assess_storage(host: Host, database_url: str | None, data_dir: Path) -> StorageReport:
    """Where ``database_url`` (None: SQLite in ``data_dir``) keeps its data, and if that lasts."""
    url = resolve_url(database_url, data_dir)
    if url.get_backend_name() != "sqlite":
        where = f"{url.host or 'localhost'}:{url.port or 5432}/{url.database or ''}"
        return StorageReport("PostgreSQL", where)
    if (url.database or "") in _MEMORY:
        warning = (
            "statistics and saved rolls are kept in memory and will be lost when Nazh stops: "
            "set NAZH_DATABASE_URL to a file or a PostgreSQL URL"
        )
        return StorageReport("SQLite", "memory", warning)
    path = Path(url.database or "").resolve()
    if not host.ephemeral_disk or host.on_volume(PurePosixPath(path.as_posix())):
        return StorageReport("SQLite", str(path))
    name = host.platform.value
    disk = f"{name}'s ephemeral disk" if host.mounts is not None else f"a disk {name} may wipe"
    warning = (
        f"statistics and saved rolls are kept in SQLite at {path}, on {disk}: they will be lost "
        f"{host.loses_files}. Set NAZH_DATABASE_URL to a PostgreSQL URL (a free hosted "
        "PostgreSQL database will do), or put NAZH_DATA_DIR on a persistent disk or volume"
    )
    return StorageReport("SQLite", str(path), warning)
