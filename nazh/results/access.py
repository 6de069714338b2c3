"""Who may press a result's buttons, and what everyone else is told."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection

    from nazh.storage import GuildSettings, StoredResult

__all__ = ("again_refusal", "may_reveal", "may_roll_again", "reveal_refusal")


def may_roll_again(result: StoredResult, user_id: int, settings: GuildSettings) -> bool:
    """The roller may roll a result again; anyone may when the server allows it."""
    return user_id == result.user_id or settings.reroll_anyone


def may_reveal(
    result: StoredResult,
    user_id: int,
    role_ids: Collection[int],
    settings: GuildSettings,
    *,
    manages_guild: bool,
) -> bool:
    """The roller may reveal a result, and so may the game masters: members with the server's
    GM role, or, while it has none, members with Manage Server."""
    if user_id == result.user_id:
        return True
    if settings.gm_role_id is not None:
        return settings.gm_role_id in role_ids
    return manages_guild


def again_refusal(result: StoredResult) -> str:
    """The answer to someone who may not roll `result` again."""
    return (
        f"Only <@{result.user_id}> can roll this again; roll your own with `/roll`. "
        "(A manager can let anyone: `/settings buttons anyone:true`.)"
    )


def reveal_refusal(result: StoredResult, settings: GuildSettings) -> str:
    """The answer to someone who may not reveal `result`."""
    gm = (
        f"members with <@&{settings.gm_role_id}>"
        if settings.gm_role_id is not None
        else "the game masters (`/settings gm role:` names them)"
    )
    return f"Only <@{result.user_id}> or {gm} can reveal this roll."
