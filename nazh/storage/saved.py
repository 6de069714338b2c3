"""Saved rolls: named expressions of a player (scope ``user``) or of a server (scope ``guild``).

Nothing is cached: every call reads or writes the database, so processes sharing PostgreSQL see
each other's changes at once. Writes that may add or move a name hold a lock on the owner for
their whole transaction (PostgreSQL: an advisory lock; SQLite: the write lock taken by
``BEGIN IMMEDIATE``), so an owner's limit holds however many processes save at once. Names are
stored stripped and lower-cased, so they match whatever their case; checking their syntax and
the expressions is the caller's job.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import time
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Literal

from sqlalchemy import and_, bindparam, delete, func, insert, or_, select, text, update

from nazh.storage.saved_cache import CHANNEL, SavedRollCache, payload
from nazh.storage.schema import saved_rolls

if TYPE_CHECKING:
    from collections.abc import AsyncGenerator, Callable, Iterable, Sequence

    from sqlalchemy import ColumnElement
    from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

    from nazh.storage.saved_cache import OwnerKey

__all__ = (
    "MAX_GUILD_ROLLS",
    "MAX_USER_ROLLS",
    "ImportResult",
    "RenameOutcome",
    "RenameResult",
    "SaveResult",
    "SavedRoll",
    "SavedRollLimitError",
    "SavedRolls",
    "Scope",
    "forget_user_rolls",
    "normalise_name",
    "roll_limit",
)

Scope = Literal["user", "guild"]
"""Whose a saved roll is: a player's own (``user``) or a whole server's (``guild``)."""

MAX_USER_ROLLS = 200
"""Saved rolls one player may have."""
MAX_GUILD_ROLLS = 500
"""Saved rolls one server may have."""

_LIMITS: MappingProxyType[str, int] = MappingProxyType(
    {"user": MAX_USER_ROLLS, "guild": MAX_GUILD_ROLLS}
)

_COLUMNS = (  # in the order of SavedRoll's fields
    saved_rolls.c.scope,
    saved_rolls.c.owner_id,
    saved_rolls.c.name,
    saved_rolls.c.expression,
    saved_rolls.c.updated_at,
    saved_rolls.c.author_id,
)


def roll_limit(scope: Scope) -> int:
    """How many saved rolls one owner of `scope` may have; `ValueError` for an unknown scope."""
    try:
        return _LIMITS[scope]
    except KeyError:
        raise ValueError(f"unknown saved-roll scope {scope!r}") from None


def _check_scope(scope: Scope) -> None:
    roll_limit(scope)


def normalise_name(name: str) -> str:
    """A saved roll's name as stored (stripped, lower-cased); `ValueError` when blank."""
    stored = name.strip().lower()
    if not stored:
        raise ValueError("a saved roll needs a name")
    return stored


def _normalise_expression(expression: str) -> str:
    stored = expression.strip()
    if not stored:
        raise ValueError("a saved roll needs an expression")
    return stored


@dataclass(frozen=True, slots=True)
class SavedRoll:
    """One saved roll."""

    scope: Scope
    owner_id: int
    """The player's id (scope ``user``) or the server's (scope ``guild``)."""
    name: str
    """Stripped and lower-cased."""
    expression: str
    updated_at: int
    """Unix time, in seconds, of the last save or rename."""
    author_id: int | None = None
    """Who saved a server's roll last (None for a player's own, or once its author is forgotten)."""


@dataclass(frozen=True, slots=True)
class SaveResult:
    """What `SavedRolls.save` did."""

    roll: SavedRoll
    """The roll as saved."""
    previous: str | None
    """The expression it replaced, None when the name is new."""

    @property
    def created(self) -> bool:
        """Whether the name was new."""
        return self.previous is None


class RenameOutcome(StrEnum):
    """How a rename went."""

    RENAMED = "renamed"
    MISSING = "missing"
    """The owner has no roll of the old name."""
    TAKEN = "taken"
    """The owner already has a roll of the new name; nothing changed."""


@dataclass(frozen=True, slots=True)
class RenameResult:
    """What `SavedRolls.rename` did."""

    outcome: RenameOutcome
    roll: SavedRoll | None
    """The renamed roll (RENAMED), the one holding the new name (TAKEN), or None (MISSING)."""


@dataclass(frozen=True, slots=True)
class ImportResult:
    """What `SavedRolls.import_rolls` did."""

    added: int
    """Names the owner did not have."""
    changed: int
    """Names the owner had, given with another expression."""
    removed: int
    """Names dropped because a replacing import did not give them."""
    total: int
    """Saved rolls the owner has now."""


class SavedRollLimitError(Exception):
    """A save or import would take an owner past their limit; nothing was changed."""

    def __init__(self, scope: Scope, limit: int, current: int, resulting: int) -> None:
        self.scope: Scope = scope
        self.limit = limit
        """`roll_limit` of the scope."""
        self.current = current
        """Saved rolls the owner has."""
        self.resulting = resulting
        """Saved rolls the owner would have had."""
        super().__init__(
            f"{scope} saved rolls are limited to {limit}: this would make {resulting}"
            f" (there are {current})"
        )


def _always_open() -> None:
    pass


class SavedRolls:
    """The saved rolls of every player and server (`Storage.saved`)."""

    __slots__ = ("_check_open", "_clock", "_engine", "_reading", "cache")

    def __init__(
        self,
        engine: AsyncEngine,
        *,
        check_open: Callable[[], None] = _always_open,
        clock: Callable[[], float] = time.time,
        cache: SavedRollCache | None = None,
    ) -> None:
        """Use the migrated database of `engine`.

        `check_open` runs before each call and may raise; `clock` gives the time stamps;
        `cache` keeps what `for_roller` read (see `nazh.storage.saved_cache`; PostgreSQL needs
        its `SavedRollListener` running for it to be on).
        """
        self._engine = engine
        self._check_open = check_open
        self._clock = clock
        self.cache = SavedRollCache() if cache is None else cache
        self._reading: dict[
            tuple[tuple[OwnerKey, ...], int], asyncio.Future[tuple[SavedRoll, ...]]
        ] = {}

    async def for_roller(self, user_id: int, guild_id: int | None) -> list[SavedRoll]:
        """The player's rolls and, unless `guild_id` is None (a DM), the server's: from the
        cache, else in one query.

        Sorted by name, the player's before the server's of the same name.
        """
        self._check_open()
        self.cache.check()
        keys: list[OwnerKey] = [("user", user_id)]
        if guild_id is not None:
            keys.append(("guild", guild_id))
        cached = [self.cache.get(key) for key in keys]
        if all(found is not None for found in cached):
            rolls = [roll for found in cached if found is not None for roll in found]
        else:
            # Callers missing the same owners since the same change share one query.
            flight = (tuple(keys), self.cache.generation)
            reading = self._reading.get(flight)
            if reading is None:
                reading = asyncio.ensure_future(self._read(keys, flight[1]))
                self._reading[flight] = reading
                reading.add_done_callback(lambda done: self._landed(flight, done))
            rolls = list(await asyncio.shield(reading))
        return sorted(rolls, key=lambda roll: (roll.name, roll.scope != "user"))

    async def _read(self, keys: list[OwnerKey], generation: int) -> tuple[SavedRoll, ...]:
        owners = or_(*(_owned(*key) for key in keys))
        async with self._engine.connect() as connection:
            rows = (await connection.execute(select(*_COLUMNS).where(owners))).all()
        rolls = tuple(map(_roll, rows))
        self.cache.store(
            ((key, tuple(r for r in rolls if (r.scope, r.owner_id) == key)) for key in keys),
            generation,
        )
        return rolls

    def _landed(
        self, flight: tuple[tuple[OwnerKey, ...], int], done: asyncio.Future[tuple[SavedRoll, ...]]
    ) -> None:
        self._reading.pop(flight, None)
        if not done.cancelled():
            done.exception()

    def _changing(self, key: OwnerKey) -> contextlib.AbstractAsyncContextManager[AsyncConnection]:
        return _changing_owner(self._engine, self.cache, key)

    def forgotten(self) -> None:
        """Drop every cached roll, after a player was forgotten (`forget_user_rolls`)."""
        self.cache.invalidate()

    async def list_rolls(self, scope: Scope, owner_id: int) -> list[SavedRoll]:
        """The owner's rolls, sorted by name."""
        _check_scope(scope)
        self._check_open()
        async with self._engine.connect() as connection:
            rows = await connection.execute(
                select(*_COLUMNS).where(_owned(scope, owner_id)).order_by(saved_rolls.c.name)
            )
            return [_roll(row) for row in rows]

    async def get(self, scope: Scope, owner_id: int, name: str) -> SavedRoll | None:
        """The owner's roll of `name` (in any case), None when there is none."""
        name = normalise_name(name)
        _check_scope(scope)
        self._check_open()
        async with self._engine.connect() as connection:
            row = (
                await connection.execute(select(*_COLUMNS).where(_named(scope, owner_id, name)))
            ).first()
        return None if row is None else _roll(row)

    async def count(self, scope: Scope, owner_id: int) -> int:
        """How many rolls the owner has."""
        _check_scope(scope)
        self._check_open()
        async with self._engine.connect() as connection:
            return await _count(connection, scope, owner_id)

    async def save(
        self,
        scope: Scope,
        owner_id: int,
        name: str,
        expression: str,
        *,
        author_id: int | None = None,
    ) -> SaveResult:
        """Save `expression` as the owner's roll `name`, replacing a roll of that name.

        `author_id` is who saves a server's roll. Raises `SavedRollLimitError` when the name is new
        and the owner has `roll_limit` rolls already, `ValueError` for a blank name or expression.
        """
        limit = roll_limit(scope)
        roll = _new_roll(scope, owner_id, name, expression, author_id, now=int(self._clock()))
        self._check_open()
        async with self._changing((scope, owner_id)) as connection:
            previous = await connection.scalar(
                select(saved_rolls.c.expression).where(_named(scope, owner_id, roll.name))
            )
            if previous is None:
                current = await _count(connection, scope, owner_id)
                if current >= limit:
                    raise SavedRollLimitError(scope, limit, current, current + 1)
                await connection.execute(insert(saved_rolls).values(_row(roll)))
            else:
                await connection.execute(
                    update(saved_rolls)
                    .where(_named(scope, owner_id, roll.name))
                    .values(
                        expression=roll.expression,
                        author_id=roll.author_id,
                        updated_at=roll.updated_at,
                    )
                )
        return SaveResult(roll, previous)

    async def delete(self, scope: Scope, owner_id: int, name: str) -> SavedRoll | None:
        """Delete the owner's roll `name`; return it, or None when there was none."""
        name = normalise_name(name)
        _check_scope(scope)
        self._check_open()
        async with self._changing((scope, owner_id)) as connection:
            row = (
                await connection.execute(
                    delete(saved_rolls).where(_named(scope, owner_id, name)).returning(*_COLUMNS)
                )
            ).first()
        return None if row is None else _roll(row)

    async def rename(self, scope: Scope, owner_id: int, old: str, new: str) -> RenameResult:
        """Rename the owner's roll `old` to `new`, unless the owner has a roll `new` already."""
        old, new = normalise_name(old), normalise_name(new)
        _check_scope(scope)
        self._check_open()
        now = int(self._clock())
        async with self._changing((scope, owner_id)) as connection:
            if new != old:
                taken = (
                    await connection.execute(select(*_COLUMNS).where(_named(scope, owner_id, new)))
                ).first()
                if taken is not None:
                    return RenameResult(RenameOutcome.TAKEN, _roll(taken))
            renamed = (
                await connection.execute(
                    update(saved_rolls)
                    .where(_named(scope, owner_id, old))
                    .values(name=new, updated_at=now)
                    .returning(*_COLUMNS)
                )
            ).first()
        if renamed is None:
            return RenameResult(RenameOutcome.MISSING, None)
        return RenameResult(RenameOutcome.RENAMED, _roll(renamed))

    async def import_rolls(
        self,
        scope: Scope,
        owner_id: int,
        rolls: Iterable[tuple[str, str]],
        *,
        replace: bool,
        author_id: int | None = None,
    ) -> ImportResult:
        """Save many (name, expression) rolls at once, all or nothing.

        With `replace` the owner's rolls become exactly `rolls`; without, `rolls` are added to
        them, overwriting those of the same names. Of names given twice the last counts. Raises
        `SavedRollLimitError`, changing nothing, when the owner would end up past `roll_limit`.
        """
        limit = roll_limit(scope)
        now = int(self._clock())
        wanted: dict[str, SavedRoll] = {}
        for name, expression in rolls:
            roll = _new_roll(scope, owner_id, name, expression, author_id, now=now)
            wanted[roll.name] = roll
        self._check_open()
        async with self._changing((scope, owner_id)) as connection:
            rows = await connection.execute(
                select(saved_rolls.c.name, saved_rolls.c.expression).where(_owned(scope, owner_id))
            )
            existing: dict[str, str] = dict(rows.all())
            removed = [name for name in existing if name not in wanted] if replace else []
            added = [roll for name, roll in wanted.items() if name not in existing]
            changed = [
                roll
                for name, roll in wanted.items()
                if name in existing and existing[name] != roll.expression
            ]
            total = len(existing) - len(removed) + len(added)
            if total > limit:
                raise SavedRollLimitError(scope, limit, len(existing), total)
            if removed:
                await connection.execute(
                    delete(saved_rolls).where(
                        _owned(scope, owner_id), saved_rolls.c.name.in_(removed)
                    )
                )
            if added:
                await connection.execute(
                    insert(saved_rolls),
                    [_row(roll) for roll in added],
                )
            if changed:
                await connection.execute(
                    update(saved_rolls)
                    .where(_owned(scope, owner_id), saved_rolls.c.name == bindparam("changed_name"))
                    .values(
                        expression=bindparam("changed_expression"),
                        author_id=author_id,
                        updated_at=now,
                    ),
                    [
                        {"changed_name": roll.name, "changed_expression": roll.expression}
                        for roll in changed
                    ],
                )
        return ImportResult(len(added), len(changed), len(removed), total)


@contextlib.asynccontextmanager
async def _changing_owner(
    engine: AsyncEngine, cache: SavedRollCache, key: OwnerKey
) -> AsyncGenerator[AsyncConnection]:
    """A transaction changing one owner's rolls: their lock taken, the change announced to other
    processes (PostgreSQL), and this process's cache of them dropped however it ends."""
    try:
        async with engine.begin() as connection:
            await _lock_owner(connection, *key)
            await _announce(connection, key)
            yield connection
    finally:
        cache.invalidate(key)


async def _announce(connection: AsyncConnection, key: OwnerKey | None) -> None:
    """Tell the other processes (at commit) that `key`'s rolls, or (None) anyone's, changed."""
    if connection.dialect.name == "postgresql":
        await connection.execute(
            text("SELECT pg_notify(:channel, :payload)"),
            {"channel": CHANNEL, "payload": payload(key)},
        )


def _new_roll(
    scope: Scope, owner_id: int, name: str, expression: str, author_id: int | None, *, now: int
) -> SavedRoll:
    if scope == "user" and author_id is not None:
        raise ValueError("only a server's saved rolls have an author")
    return SavedRoll(
        scope, owner_id, normalise_name(name), _normalise_expression(expression), now, author_id
    )


def _owned(scope: Scope, owner_id: int) -> ColumnElement[bool]:
    return and_(saved_rolls.c.scope == scope, saved_rolls.c.owner_id == owner_id)


def _named(scope: Scope, owner_id: int, name: str) -> ColumnElement[bool]:
    return and_(_owned(scope, owner_id), saved_rolls.c.name == name)


def _roll(row: Sequence[Any]) -> SavedRoll:
    return SavedRoll(*row)


def _row(roll: SavedRoll) -> dict[str, object]:
    """The new row of `roll`, created when it was last updated."""
    return {
        "scope": roll.scope,
        "owner_id": roll.owner_id,
        "name": roll.name,
        "expression": roll.expression,
        "author_id": roll.author_id,
        "created_at": roll.updated_at,
        "updated_at": roll.updated_at,
    }


async def _count(connection: AsyncConnection, scope: Scope, owner_id: int) -> int:
    found = await connection.scalar(
        select(func.count()).select_from(saved_rolls).where(_owned(scope, owner_id))
    )
    return found or 0


def _lock_key(scope: Scope, owner_id: int) -> int:
    digest = hashlib.blake2b(f"nazh saved rolls {scope} {owner_id}".encode(), digest_size=8)
    return int.from_bytes(digest.digest(), "big", signed=True)


async def _lock_owner(connection: AsyncConnection, scope: Scope, owner_id: int) -> None:
    """Serialise the writes of one owner until the transaction ends.

    SQLite transactions hold the database's write lock from their ``BEGIN IMMEDIATE`` already.
    """
    if connection.dialect.name == "postgresql":
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _lock_key(scope, owner_id)}
        )


async def forget_user_rolls(connection: AsyncConnection, user_id: int) -> None:
    """Delete the player's own saved rolls and drop them as author of servers' rolls.

    Runs in the caller's transaction. It waits for the saves of that player and of those servers
    (taking their locks in one order, so that two of these cannot deadlock each other).
    """
    authored = await connection.scalars(
        select(saved_rolls.c.owner_id)
        .where(saved_rolls.c.author_id == user_id, saved_rolls.c.scope == "guild")
        .distinct()
    )
    owners: list[tuple[Scope, int]] = [("user", user_id), *(("guild", guild) for guild in authored)]
    for scope, owner_id in sorted(owners, key=lambda owner: _lock_key(*owner)):
        await _lock_owner(connection, scope, owner_id)
    await _announce(connection, None)
    await connection.execute(delete(saved_rolls).where(_owned("user", user_id)))
    await connection.execute(
        update(saved_rolls).where(saved_rolls.c.author_id == user_id).values(author_id=None)
    )
