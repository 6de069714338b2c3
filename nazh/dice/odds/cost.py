"""Pre-flight cost estimate (placeholder)."""

from ..ast import Node

__all__ = ("check_cost",)


def check_cost(root: Node) -> None:
    """Raise `LimitError` if exact odds of `root` would take too long."""
    del root
