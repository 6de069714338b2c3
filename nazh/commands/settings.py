"""``/prefix``: show or change a server's prefix for message commands."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nazh.config import validate_prefix

if TYPE_CHECKING:
    from nazh.invocation import Invocation

__all__ = ("RESET_WORDS", "prefix")

RESET_WORDS = frozenset({"reset", "default"})
"""Values of ``/prefix`` that restore the default prefix."""


async def prefix(invocation: Invocation, new: str | None, *, can_manage: bool) -> None:
    """Show the server's prefix, or set it (``reset`` restores the default) for managers."""
    services = invocation.services
    default = services.settings.prefix
    guild_id = invocation.guild_id
    if guild_id is None:
        await invocation.respond(
            f"Prefixes are per server. Here in DMs, use `{default}roll 1d20` or mention me.",
            ephemeral=True,
        )
        return
    storage = services.storage
    if new is None:
        current = await services.guild_prefix(guild_id)
        await invocation.respond(
            f"This server's prefix is `{current}`: try `{current}roll 1d20`. "
            "Mentioning me works too.",
            ephemeral=True,
        )
        return
    if not can_manage:
        await invocation.respond(
            "Only members with the Manage Server permission can change the prefix.",
            ephemeral=True,
        )
        return
    value = new.strip()
    if value.casefold() in RESET_WORDS:
        await storage.set_prefix(guild_id, None)
        await invocation.respond(f"The prefix is back to `{default}`.", ephemeral=True)
        return
    try:
        validate_prefix(value)
    except ValueError as error:
        await invocation.respond(f"That prefix won't work: {error}.", ephemeral=True)
        return
    await storage.set_prefix(guild_id, value)
    await invocation.respond(
        f"The prefix is now `{value}`: try `{value}roll 1d20`.", ephemeral=True
    )
