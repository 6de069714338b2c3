"""The embeds of `/stats` and `/odds`: every text the user reads, within Discord's embed limits."""

from __future__ import annotations

import dataclasses
import math
from fractions import Fraction
from typing import TYPE_CHECKING

import hikari

from nazh.dice.systems import get_system
from nazh.dice.systems.core import PLAIN
from nazh.stats.fairness import fairness_of, rolls_needed
from nazh.storage import FATE_SIDES

if TYPE_CHECKING:
    from collections.abc import Iterable, Mapping, Sequence

    from nazh.stats.odds import OddsReport
    from nazh.storage import ServerStats, UserStats
    from nazh.storage.leases import ClusterView, Lease

__all__ = (
    "COLOUR",
    "BotInfo",
    "bot_card",
    "cluster_summary",
    "die_name",
    "format_chance",
    "odds_card",
    "odds_fallback",
    "outcome_field",
    "server_card",
    "user_card",
)

COLOUR = hikari.Colour(0x5865F2)
_FIELD = 1024
_EMBED = 6000
_MAX_FIELDS = 25
_MORE_SYSTEMS = "More game systems"
_MORE_SYSTEMS_ROOM = 200
_PLAIN_LABEL = "other"
_MAX_FAIRNESS_LINES = 6
_D20_MEAN = 10.5


def die_name(sides: int) -> str:
    """``d20``, or ``dF`` for Fate dice."""
    return "dF" if sides == FATE_SIDES else f"d{sides}"


def _join_within(parts: Sequence[str], separator: str, limit: int = _FIELD) -> str:
    """`parts` joined, cut with a note of how many were left out if it would pass `limit`."""
    text = ""
    for index, part in enumerate(parts):
        candidate = f"{text}{separator}{part}" if text else part
        rest = len(parts) - index - 1
        note = f"{separator}… and {rest} more" if rest else ""
        if len(candidate) + len(note) > limit:
            return f"{text}{separator}… and {len(parts) - index} more" if text else part[:limit]
        text = candidate
    return text


def _count(n: int, noun: str) -> str:
    plural = "dice" if noun == "die" else f"{noun}s"
    return f"{n:,} {noun if n == 1 else plural}"


def user_card(stats: UserStats, name: str, scope: str, *, own: bool = True) -> hikari.Embed:
    """`/stats me`: rolls, dice by size, the d20 story, the outcomes of each game system rolled
    and a fairness verdict per die.

    ``own``: the reader is the player ("Your d20"), not someone else ("Their d20").
    """
    embed = hikari.Embed(title=f"Roll statistics of {name}"[:256], colour=COLOUR)
    if stats.rolls == 0:
        embed.description = f"{scope}: no rolls yet. Roll something with `/roll 1d20`!"
        return embed
    embed.description = f"{scope}: {_count(stats.rolls, 'roll')}, {_count(stats.dice, 'die')}"
    by_size = [f"{die_name(s)} × {n:,}" for s, n in stats.dice_by_size.items()]
    embed.add_field("Dice rolled", _join_within(by_size, " · "))
    d20s = stats.d20_rolled
    if d20s:
        expected = d20s / 20
        mean = stats.d20_mean or 0.0
        embed.add_field(
            "d20",
            f"Natural 20s: **{stats.nat20:,}** (expected {expected:,.1f})\n"
            f"Natural 1s: **{stats.nat1:,}** (expected {expected:,.1f})\n"
            f"Average: **{mean:.2f}** (a fair d20 averages {_D20_MEAN})",
        )
    fairness = _fairness_lines(stats, "Your" if own else "Their")
    _add_system_fields(embed, stats.outcomes, reserve=len("Fairness") + len(fairness))
    embed.add_field("Fairness", fairness)
    return embed


def outcome_field(system_name: str, counts: Mapping[str, int]) -> tuple[str, str]:
    """A field of a player's outcomes in one game system: its title and call name, and the
    counts best outcome first (``critical 3 · success 12 · partial success 20 · failure 9``).

    Outcomes this version does not know (or all, for a system it does not know) come last.
    """
    system = get_system(system_name)
    if system is None:
        title, known = system_name, ()
    else:
        title, known = f"{system.title} ({system.name})", system.outcomes
    order = [name for name in reversed(known) if name in counts]
    order.extend(name for name in counts if name not in known)
    parts = [
        f"{_PLAIN_LABEL if name == PLAIN and name in known else name} {counts[name]:,}"
        for name in order
    ]
    return title[:256], _join_within(parts, " · ")


def _add_system_fields(
    embed: hikari.Embed, outcomes: Mapping[str, Mapping[str, int]], *, reserve: int
) -> None:
    """A field per game system, most rolled first, while Discord's embed limits leave room for
    `reserve` more characters in one more field; the systems left over are named in one field."""
    room = _EMBED - reserve - len(_MORE_SYSTEMS) - _MORE_SYSTEMS_ROOM
    systems = list(outcomes.items())
    for index, (system_name, counts) in enumerate(systems):
        title, value = outcome_field(system_name, counts)
        full = len(embed.fields) + 3 > _MAX_FIELDS
        if full or embed.total_length() + len(title) + len(value) > room:
            left = [f"{name} × {sum(n.values()):,}" for name, n in systems[index:]]
            embed.add_field(_MORE_SYSTEMS, _join_within(left, " · ", _MORE_SYSTEMS_ROOM))
            return
        embed.add_field(title, value)


def _fairness_lines(stats: UserStats, whose: str) -> str:
    lines: list[str] = []
    waiting: list[str] = []
    by_use = sorted(stats.faces.items(), key=lambda item: (item[0] != 20, -sum(item[1].values())))
    for sides, counts in by_use:
        if len(counts) < 2:
            continue
        verdict = fairness_of(counts)
        if verdict is None:
            needed = rolls_needed(len(counts))
            waiting.append(f"{die_name(sides)} {sum(counts.values()):,}/{needed:,}")
            continue
        lines.append(
            f"{whose} {die_name(sides)} is {verdict.verdict} "
            f"(χ² = {verdict.statistic:.1f}, {verdict.dof} df, p = {_p_value(verdict.p_value)})"
        )
    lines = lines[:_MAX_FAIRNESS_LINES]
    if waiting:
        lines.append("Not enough rolls to judge yet: " + ", ".join(waiting))
    if not lines:
        return "Fairness is judged on dice up to d100; none rolled yet."
    return _join_within(lines, "\n")


def _p_value(p: float) -> str:
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def server_card(stats: ServerStats, name: str) -> hikari.Embed:
    """`/stats server`: totals, the most active rollers, the game systems rolled and the
    luckiest and unluckiest d20s."""
    embed = hikari.Embed(title=f"Roll statistics of {name}"[:256], colour=COLOUR)
    if stats.rolls == 0:
        embed.description = "Nobody has rolled here yet. Be the first: `/roll 1d20`!"
        return embed
    embed.description = (
        f"{_count(stats.rolls, 'roll')}, {_count(stats.dice, 'die')}, "
        f"{_count(stats.players, 'player')}"
    )
    embed.add_field(
        "Most active",
        "\n".join(
            f"{rank}. <@{row.user_id}>: {_count(row.rolls, 'roll')}"
            for rank, row in enumerate(stats.most_active, 1)
        ),
    )
    if stats.system_rolls:
        systems = [f"{name} × {n:,}" for name, n in stats.system_rolls.items()]
        embed.add_field("Game system rolls", _join_within(systems, " · "))
    if not stats.luckiest:
        embed.add_field(
            "Luck", f"Rankings start once someone has rolled {stats.min_d20} d20s here."
        )
        return embed
    for title, ranking in (
        ("Luckiest d20s", stats.luckiest),
        ("Unluckiest d20s", stats.unluckiest),
    ):
        embed.add_field(
            title,
            "\n".join(
                f"{rank}. <@{row.user_id}>: {row.mean:.2f} over {row.d20:,}"
                for rank, row in enumerate(ranking, 1)
            ),
            inline=True,
        )
    embed.set_footer(f"d20 averages rank players with at least {stats.min_d20} d20s; fair is 10.5.")
    return embed


@dataclasses.dataclass(frozen=True, slots=True)
class BotInfo:
    """What `/stats bot` reports about the running process."""

    version: str
    uptime: float
    """Seconds since start-up."""
    guilds: int
    shards: Sequence[int]
    """Shards this process runs."""
    shard_count: int
    latency: float
    """Gateway heartbeat latency in seconds, NaN before the first heartbeat."""
    rolls: int
    """Rolls served by every process sharing the database."""
    dice: int
    memory: int | None
    """Resident memory in bytes, None where it cannot be read."""
    storage: str | None = None
    """The storage kind, like ``PostgreSQL``."""
    storage_warning: str | None = None
    """Why statistics will be lost and how to keep them; only ever shown to owners."""
    cluster: ClusterView | None = None
    """The shard cluster this process is part of (`NAZH_SHARD_IDS=auto`); only ever shown to
    owners."""
    member_id: str | None = None
    """This process's id in `cluster`."""


def _duration(seconds: float) -> str:
    minutes, _ = divmod(int(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    days, hours = divmod(hours, 24)
    if days:
        return f"{days} d {hours} h {minutes} min"
    if hours:
        return f"{hours} h {minutes} min"
    return f"{minutes} min" if minutes else f"{int(seconds)} s"


def _shard_list(shards: Iterable[int]) -> str:
    return ", ".join(map(str, sorted(shards))) or "none"


def bot_card(info: BotInfo) -> hikari.Embed:
    """`/stats bot`: uptime, guilds, shards, latency, rolls served, memory, storage, version."""
    embed = hikari.Embed(title="Nazh", colour=COLOUR)
    latency = f"{info.latency * 1000:.0f} ms" if math.isfinite(info.latency) else "not measured yet"
    memory = f"{info.memory / 2**20:.1f} MiB" if info.memory is not None else "unknown"
    shards = f"{len(info.shards)} of {info.shard_count} here ({_shard_list(info.shards)})"
    for name, value in (
        ("Uptime", _duration(info.uptime)),
        ("Servers", f"{info.guilds:,}"),
        ("Shards", shards),
        ("Gateway latency", latency),
        ("Rolls served", f"{info.rolls:,} ({_count(info.dice, 'die')})"),
        ("Memory", memory),
        ("Storage", info.storage or ""),
        ("Version", info.version),
    ):
        if value:
            embed.add_field(name, value, inline=True)
    if info.cluster is not None:
        embed.add_field("Cluster (shown to owners)", cluster_summary(info.cluster, info.member_id))
    if info.storage_warning:
        embed.add_field("Storage will not last (shown to owners)", info.storage_warning)
    return embed


def cluster_summary(view: ClusterView, member_id: str | None, *, limit: int = 10) -> str:
    """One line per live process (shards, oldest lease, last renewal), then unowned shards."""
    owned: dict[str, list[Lease]] = {}
    for lease in view.leases:
        if lease.owner is not None:
            owned.setdefault(lease.owner, []).append(lease)
    lines: list[str] = []
    for member in view.members[:limit]:
        leases = owned.get(member.member_id, [])
        ages = [lease.held_for for lease in leases if lease.held_for is not None]
        oldest = f", oldest lease {_duration(max(ages))}" if ages else ""
        here = " (this one)" if member.member_id == member_id else ""
        draining = ", handing over" if member.draining else ""
        shards = _shard_list(lease.shard_id for lease in leases)
        lines.append(
            f"`{member.host.replace('`', '')}` pid {member.pid}{here}: shards {shards}{oldest},"
            f" renewed {member.seen_ago:.1f} s ago{draining}"
        )
    if len(view.members) > limit:
        lines.append(f"… and {len(view.members) - limit} more processes")
    unowned = view.unowned
    if unowned:
        lines.append(f"**Unowned:** shards {_shard_list(unowned)}")
    return "\n".join(lines) or "no live process"


def _one_in(p: Fraction) -> str:
    digits = math.log10(p.denominator) - math.log10(p.numerator)
    return f"about 1 in {round(1 / float(p)):,}" if digits < 15 else f"about 1 in 10^{digits:.0f}"


def format_chance(p: Fraction) -> str:
    """A probability for people: ``35.88 %``, ``0.0013 % (about 1 in 77,000)``, ``impossible``."""
    if p <= 0:
        return "impossible"
    if p >= 1:
        return "certain (100 %)"
    if p < Fraction(1, 10**4):
        one_in = _one_in(p)
        return one_in if "^" in one_in else f"{float(p) * 100:.2g} % ({one_in})"
    text = f"{float(p) * 100:.2f} %"
    return f"> 99.99 % (misses {_one_in(1 - p)})" if text == "100.00 %" else text


def odds_fallback(report: OddsReport) -> str:
    """The chart in words, for screen readers and clients that hide images."""
    total, chance = report.mode
    groups = [
        f"{low}: {p * 100:.1f} %" if low == high else f"{low}–{high}: {p * 100:.1f} %"
        for low, high, p in report.groups
    ]
    text = f"Most likely total {total} ({chance * 100:.2f} %). " + "; ".join(groups) + "."
    return text[:_FIELD]


def odds_card(report: OddsReport, *, chart: hikari.Resourceish | None) -> hikari.Embed:
    """`/odds`: mean, spread, range, the chance of the target, percentiles, chart and its text."""
    title = f"Odds of {report.expression}"
    if report.repeat > 1:
        title += f" (each of {report.repeat} results)"
    embed = hikari.Embed(title=title[:256], colour=COLOUR)
    notes: list[str] = []
    if report.truncated > 0:
        notes.append(
            f"Explosions are worked out until the rest is below {report.truncated:.1g} in chance."
        )
    if report.refused > 0:
        notes.append(f"{report.refused * 100:.3g} % of rolls hit a limit and give no total.")
    if notes:
        embed.description = " ".join(notes)
    embed.add_field("Mean", f"{report.mean:,.2f}", inline=True)
    embed.add_field("Standard deviation", f"{report.stdev:,.2f}", inline=True)
    embed.add_field("Range", f"{report.low:,} to {report.high:,}", inline=True)
    if report.target is not None and report.at_least is not None:
        embed.add_field(
            f"Chance of {report.target:,} or more", format_chance(report.at_least), inline=True
        )
    embed.add_field(
        "Percentiles",
        " · ".join(f"{pct} %: {total:,}" for pct, total in report.percentiles),
    )
    embed.add_field("The chart in words", odds_fallback(report))
    if chart is not None:
        embed.set_image(chart)
    return embed
