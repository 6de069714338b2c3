"""Game systems: rolls that know their rules, name their outcome, and give its exact odds.

>>> from nazh.dice.systems import roll_system, system_odds
>>> roll_system("fitd", ["3"], {}).render()                  # doctest: +SKIP
'fitd(3) (2, 5, **6**) = **success**'
>>> system_odds("pbta", ["1"], {})["strong hit"]
Fraction(5, 18)

Each system lives in its own module and is listed once in `_REGISTERED` below.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from nazh.dice.systems.core import (
    Bound,
    DiceGroup,
    Mark,
    Outcome,
    Source,
    System,
    SystemCall,
    SystemDie,
    SystemRoll,
    UsageError,
    split_call,
)
from nazh.dice.systems.cthulhu import Cthulhu
from nazh.dice.systems.cyberpunk import Cyberpunk
from nazh.dice.systems.darkness import Cod, Wod
from nazh.dice.systems.dnd import Dnd, DndStats
from nazh.dice.systems.earthdawn import Earthdawn
from nazh.dice.systems.fate import Fate
from nazh.dice.systems.fitd import Fitd
from nazh.dice.systems.narrative import Genesys, StarWars
from nazh.dice.systems.pbta import Pbta
from nazh.dice.systems.savage import Sw
from nazh.dice.systems.shadowrun import Sr, Sr6
from nazh.dice.systems.vampire import V5
from nazh.dice.systems.yearzero import YearZero

if TYPE_CHECKING:
    import random
    from collections.abc import Mapping, Sequence
    from fractions import Fraction

__all__ = (
    "SYSTEMS",
    "Bound",
    "DiceGroup",
    "Mark",
    "Outcome",
    "Source",
    "System",
    "SystemCall",
    "SystemDie",
    "SystemRoll",
    "UsageError",
    "get_system",
    "roll_system",
    "split_call",
    "system_odds",
)

_REGISTERED: tuple[System[Any], ...] = (
    Dnd(),
    DndStats(),
    Pbta(),
    Fitd(),
    V5(),
    Cod(),
    Wod(),
    Sr(),
    Sr6(),
    Sw(),
    YearZero(),
    Cthulhu(),
    Fate(),
    Cyberpunk(),
    Earthdawn(),
    Genesys(),
    StarWars(),
)

SYSTEMS: dict[str, System[Any]] = {system.name: system for system in _REGISTERED}
"""Every system by its lower-case call name."""


def get_system(name: str) -> System[Any] | None:
    """The system called `name` (any case), or None."""
    return SYSTEMS.get(name.lower())


def _known(name: str) -> System[Any]:
    system = get_system(name)
    if system is None:
        names = ", ".join(f"`{known}`" for known in sorted(SYSTEMS))
        raise UsageError(f"there is no game system `{name}` (known: {names})")
    return system


def roll_system(
    name: str,
    positional: Sequence[str],
    named: Mapping[str, str],
    rng: random.Random | None = None,
) -> SystemRoll:
    """Bind and roll system `name`; faces from the OS CSPRNG unless `rng` is given."""
    system = _known(name)
    return system.roll(system.bind(positional, named), Source.from_rng(rng))


def system_odds(
    name: str, positional: Sequence[str], named: Mapping[str, str]
) -> dict[str, Fraction]:
    """The exact odds of every outcome of system `name` with these arguments, worst first."""
    system = _known(name)
    return system.outcome_odds(system.bind(positional, named))
