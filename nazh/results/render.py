"""What result messages say and carry: their buttons, the secret roll's notice, a revealed
result, and links to messages."""

from __future__ import annotations

from typing import TYPE_CHECKING

import hikari

from nazh.dice.render import escape_markdown
from nazh.results.ids import custom_id

if TYPE_CHECKING:
    from nazh.storage import StoredResult, Visibility

__all__ = (
    "REVEAL_ROOM",
    "buttons",
    "message_link",
    "revealed",
    "secret_notice",
)

REVEAL_ROOM = 100
"""Characters a result leaves free for the line that marks it revealed (or secret)."""
_MAX_LABEL = 80


def buttons(result_id: str, visibility: Visibility) -> list[hikari.api.ComponentBuilder]:
    """The row under a result: Roll again, and Reveal on a private or secret one."""
    row = hikari.impl.MessageActionRowBuilder()
    row.add_interactive_button(
        hikari.ButtonStyle.SECONDARY, custom_id("again", result_id), emoji="🎲", label="Roll again"
    )
    if visibility != "public":
        row.add_interactive_button(
            hikari.ButtonStyle.SECONDARY, custom_id("reveal", result_id), emoji="🔓", label="Reveal"
        )
    return [row]


def secret_notice(user_id: int, label: str | None) -> str:
    """The table's notice of a secret roll: who rolled and its comment, never its result."""
    if not label:
        return f"🎲 <@{user_id}> rolled secretly."
    shown = label if len(label) <= _MAX_LABEL else label[: _MAX_LABEL - 1] + "…"
    return f"🎲 <@{user_id}> rolled secretly: {escape_markdown(shown)}"


def revealed(result: StoredResult, revealer_id: int) -> str:
    """A kept result as it is revealed: marked so, with when it was rolled (and by whom it is
    revealed, when not the roller)."""
    by = "" if revealer_id == result.user_id else f" by <@{revealer_id}>"
    line = f"🔓 Revealed{by} · rolled <t:{result.created_at}:R>"
    return f"{line}\n{result.content}"[:2000]


def message_link(guild_id: int | None, channel_id: int, message_id: int) -> str:
    """A link that opens a message in Discord."""
    return f"https://discord.com/channels/{guild_id or '@me'}/{channel_id}/{message_id}"
