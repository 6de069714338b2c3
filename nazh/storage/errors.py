"""Exceptions raised by the storage layer."""

from __future__ import annotations

__all__ = ("SchemaTooNewError", "StorageClosedError")


class SchemaTooNewError(RuntimeError):
    """The database was migrated by a newer Nazh than this one; refusing to start."""

    def __init__(self, found: int, known: int) -> None:
        self.found = found
        self.known = known
        super().__init__(
            f"database schema is version {found} but this Nazh knows up to {known}; upgrade Nazh"
        )


class StorageClosedError(RuntimeError):
    """The storage was used after `Storage.close`."""
