"""Turning a configured database URL into an async SQLAlchemy URL."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import make_url

if TYPE_CHECKING:
    from pathlib import Path

    from sqlalchemy import URL

__all__ = ("DEFAULT_SQLITE_NAME", "resolve_url")

DEFAULT_SQLITE_NAME = "nazh.sqlite3"

_ASYNC_DRIVERS = {"sqlite": "aiosqlite", "postgresql": "asyncpg"}
_BACKEND_ALIASES = {"postgres": "postgresql"}


def resolve_url(url: str | URL | None, data_dir: Path) -> URL:
    """Return the async driver URL for `url`, or a SQLite file in `data_dir` when it is None.

    Plain URLs (``sqlite:///nazh.db``, ``postgresql://user@host:5432/db``, ``postgres://...``) are
    switched to the ``aiosqlite`` and ``asyncpg`` drivers. Raises `ValueError` for other databases
    or for an explicit driver that is not the async one.
    """
    if url is None:
        return make_url(f"sqlite+aiosqlite:///{data_dir / DEFAULT_SQLITE_NAME}")
    parsed = make_url(url)
    backend, _, driver = parsed.drivername.partition("+")
    backend = _BACKEND_ALIASES.get(backend, backend)
    async_driver = _ASYNC_DRIVERS.get(backend)
    if async_driver is None:
        raise ValueError(f"unsupported database {backend!r}: use sqlite or postgresql")
    if driver and driver != async_driver:
        raise ValueError(
            f"unsupported driver {driver!r} for {backend}: use {backend}+{async_driver} "
            f"or a plain {backend}:// URL"
        )
    return parsed.set(drivername=f"{backend}+{async_driver}")
