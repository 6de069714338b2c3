"""Named expressions with parameters (saved rolls), expanded by the parser where they are called.

A macro's text is notation in which `{name=default}` and `{name}` stand for parameters:
`{level=1}d8+{bonus=0} radiant` takes `level` and `bonus`, both optional. A call binds
arguments by position or name (`smite(3)`, `smite(level=3, bonus=2)`, `smite`) and gives the
text with each parameter replaced by its argument's text: a plain number as it is, anything
else in parentheses, so `smite(1d4)` reads `(1d4)d8+0 radiant`. The parser then reads that
text in the caller's dialect, so a macro means what the same text typed out would.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from nazh.dice.errors import DiceError

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

__all__ = (
    "MAX_EXPANDED_LENGTH",
    "MAX_EXPANSIONS",
    "MAX_MACRO_DEPTH",
    "Macro",
    "MacroError",
    "Param",
    "reads_as_dice",
)

MAX_MACRO_DEPTH = 5
"""Macros a call may go through, one inside another."""

MAX_EXPANSIONS = 200
"""Macro calls expanded for one input, all depths together."""

MAX_EXPANDED_LENGTH = 50_000
"""Characters of macro text read for one input, all expansions together."""

_PARAM = re.compile(r"\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:=([^{}]*))?\}")
_WHOLE = re.compile(r"\d+")


def reads_as_dice(word: str) -> bool:
    """Whether a word in operand position is dice (`d`, `d20`, `D6x`, `dF`), never a name."""
    if word[0] not in ("d", "D"):
        return False
    return len(word) == 1 or word[1] in "0123456789" or word[1:] in ("F", "f")


class MacroError(DiceError):
    """A macro call that cannot be expanded: a missing or unknown argument, a cycle."""


@dataclass(frozen=True, slots=True)
class Param:
    """One parameter: its lower-case `name` and `default` text (None: required)."""

    name: str
    default: str | None


@dataclass(frozen=True, slots=True)
class Macro:
    """A named expression: `text` as saved, its `params` in order of first appearance.

    `qualifier` is shown before the name in messages (`server:`) when it matters where the
    macro came from.
    """

    name: str
    text: str
    params: tuple[Param, ...]
    qualifier: str = ""

    @classmethod
    def define(cls, name: str, text: str, *, qualifier: str = "") -> Macro:
        """A macro called `name` with the parameters written in `text`; raise `MacroError`
        when one parameter is given two different defaults or a default is empty."""
        params: dict[str, Param] = {}
        for match in _PARAM.finditer(text):
            key = match.group(1).lower()
            raw = match.group(2)
            default = None if raw is None else raw.strip()
            if default == "":
                raise MacroError(f"the default of `{key}` is empty: write `{{{key}=1}}`")
            known = params.get(key)
            if known is None or known.default is None:
                params[key] = Param(key, default if known is None else default or known.default)
            elif default is not None and default != known.default:
                raise MacroError(f"`{key}` has two defaults, `{known.default}` and `{default}`")
        return cls(name.lower(), text, tuple(params.values()), qualifier)

    @property
    def label(self) -> str:
        """The name as messages show it."""
        return f"{self.qualifier}{self.name}"

    @property
    def signature(self) -> str:
        """`smite(level=1, bonus=0)`, or the bare name without parameters."""
        if not self.params:
            return self.label
        inner = ", ".join(
            p.name if p.default is None else f"{p.name}={p.default}" for p in self.params
        )
        return f"{self.label}({inner})"

    def expand(self, args: Sequence[str] = (), keywords: Mapping[str, str] | None = None) -> str:
        """The text with arguments in place of the parameters; raise `MacroError` for a missing
        required argument, an unknown name, or too many arguments."""
        if len(args) > len(self.params):
            takes = _count(len(self.params), "argument")
            raise self.error(f"`{self.label}` takes {takes}, not {len(args)}")
        values: dict[str, str] = {}
        for param, arg in zip(self.params, args, strict=False):
            values[param.name] = arg
        names = {p.name for p in self.params}
        for key, value in (keywords or {}).items():
            if key not in names:
                raise self.error(f"`{self.label}` has no parameter `{key}`")
            if key in values:
                raise self.error(f"`{key}` is given twice")
            values[key] = value
        for param in self.params:
            if param.name not in values:
                if param.default is None:
                    raise self.error(f"`{self.label}` needs `{param.name}`")
                values[param.name] = param.default
        if not self.params:
            return self.text
        return _PARAM.sub(lambda match: _operand(values[match.group(1).lower()]), self.text)

    def sample(self) -> str:
        """The text with every default, and `1` for each required parameter: what must parse
        for the macro to be saved."""
        values = {p.name: "1" if p.default is None else p.default for p in self.params}
        if not self.params:
            return self.text
        return _PARAM.sub(lambda match: _operand(values[match.group(1).lower()]), self.text)

    def error(self, reason: str) -> MacroError:
        """A `MacroError` for `reason`, showing the macro."""
        return MacroError(f"{reason}\n{self.label} = {self.text}")


def _operand(text: str) -> str:
    text = text.strip()
    return text if _WHOLE.fullmatch(text) else f"({text})"


def _count(number: int, noun: str) -> str:
    return f"no {noun}s" if number == 0 else f"{number} {noun}{'s' if number != 1 else ''}"
