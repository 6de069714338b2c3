"""A sentinel for driver arguments left out, distinct from an explicit None."""

from __future__ import annotations

import enum
from typing import Final, Literal, TypeAlias, TypeVar

__all__ = ("UNDEFINED", "UndefinedOr", "UndefinedType")

_T = TypeVar("_T")


class UndefinedType(enum.Enum):
    """The type of `UNDEFINED`; its single member narrows with `is` and is falsy."""

    UNDEFINED = enum.auto()

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "UNDEFINED"

    __str__ = __repr__


UNDEFINED: Final = UndefinedType.UNDEFINED
"""An argument that was not given (so a default applies); None may mean something else."""

UndefinedOr: TypeAlias = _T | UndefinedType
"""A value of type `_T`, or `UNDEFINED`."""
