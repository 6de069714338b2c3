"""Hard limits of the dice engine: inputs beyond them raise `LimitError`."""

from __future__ import annotations

__all__ = (
    "COMPLETION_MAX_LENGTH",
    "MAX_CHAIN",
    "MAX_DICE",
    "MAX_INPUT_LENGTH",
    "MAX_NESTING",
    "MAX_REPEAT",
    "MAX_SIDES",
    "MAX_VALUE",
    "PARSE_CACHE_SIZE",
)

MAX_INPUT_LENGTH = 1000
"""Characters in one input, comment included."""

MAX_DICE = 1000
"""Dice rolled by one input, rerolls and explosions included, shared across a repetition."""

MAX_SIDES = 1_000_000
"""Sides of one die."""

MAX_CHAIN = 100
"""Explosions or rerolls chained on one die."""

MAX_REPEAT = 20
"""Results of one repetition (`6#4d6kh3`)."""

MAX_NESTING = 50
"""Levels of parentheses, sets and unary signs."""

MAX_VALUE = 10**12
"""Absolute bound of every number written, every product and every total."""

PARSE_CACHE_SIZE = 1024
"""Distinct texts whose parsed `Expression` is kept."""

COMPLETION_MAX_LENGTH = 100
"""Longest autocomplete suggestion (Discord's limit for a choice)."""
