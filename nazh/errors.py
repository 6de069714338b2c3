"""Errors told in one line, for logs and start-up messages."""

from __future__ import annotations

__all__ = ("first_line",)


def first_line(error: BaseException) -> str:
    """The first line of `error`'s message, or its type's name when it has none."""
    text = str(error).strip()
    return text.splitlines()[0] if text else type(error).__name__
