"""Server and player settings: ``/prefix``, ``/settings notation``, ``system``,
``roll-managers``, ``inline``, ``gm`` and ``buttons``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from nazh.commands.help import system_card, system_named, unknown_system
from nazh.config import validate_prefix
from nazh.dice.dialects import DIALECTS, NAZH, get_dialect
from nazh.dice.errors import DiceError
from nazh.inline import MAX_INLINE, MISSING_INTENT, reads_content

if TYPE_CHECKING:
    from nazh.invocation import Invocation

__all__ = (
    "RESET_WORDS",
    "Scope",
    "game_master",
    "game_system",
    "inline_rolls",
    "notation",
    "parse_notation_args",
    "prefix",
    "result_buttons",
    "roll_managers",
)

Scope = Literal["server", "me"]

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


_MANAGERS_ONLY = "Only members with the Manage Server permission can change the server's {what}."
_DIALECT_LIST = ", ".join(f"`{name}`" for name in DIALECTS)


def _label(name: str | None) -> str:
    return get_dialect(name).label if name else NAZH.label


async def notation(
    invocation: Invocation, dialect: str | None, scope: Scope, *, can_manage: bool
) -> None:
    """Show the notation dialects in force, or set the server's or the player's own."""
    storage = invocation.services.storage
    guild_id = invocation.guild_id
    user_id = invocation.user.id
    if dialect is None:
        choice = await invocation.services.dialect_for(guild_id, user_id)
        mine = await storage.user_dialect(user_id)
        server = (await storage.guild_settings(guild_id)).dialect if guild_id else None
        lines = [f"Your rolls are read as **{choice.dialect.label}** notation."]
        if guild_id is not None:
            lines.append(f"This server's notation: {_label(server)}.")
        lines.append(f"Your own: {_label(mine) if mine else 'not set (the server decides)'}.")
        lines.append(
            f"Dialects: {_DIALECT_LIST}. Change yours with "
            "`/settings notation <dialect> scope:me`, or tag one roll: `roll20: 3d6>3`."
        )
        await invocation.respond("\n".join(lines), ephemeral=True)
        return
    word = dialect.strip().casefold()
    reset = word in RESET_WORDS
    try:
        chosen = None if reset else get_dialect(word)
    except DiceError as error:
        await invocation.respond(f"{error}.", ephemeral=True)
        return
    if scope == "me" or guild_id is None:
        await storage.set_user_dialect(user_id, None if chosen is None else chosen.name)
        if chosen is None:
            answer = "Your rolls follow the server's notation again."
        else:
            answer = f"Your rolls are now read as **{chosen.label}** notation, on every server."
        await invocation.respond(answer, ephemeral=True)
        return
    if not can_manage:
        await invocation.respond(_MANAGERS_ONLY.format(what="notation"), ephemeral=True)
        return
    await storage.set_guild_dialect(guild_id, None if chosen is None else chosen.name)
    label = NAZH.label if chosen is None else chosen.label
    await invocation.respond(
        f"Rolls on this server are now read as **{label}** notation "
        "(players who chose their own keep theirs).",
        ephemeral=True,
    )


def parse_notation_args(text: str) -> tuple[str | None, Scope] | None:
    """``!settings notation [dialect] [me|server]`` arguments, None if they do not fit."""
    words = text.split()
    scope: Scope = "server"
    if words and words[-1].casefold() in ("me", "server"):
        scope = "me" if words.pop().casefold() == "me" else "server"
    if len(words) > 1:
        return None
    return (words[0] if words else None), scope


async def game_system(invocation: Invocation, name: str | None, *, can_manage: bool) -> None:
    """Show the server's game system with its card, or set it for managers (``reset`` or
    ``default`` clears it)."""
    guild_id = invocation.guild_id
    if guild_id is None:
        await invocation.respond(
            "A game system is a server setting. Any system rolls anywhere by name, like "
            "`/roll fitd(3)`; `/help system` lists them.",
            ephemeral=True,
        )
        return
    storage = invocation.services.storage
    if name is None:
        stored = (await storage.guild_settings(guild_id)).system
        current = None if stored is None else system_named(stored)
        if current is None:
            await invocation.respond(
                "This server has no game system set. A manager can choose one with "
                "`/settings system <name>`; `/help system` lists them.",
                ephemeral=True,
            )
            return
        await invocation.respond(
            f"This server's game system is **{current.title}**: try `/roll {current.typical}`.",
            embeds=[system_card(current, server=True)],
            ephemeral=True,
        )
        return
    if not can_manage:
        await invocation.respond(_MANAGERS_ONLY.format(what="game system"), ephemeral=True)
        return
    if name.strip().casefold() in RESET_WORDS:
        await storage.set_guild_system(guild_id, None)
        await invocation.respond(
            "This server has no game system now; every system still rolls by name.",
            ephemeral=True,
        )
        return
    chosen = system_named(name)
    if chosen is None:
        await invocation.respond(unknown_system(name), ephemeral=True)
        return
    await storage.set_guild_system(guild_id, chosen.name)
    await invocation.respond(
        f"This server's game system is now **{chosen.title}**: `/roll {chosen.typical}` "
        "comes first as you type `/roll`.",
        embeds=[system_card(chosen, server=True)],
        ephemeral=True,
    )


async def roll_managers(
    invocation: Invocation, role_id: int | None, *, reset: bool, can_manage: bool
) -> None:
    """Show, set or (with `reset`) remove the role that may change the server's saved rolls."""
    guild_id = invocation.guild_id
    if guild_id is None:
        await invocation.respond("Roll managers are a server setting.", ephemeral=True)
        return
    storage = invocation.services.storage
    if role_id is None and not reset:
        current = (await storage.guild_settings(guild_id)).roll_manager_role
        who = f"members with <@&{current}> and " if current else ""
        await invocation.respond(
            f"The server's saved rolls can be changed by {who}members with Manage Server.",
            ephemeral=True,
        )
        return
    if not can_manage:
        await invocation.respond(_MANAGERS_ONLY.format(what="roll managers"), ephemeral=True)
        return
    await storage.set_roll_manager_role(guild_id, None if reset else role_id)
    answer = (
        "Only members with Manage Server can change the server's saved rolls now."
        if reset
        else f"Members with <@&{role_id}> can now save, rename and delete the server's rolls."
    )
    await invocation.respond(answer, ephemeral=True)


async def inline_rolls(invocation: Invocation, enabled: bool | None, *, can_manage: bool) -> None:
    """Show whether the server rolls ``[[1d20]]`` in messages, or turn it on or off for
    managers; both say how to enable the Message Content intent when the bot lacks it."""
    guild_id = invocation.guild_id
    if guild_id is None:
        await invocation.respond(
            "Inline rolls are a server setting; here in DMs `[[1d20+5]]` in a message always "
            "rolls.",
            ephemeral=True,
        )
        return
    services = invocation.services
    warning = "" if reads_content(services.bot) else f"\n{MISSING_INTENT}"
    if enabled is None:
        on = (await services.storage.guild_settings(guild_id)).inline_rolls
        await invocation.respond(
            f"Inline rolls are **{'on' if on else 'off'}** on this server: `[[1d20+5]]` in a "
            f"message {'is' if on else 'would be'} rolled. Managers change it with "
            f"`/settings inline`.{warning}",
            ephemeral=True,
        )
        return
    if not can_manage:
        await invocation.respond(_MANAGERS_ONLY.format(what="inline rolls"), ephemeral=True)
        return
    await services.storage.set_guild_settings(guild_id, inline_rolls=enabled)
    answer = (
        "Inline rolls are on: a message like `I swing [[1d20+5]] and deal [[2d6+3]]` gets one "
        f"reply with each roll, labelled with the words before it (up to {MAX_INLINE} a "
        "message). Edits don't roll again."
        if enabled
        else "Inline rolls are off: `[[...]]` in messages is left alone."
    )
    await invocation.respond(answer + (warning if enabled else ""), ephemeral=True)


def _gm_summary(channel_id: int | None, role_id: int | None, notice: bool) -> str:
    channel = (
        f"Secret rolls go to <#{channel_id}> and to the roller alone"
        if channel_id is not None
        else "No GM channel is set: secret rolls answer the roller alone"
    )
    role = (
        f"members with <@&{role_id}> may reveal anyone's result"
        if role_id is not None
        else "members with Manage Server may reveal anyone's result (no GM role is set)"
    )
    said = "a short notice, without the result," if notice else "no notice"
    return f"{channel}; {role}. The table's channel gets {said} when someone rolls secretly."


async def game_master(
    invocation: Invocation,
    *,
    channel_id: int | None,
    role_id: int | None,
    notice: bool | None,
    reset: bool,
    can_manage: bool,
) -> None:
    """Show where secret rolls go, or for managers set the GM channel, the GM role and whether
    the table sees a notice (`reset` clears them all)."""
    guild_id = invocation.guild_id
    if guild_id is None:
        await invocation.respond(
            "The GM channel is a server setting; here in DMs a secret roll is a private one.",
            ephemeral=True,
        )
        return
    storage = invocation.services.storage
    if channel_id is None and role_id is None and notice is None and not reset:
        current = await storage.guild_settings(guild_id)
        await invocation.respond(
            _gm_summary(current.gm_channel_id, current.gm_role_id, current.secret_notice)
            + " Managers change it with `/settings gm`.",
            ephemeral=True,
        )
        return
    if not can_manage:
        await invocation.respond(_MANAGERS_ONLY.format(what="GM settings"), ephemeral=True)
        return
    if reset:
        changed = await storage.set_guild_settings(
            guild_id, gm_channel_id=None, gm_role_id=None, secret_notice=True
        )
    else:
        current = await storage.guild_settings(guild_id)
        changed = await storage.set_guild_settings(
            guild_id,
            gm_channel_id=current.gm_channel_id if channel_id is None else channel_id,
            gm_role_id=current.gm_role_id if role_id is None else role_id,
            secret_notice=current.secret_notice if notice is None else notice,
        )
    await invocation.respond(
        _gm_summary(changed.gm_channel_id, changed.gm_role_id, changed.secret_notice)
        + " Roll secretly with `/roll 1d20 secret:true` or `!gmroll 1d20`.",
        ephemeral=True,
    )


def _buttons_summary(on: bool, anyone: bool) -> str:
    if not on:
        return "Results carry no buttons on this server."
    who = "anyone" if anyone else "only the roller"
    return (
        f"Results carry buttons: **Roll again** ({who} may press it) and, on private and "
        "secret results, **Reveal** (the roller or the GM)."
    )


async def result_buttons(
    invocation: Invocation, enabled: bool | None, anyone: bool | None, *, can_manage: bool
) -> None:
    """Show whether results carry Roll again and Reveal buttons, or turn them on or off and
    let anyone (or only the roller) roll again, for managers."""
    guild_id = invocation.guild_id
    if guild_id is None:
        await invocation.respond(
            "Result buttons are a server setting; in DMs your results always carry them.",
            ephemeral=True,
        )
        return
    storage = invocation.services.storage
    if enabled is None and anyone is None:
        current = await storage.guild_settings(guild_id)
        await invocation.respond(
            _buttons_summary(current.buttons, current.reroll_anyone)
            + " Managers change it with `/settings buttons`.",
            ephemeral=True,
        )
        return
    if not can_manage:
        await invocation.respond(_MANAGERS_ONLY.format(what="result buttons"), ephemeral=True)
        return
    current = await storage.guild_settings(guild_id)
    changed = await storage.set_guild_settings(
        guild_id,
        buttons=current.buttons if enabled is None else enabled,
        reroll_anyone=current.reroll_anyone if anyone is None else anyone,
    )
    await invocation.respond(
        _buttons_summary(changed.buttons, changed.reroll_anyone), ephemeral=True
    )
