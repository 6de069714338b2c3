"""Hard limits of the dice engine: inputs beyond them raise `LimitError`."""

from __future__ import annotations

__all__ = (
    "COMPLETION_MAX_LENGTH",
    "MAX_CHAIN",
    "MAX_DECIMALS",
    "MAX_DICE",
    "MAX_EXPONENT_BITS",
    "MAX_FACES",
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
"""Sides of one die, and the magnitude of a custom face."""

MAX_FACES = 100
"""Custom faces of one die (`d[2,2,4,4,6,6]`)."""

MAX_DECIMALS = 12
"""Digits after the decimal point of a number written."""

MAX_EXPONENT_BITS = 64
"""Bits a power's result (numerator or denominator) may take before it is refused."""

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
