"""The saved rolls a roll can call: the player's own, then the server's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nazh.dice.functions import builtin
from nazh.dice.macros import Macro, MacroError
from nazh.saved.rules import SERVER_QUALIFIER

if TYPE_CHECKING:
    from collections.abc import Iterable

    from nazh.dice.functions import Function
    from nazh.storage import SavedRoll

__all__ = ("SavedTable",)


class SavedTable:
    """Names to saved rolls for one player in one place; `resolve` is the parser's resolver.

    A player's own roll wins over a server roll of the same name; `server:name` always means
    the server's. Built fresh for each roll from what storage holds, so every process sees
    every save at once.
    """

    __slots__ = ("_entries", "_macros", "_personal")

    def __init__(self, rolls: Iterable[SavedRoll] = ()) -> None:
        self._entries: dict[str, tuple[str, str]] = {}
        """Key (a name, or `server:` and a name) to the qualifier and text it means."""
        self._personal: set[str] = set()
        self._macros: dict[str, Macro | None] = {}
        for roll in rolls:
            self.put(roll.name, roll.expression, server=roll.scope == "guild")

    def put(self, name: str, text: str, *, server: bool) -> None:
        """Add or replace the player's roll `name`, or with `server` the server's."""
        if server:
            keys = [f"{SERVER_QUALIFIER}{name}"]
            if name not in self._personal:
                keys.append(name)
            entry = (SERVER_QUALIFIER, text)
        else:
            keys = [name]
            self._personal.add(name)
            entry = ("", text)
        for key in keys:
            self._entries[key] = entry
            self._macros.pop(key, None)

    def __len__(self) -> int:
        return len(self._entries)

    def macro(self, key: str) -> Macro | None:
        """The macro `key` resolves to (see the class), or None."""
        if key in self._macros:
            return self._macros[key]
        entry = self._entries.get(key)
        found: Macro | None = None
        if entry is not None:
            qualifier, text = entry
            try:
                found = Macro.define(key.removeprefix(SERVER_QUALIFIER), text, qualifier=qualifier)
            except MacroError:
                found = None
        self._macros[key] = found
        return found

    def resolve(self, name: str) -> Function | Macro | None:
        """A built-in function, else a saved roll: the parser's `Resolver`."""
        return builtin(name) or self.macro(name)
