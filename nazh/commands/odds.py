"""``/odds`` and ``!odds``: exact odds of an expression, worked out in a worker process: the
chance of each total, or of each outcome of a game system's roll (`fitd(3)`)."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

import hikari

from nazh import dice
from nazh.commands.roll import error_message
from nazh.dice.odds import check_odds, check_outcome_odds
from nazh.saved.lookup import expand_text
from nazh.stats.cards import odds_card
from nazh.stats.odds import OddsError, OutcomeReport, compute_odds, compute_outcome_odds
from nazh.stats.offload import JobTimeoutError, PoolBusyError
from nazh.stats.outcome_card import outcome_card

if TYPE_CHECKING:
    from nazh.dice.dialects import Dialect
    from nazh.invocation import Invocation

__all__ = ("CHART_FILENAME", "DEFER_AFTER", "TIME_LIMIT", "odds", "split_target")

TIME_LIMIT = 10.0
"""Seconds a worker may spend on one expression before it is stopped."""
DEFER_AFTER = 1.0
"""Seconds to wait for the odds before telling Discord the answer will take a while."""
CHART_FILENAME = "odds.png"
_USAGE = "Tell me what to work out, like `4d6kh3`, or `4d6kh3 15` for the chance of 15 or more."


def _too_costly(reason: str) -> str:
    first = reason.partition("\n")[0].rstrip(".")
    return f"{first[:1].upper()}{first[1:]}. Try fewer or smaller dice."


def split_target(text: str, dialect: Dialect | str = "nazh") -> tuple[str, int | None]:
    """``("4d6kh3", 15)`` from ``"4d6kh3 15"``: a whole-number comment is the target."""
    try:
        comment = dice.parse(text, dialect).comment
    except dice.DiceError:
        return text, None
    if comment is None:
        return text, None
    try:
        target = int(comment)
    except ValueError:
        return text, None
    return text[: text.rfind(comment)].rstrip(), target


async def odds(
    invocation: Invocation,
    expression: str,
    target: int | None = None,
    *,
    time_limit: float | None = None,
) -> None:
    """Answer with the exact odds of `expression` and the chance of at least `target`; for a
    game system's roll, the chance of each outcome (a target is then noted as not applying).

    Without `target`, a whole number after the expression (``4d6kh3 15``) is the target.

    The work runs in a worker process, stopped after `time_limit` seconds (`TIME_LIMIT`).
    """
    time_limit = TIME_LIMIT if time_limit is None else time_limit
    services = invocation.services
    metrics = services.metrics
    text = expression.strip()
    choice = await services.dialect_for(invocation.guild_id, invocation.user.id)
    dialect = choice.dialect.name
    text = await expand_text(
        services.storage,
        text,
        choice.dialect,
        user_id=invocation.user.id,
        guild_id=invocation.guild_id,
    )
    if target is None:
        text, target = split_target(text, dialect)
    if not text:
        metrics.commands.labels("odds", invocation.source, "usage").inc()
        await invocation.respond(_USAGE, ephemeral=True)
        return
    try:
        parsed = dice.parse(text, dialect)
        system = parsed.system is not None
        if system:
            check_outcome_odds(parsed)
        else:
            check_odds(parsed)
    except dice.LimitError as error:
        metrics.commands.labels("odds", invocation.source, "limit").inc()
        await invocation.respond(_too_costly(str(error)), ephemeral=True)
        return
    except dice.DiceError as error:
        metrics.commands.labels("odds", invocation.source, "invalid").inc()
        await invocation.respond(error_message(error), ephemeral=True)
        return
    work = (
        services.offload.run(compute_outcome_odds, text, dialect, time_limit=time_limit)
        if system
        else services.offload.run(compute_odds, text, target, dialect, time_limit=time_limit)
    )
    job = asyncio.ensure_future(work)
    try:
        await asyncio.wait({job}, timeout=DEFER_AFTER)
        if not job.done():
            await invocation.defer()
        report = await job
    except OddsError as error:
        metrics.commands.labels("odds", invocation.source, error.reason).inc()
        reply = (
            _too_costly(str(error))
            if error.reason == "limit"
            else f"I couldn't work out those odds: {error}"
        )
        await invocation.respond(reply, ephemeral=True)
        return
    except JobTimeoutError:
        metrics.commands.labels("odds", invocation.source, "timeout").inc()
        await invocation.respond(
            f"Those odds took longer than {time_limit:g} s to work out, so I stopped. "
            "Try fewer dice or smaller ones.",
            ephemeral=True,
        )
        return
    except PoolBusyError:
        metrics.commands.labels("odds", invocation.source, "busy").inc()
        await invocation.respond(
            "I'm busy working out other odds; try again in a moment.", ephemeral=True
        )
        return
    finally:
        job.cancel()
    chart = hikari.Bytes(report.chart, CHART_FILENAME) if report.chart else None
    card = (
        outcome_card(report, chart=chart, target=target)
        if isinstance(report, OutcomeReport)
        else odds_card(report, chart=chart)
    )
    await invocation.respond(embeds=[card])
    metrics.commands.labels("odds", invocation.source, "ok").inc()
    metrics.latency.labels("odds").observe(invocation.elapsed)
