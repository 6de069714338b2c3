"""Nazh: a Discord dice bot with rich notation, secure rolls, exact odds and a roll builder."""

from __future__ import annotations

from importlib import metadata

__all__ = ("__version__",)

try:
    __version__: str = metadata.version("nazh")
except metadata.PackageNotFoundError:  # pragma: no cover - running from a bare checkout
    __version__ = "0.0.0"
