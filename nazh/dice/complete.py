"""Autocomplete suggestions for a partly typed expression."""

__all__ = ("complete",)


def complete(text: str, limit: int = 25) -> list[str]:
    """Valid expressions that extend or fix `text`, best first."""
    return []
