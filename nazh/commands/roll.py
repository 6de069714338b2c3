"""``/roll``, ``!roll`` and ``!gmroll``: evaluate an expression and post the rendered result,
publicly, privately or secretly (to the roller and the game master)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from nazh import dice
from nazh.commands.rolls import saved_choices
from nazh.dice.dialects import split_dialect_tag
from nazh.dice.results import SystemResult
from nazh.dice.systems import SYSTEMS
from nazh.notices import is_comment_note
from nazh.results.post import Rendered, post_result
from nazh.results.render import REVEAL_ROOM
from nazh.saved.lookup import parse_roll
from nazh.services import DialectChoice

if TYPE_CHECKING:
    from nazh.dice.dialects import Dialect
    from nazh.dice.results import Rolled
    from nazh.dice.systems import System
    from nazh.invocation import Invocation
    from nazh.storage import SavedRoll, Visibility

__all__ = ("MAX_MESSAGE", "error_message", "roll", "suggest")

MAX_MESSAGE = 2000
_MAX_NOTES = 3
_MAX_CHOICE = 100
_USAGE = (
    "Tell me what to roll, like `1d20+5 attack`, `4d6kh3` or `2d20kh1`. "
    "`/help notation` lists every form."
)


def error_message(error: dice.DiceError) -> str:
    """A friendly reply for a roll that could not be made, with the engine's hint."""
    first, _, rest = str(error).partition("\n")
    reply = f"I couldn't roll that: {first}"
    if rest.strip():
        reply += f"\n```\n{rest.rstrip()}\n```"
    return reply[:MAX_MESSAGE]


def _label(result: Rolled) -> str | None:
    """The roll's comment, or its rolls' distinct comments."""
    if result.comment:
        return result.comment
    comments = [r.comment for r in result.results if r.comment]
    return ", ".join(dict.fromkeys(comments)) or None


async def roll(
    invocation: Invocation,
    expression: str,
    *,
    private: bool = False,
    secret: bool = False,
    dialect: Dialect | None = None,
    table_channel: int | None = None,
) -> None:
    """Roll ``expression`` for the caller and answer with the result (see `post_result`):
    publicly, only to them when `private`, or to them and the GM channel when `secret`.

    `dialect` reads the roll in that dialect (a Roll again: its reading notes were shown the
    first time); else the player's or the server's. `table_channel` is the channel the roll
    belongs to, when the caller asks from elsewhere (a button in a DM or the GM channel).
    """
    services = invocation.services
    metrics = services.metrics
    text = expression.strip()
    if not text:
        metrics.commands.labels("roll", invocation.source, "usage").inc()
        await invocation.respond(_USAGE, ephemeral=True)
        return
    wait = services.roll_limiter.hit(invocation.user.id)
    if wait:
        metrics.commands.labels("roll", invocation.source, "limited").inc()
        await invocation.respond(
            f"Slow down a little: you can roll again in {math.ceil(wait)} s.", ephemeral=True
        )
        return
    choice = (
        DialectChoice(dialect, "player")
        if dialect is not None
        else await services.dialect_for(invocation.guild_id, invocation.user.id)
    )
    try:
        parsed = await parse_roll(
            services.storage,
            text,
            choice.dialect,
            user_id=invocation.user.id,
            guild_id=invocation.guild_id,
        )
        result = dice.roll(parsed)
    except dice.DiceError as error:
        metrics.rolls.labels("invalid").inc()
        metrics.commands.labels("roll", invocation.source, "invalid").inc()
        await invocation.respond(error_message(error), ephemeral=True)
        return
    header = f"<@{invocation.user.id}> :game_die:"
    tagged = ":" in text and split_dialect_tag(text)[0] is not None
    notes = services.notes.select(
        invocation.user.id, result.notes, source=choice.source, tagged=tagged
    )
    footer = "".join(f"\n-# {note}" for note in notes[:_MAX_NOTES])
    if notes and not is_comment_note(notes[-1]):
        footer += " · `/settings notation`"
    room = MAX_MESSAGE - len(header) - 1 - REVEAL_ROOM
    if len(footer) > room // 2:
        footer = ""
    body = result.render(max_length=room - len(footer))
    visibility: Visibility = "secret" if secret else "private" if private else "public"
    await post_result(
        invocation,
        Rendered(header, body, footer, _label(result)),
        text=text,
        dialect=choice.dialect.name,
        visibility=visibility,
        table_channel=table_channel,
    )
    metrics.rolls.labels("ok").inc()
    metrics.commands.labels("roll", invocation.source, "ok").inc()
    metrics.latency.labels("roll").observe(invocation.elapsed)
    storage = services.storage
    storage.record_roll(
        guild_id=invocation.guild_id,
        user_id=invocation.user.id,
        dice=[(die.sides, die.face) for die in result.dice if not die.custom],
        outcomes=[
            (r.roll.system, r.outcome.name) for r in result.results if isinstance(r, SystemResult)
        ],
    )
    storage.remember_recent(invocation.user.id, text)


def suggest(
    partial: str,
    recent: list[str],
    saved: list[SavedRoll] | None = None,
    *,
    system: System[Any] | None = None,
    limit: int = 25,
) -> list[tuple[str, str]]:
    """Autocomplete (label, value) choices, in this order: the server's game `system` (when
    ``partial`` is empty or starts its name), the saved rolls whose name ``partial`` starts
    (see `saved_choices`), the other game systems whose name it starts (two letters or more),
    the user's matching recent rolls, then completions of ``partial``.

    A game system is offered as its typical call, labelled with its title and usage.
    """
    text = partial.strip()
    folded = text.casefold()

    def offered(game: System[Any]) -> tuple[str, str]:
        usage = "" if game.usage == game.typical else f": {game.usage}"
        label = f"{game.typical} · {game.title}{usage}"
        if len(label) > _MAX_CHOICE:
            label = label[: _MAX_CHOICE - 1] + "…"
        return label, game.typical

    choices: list[tuple[str, str]] = []
    if system is not None and system.name.startswith(folded):
        choices.append(offered(system))
    if saved:
        choices.extend(saved_choices(saved, text))
    if len(folded) >= 2:
        choices.extend(
            offered(game)
            for game in SYSTEMS.values()
            if (system is None or game.name != system.name) and game.name.startswith(folded)
        )
    typed = [r for r in recent if r.casefold().startswith(folded)]
    if text:
        typed.extend(dice.complete(text, limit=limit))
    taken = {value for _, value in choices}
    for choice in dict.fromkeys(typed):
        if 0 < len(choice) <= _MAX_CHOICE and choice not in taken:
            choices.append((choice, choice))
    return choices[:limit]
