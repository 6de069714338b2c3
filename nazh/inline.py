"""Inline rolls: ``I swing [[1d20+5]] and deal [[2d6+3]] slashing`` in an ordinary message gets
one reply with each roll, labelled with the words before it.

A server turns them on with ``/settings inline on``; in DMs with the bot they always work.
Reading what members type needs the Message Content intent: Nazh asks for it and, when Discord
refuses it (close code 4014), reconnects without it (see `nazh.app`), so the intents the
running bot connected with say whether messages arrive with their text (`reads_content`).
"""

from __future__ import annotations

import dataclasses
import logging
import math
import re
from typing import TYPE_CHECKING

import hikari

from nazh import dice
from nazh.dice.render import escape_markdown
from nazh.dice.results import SystemResult
from nazh.invocation import MessageInvocation
from nazh.prefix import split_command
from nazh.saved.lookup import parse_roll

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nazh.invocation import Invocation
    from nazh.prefix import PrefixRouter
    from nazh.services import Services

__all__ = (
    "MAX_INLINE",
    "MISSING_INTENT",
    "InlineRoll",
    "find_inline",
    "on_message",
    "reads_content",
    "roll_inline",
)

_LOGGER = logging.getLogger(__name__)

MAX_INLINE = 10
"""Inline rolls answered per message; the rest are left out with a note."""
MISSING_INTENT = (
    "I can't read what members type: I connected to Discord without the **Message Content** "
    "intent, so messages reach me without their text. The bot's owner can turn it on in the "
    "Discord Developer Portal → the application → **Bot** → Privileged Gateway Intents → "
    "**Message Content Intent**, then restart me."
)
"""How to give the bot the Message Content intent that inline rolls need."""

_MAX_MESSAGE = 2000
_MAX_LABEL = 60
_MAX_SHOWN_EXPRESSION = 40
_MAX_REASON = 150
_LABEL_TRIM = " \t\n:;,.-=–—>"
_CODE = re.compile(r"```.*?```|``.+?``|`[^`]+`", re.DOTALL)
_USER_MESSAGES = frozenset({hikari.MessageType.DEFAULT, hikari.MessageType.REPLY})


@dataclasses.dataclass(frozen=True, slots=True)
class InlineRoll:
    """One ``[[expression]]`` of a message and the words before it."""

    label: str
    """The words between the previous inline roll (or the start) and this one, trimmed."""
    expression: str


def _closing(content: str, start: int) -> int:
    """The index of the ``]]`` closing the ``[[`` just before `start`, -1 if none does.

    Brackets inside count in pairs, so ``[[2d6[fire]]]`` holds ``2d6[fire]``.
    """
    depth = 0
    for index in range(start, len(content)):
        char = content[index]
        if char == "[":
            depth += 1
        elif char == "]":
            if depth:
                depth -= 1
            elif content.startswith("]]", index):
                return index
    return -1


def _label(text: str) -> str:
    words = " ".join(text.split()).strip(_LABEL_TRIM)
    if len(words) <= _MAX_LABEL:
        return words
    tail = words[-_MAX_LABEL + 1 :]
    _, space, rest = tail.partition(" ")
    return "…" + (rest if space and rest else tail)


def find_inline(content: str) -> list[InlineRoll]:
    """Every ``[[expression]]`` of `content` in order, outside code spans and code blocks.

    A blank ``[[ ]]`` or one never closed is not a roll.
    """
    code = [match.span() for match in _CODE.finditer(content)]
    found: list[InlineRoll] = []
    previous = 0
    index = content.find("[[")
    while index != -1:
        inside = next((end for begin, end in code if begin <= index < end), None)
        if inside is not None:
            index = content.find("[[", inside)
            continue
        end = _closing(content, index + 2)
        expression = content[index + 2 : end].strip() if end != -1 else ""
        if not expression:
            index = content.find("[[", index + 1)
            continue
        found.append(InlineRoll(_label(content[previous:index]), expression))
        previous = end + 2
        index = content.find("[[", previous)
    return found


def reads_content(bot: hikari.GatewayBot) -> bool:
    """Whether the bot connected with the Message Content intent, so guild messages that do not
    mention it arrive with their text."""
    return bool(bot.intents & hikari.Intents.MESSAGE_CONTENT)


def _shown(expression: str) -> str:
    short = expression
    if len(short) > _MAX_SHOWN_EXPRESSION:
        short = short[: _MAX_SHOWN_EXPRESSION - 1] + "…"
    return f"`{short}`" if "`" not in short else escape_markdown(short)


def _prefix(label: str, budget: int) -> str:
    """``**label:** `` in at most `budget` characters, keeping the words nearest the roll."""
    if not label:
        return ""
    shown = escape_markdown(label)
    cut = label
    while len(shown) + len("**:** ") > budget and cut:
        cut = cut[1:]
        shown = "…" + escape_markdown(cut)
    return f"**{shown}:** "


def _error_line(prefix: str, roll: InlineRoll, error: dice.DiceError, budget: int) -> str:
    """A short line saying why `roll` could not be made, in at most `budget` characters."""
    start = f"{prefix}couldn't roll {_shown(roll.expression)}: "
    reason = str(error).partition("\n")[0]
    room = min(_MAX_REASON, budget - len(start))
    if len(reason) > room:
        reason = reason[: max(room - 1, 0)] + "…"
    line = start + reason
    return line if len(line) <= budget else line[: budget - 1] + "…"


async def roll_inline(invocation: Invocation, rolls: Sequence[InlineRoll]) -> None:
    """Roll the first `MAX_INLINE` of `rolls` and answer with one message, a line a roll.

    The message counts once against the caller's rate limit; statistics count every roll.
    An invalid roll gets its own short error line and the others still roll.
    """
    services = invocation.services
    metrics = services.metrics
    user_id = invocation.user.id
    wait = services.roll_limiter.hit(user_id)
    if wait:
        metrics.commands.labels("inline", invocation.source, "limited").inc()
        await invocation.respond(
            f"Slow down a little: you can roll again in {math.ceil(wait)} s.", ephemeral=True
        )
        return
    choice = await services.dialect_for(invocation.guild_id, user_id)
    taken = rolls[:MAX_INLINE]
    header = f"<@{user_id}> :game_die:"
    note = (
        f"\n-# Only the first {MAX_INLINE} inline rolls of a message are rolled; "
        f"this one has {len(rolls)}."
        if len(rolls) > MAX_INLINE
        else ""
    )
    share = (_MAX_MESSAGE - len(header) - len(note) - len(taken)) // len(taken)
    prefixes = [_prefix(roll.label, share // 2) for roll in taken]
    lines: list[str | None] = []
    results: dict[int, dice.RollResult | dice.RollSet] = {}
    for index, roll in enumerate(taken):
        try:
            parsed = await parse_roll(
                services.storage,
                roll.expression,
                choice.dialect,
                user_id=user_id,
                guild_id=invocation.guild_id,
            )
            results[index] = dice.roll(parsed)
        except dice.DiceError as error:
            metrics.rolls.labels("invalid").inc()
            lines.append(_error_line(prefixes[index], roll, error, share))
        else:
            lines.append(None)
    fixed = len(header) + len(note) + len(lines) + sum(len(line or "") for line in lines)
    fixed += sum(len(prefixes[index]) for index in results)
    room = (_MAX_MESSAGE - fixed) // max(len(results), 1)
    for index, result in results.items():
        lines[index] = prefixes[index] + result.render(max_length=room)
    await invocation.respond("\n".join([header, *(line or "" for line in lines)]) + note)
    outcome = "ok" if results else "invalid"
    metrics.commands.labels("inline", invocation.source, outcome).inc()
    metrics.latency.labels("inline").observe(invocation.elapsed)
    storage = services.storage
    for index, result in results.items():
        metrics.rolls.labels("ok").inc()
        storage.record_roll(
            guild_id=invocation.guild_id,
            user_id=user_id,
            dice=[(die.sides, die.face) for die in result.dice if not die.custom],
            outcomes=[
                (r.roll.system, r.outcome.name)
                for r in result.results
                if isinstance(r, SystemResult)
            ],
        )
        storage.remember_recent(user_id, taken[index].expression)


async def _inline_on(services: Services, guild_id: hikari.Snowflake | None) -> bool:
    """Whether inline rolls are on here: always in DMs; off while settings cannot be read."""
    return guild_id is None or (await services.guild_settings(guild_id)).inline_rolls


async def _is_prefix_command(router: PrefixRouter, message: hikari.Message) -> bool:
    found = split_command(message.content or "", await router.prefixes(message.guild_id))
    return found is not None and found[0] in router.commands


async def on_message(
    services: Services, router: PrefixRouter, event: hikari.MessageCreateEvent
) -> None:
    """Answer a new message's inline rolls, where the server has them on.

    Messages of bots and webhooks are ignored, and so are prefix commands (the router answers
    those). Edits never reach here: only new messages roll.
    """
    message = event.message
    content = message.content
    if (
        not content
        or "[[" not in content
        or event.author.is_bot
        or message.webhook_id is not None
        or message.type not in _USER_MESSAGES
    ):
        return
    rolls = find_inline(content)
    if not rolls or not await _inline_on(services, message.guild_id):
        return
    if await _is_prefix_command(router, message):
        return
    invocation = MessageInvocation(services, message)
    try:
        await roll_inline(invocation, rolls)
    except Exception:
        _LOGGER.exception("inline rolls failed")
        services.metrics.errors.labels("inline").inc()
        try:
            await invocation.respond("Something went wrong on my side; the error is logged.")
        except hikari.HikariError:
            _LOGGER.warning("could not report the failure of inline rolls")
