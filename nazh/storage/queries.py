"""Read queries behind the statistics results."""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from sqlalchemy import Float, cast, func, select

from nazh.storage.pending import FATE_SIDES
from nazh.storage.schema import bot_totals, die_totals, face_counts, outcome_counts, user_totals
from nazh.storage.stats import D20Average, GlobalTotals, RollerCount, ServerStats, UserStats

if TYPE_CHECKING:
    from collections.abc import Iterable

    from sqlalchemy import ColumnElement
    from sqlalchemy.ext.asyncio import AsyncConnection

__all__ = ("read_server_stats", "read_totals", "read_user_stats")


def _faces_of(sides: int) -> range:
    return range(-1, 2) if sides == FATE_SIDES else range(1, sides + 1)


def _most_first(counts: Iterable[tuple[str, int]]) -> list[tuple[str, int]]:
    return sorted(counts, key=lambda item: (-item[1], item[0]))


async def read_user_stats(
    connection: AsyncConnection, user_id: int, guild_id: int | None
) -> UserStats:
    """`UserStats` of `user_id` in `guild_id` (0 for DMs), or summed over all when None."""

    def scope(
        user_column: ColumnElement[int], guild_column: ColumnElement[int]
    ) -> list[ColumnElement[bool]]:
        conditions = [user_column == user_id]
        if guild_id is not None:
            conditions.append(guild_column == guild_id)
        return conditions

    totals = (
        await connection.execute(
            select(
                func.sum(user_totals.c.rolls),
                func.sum(user_totals.c.dice),
                func.sum(user_totals.c.nat20),
                func.sum(user_totals.c.nat1),
            ).where(*scope(user_totals.c.user_id, user_totals.c.guild_id))
        )
    ).one()
    rolls, dice, nat20, nat1 = (int(value or 0) for value in totals)

    dice_by_size: dict[int, int] = {}
    sum_by_size: dict[int, int] = {}
    per_size = await connection.execute(
        select(die_totals.c.sides, func.sum(die_totals.c.n), func.sum(die_totals.c.total))
        .where(*scope(die_totals.c.user_id, die_totals.c.guild_id))
        .group_by(die_totals.c.sides)
    )
    for sides, n, total in per_size:
        dice_by_size[sides] = int(n)
        sum_by_size[sides] = int(total)

    seen: dict[int, dict[int, int]] = {}
    per_face = await connection.execute(
        select(face_counts.c.sides, face_counts.c.face, func.sum(face_counts.c.n))
        .where(*scope(face_counts.c.user_id, face_counts.c.guild_id))
        .group_by(face_counts.c.sides, face_counts.c.face)
    )
    for sides, face, n in per_face:
        seen.setdefault(sides, {})[face] = int(n)
    faces = {
        sides: MappingProxyType({face: counts.get(face, 0) for face in _faces_of(sides)})
        for sides, counts in sorted(seen.items())
    }

    by_system: dict[str, dict[str, int]] = {}
    per_outcome = await connection.execute(
        select(outcome_counts.c.system, outcome_counts.c.outcome, func.sum(outcome_counts.c.n))
        .where(*scope(outcome_counts.c.user_id, outcome_counts.c.guild_id))
        .group_by(outcome_counts.c.system, outcome_counts.c.outcome)
    )
    for system, outcome, n in per_outcome:
        by_system.setdefault(system, {})[outcome] = int(n)
    ranked = _most_first((system, sum(counts.values())) for system, counts in by_system.items())
    outcomes = {
        system: MappingProxyType(dict(sorted(by_system[system].items()))) for system, _ in ranked
    }
    return UserStats(
        user_id=user_id,
        guild_id=guild_id,
        rolls=rolls,
        dice=dice,
        nat20=nat20,
        nat1=nat1,
        dice_by_size=MappingProxyType(dict(sorted(dice_by_size.items()))),
        sum_by_size=MappingProxyType(dict(sorted(sum_by_size.items()))),
        faces=MappingProxyType(faces),
        outcomes=MappingProxyType(outcomes),
    )


async def read_server_stats(
    connection: AsyncConnection, guild_id: int, top: int, min_d20: int
) -> ServerStats:
    """`ServerStats` of `guild_id` with `top` users per ranking."""
    in_guild = user_totals.c.guild_id == guild_id
    rolls, dice, players = (
        await connection.execute(
            select(
                func.sum(user_totals.c.rolls),
                func.sum(user_totals.c.dice),
                func.count(),
            ).where(in_guild)
        )
    ).one()
    active = await connection.execute(
        select(user_totals.c.user_id, user_totals.c.rolls)
        .where(in_guild)
        .order_by(user_totals.c.rolls.desc(), user_totals.c.user_id)
        .limit(top)
    )
    mean = cast(die_totals.c.total, Float) / die_totals.c.n
    eligible = select(die_totals.c.user_id, die_totals.c.n, die_totals.c.total).where(
        die_totals.c.guild_id == guild_id,
        die_totals.c.sides == 20,
        die_totals.c.n >= min_d20,
    )

    systems = await connection.execute(
        select(outcome_counts.c.system, func.sum(outcome_counts.c.n))
        .where(outcome_counts.c.guild_id == guild_id)
        .group_by(outcome_counts.c.system)
    )
    system_rolls = _most_first((system, int(n)) for system, n in systems)

    async def ranking(*order: ColumnElement[Any]) -> tuple[D20Average, ...]:
        result = await connection.execute(eligible.order_by(*order).limit(top))
        return tuple(D20Average(user, int(n), int(total) / int(n)) for user, n, total in result)

    return ServerStats(
        guild_id=guild_id,
        rolls=int(rolls or 0),
        dice=int(dice or 0),
        players=int(players),
        most_active=tuple(RollerCount(user, int(n)) for user, n in active),
        luckiest=await ranking(mean.desc(), die_totals.c.user_id),
        unluckiest=await ranking(mean.asc(), die_totals.c.user_id),
        min_d20=min_d20,
        system_rolls=MappingProxyType(dict(system_rolls)),
    )


async def read_totals(connection: AsyncConnection) -> GlobalTotals:
    """Bot-wide `GlobalTotals`."""
    row = (await connection.execute(select(bot_totals.c.rolls, bot_totals.c.dice))).first()
    if row is None:
        return GlobalTotals(rolls=0, dice=0)
    return GlobalTotals(rolls=int(row.rolls), dice=int(row.dice))
