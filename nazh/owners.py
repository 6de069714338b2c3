"""Who owns the bot: the application's owner and team members, plus ``NAZH_OWNER_IDS``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Collection

    import hikari
    import lightbulb

__all__ = ("application_owner_ids", "is_owner")


async def application_owner_ids(client: lightbulb.Client) -> frozenset[int]:
    """The application's owner and its team members, fetched once per client.

    The same logic and cache as lightbulb's ``owner_only`` prefab, so both agree on the owners.
    """
    if client._owner_ids is None:
        application = await client._ensure_application()
        owners: set[hikari.Snowflakeish] = {application.owner.id}
        if application.team is not None:
            owners.update(application.team.members.keys())
        client._owner_ids = owners
    return frozenset(int(owner) for owner in client._owner_ids)


async def is_owner(
    client: lightbulb.Client, user_id: hikari.Snowflakeish, extra_ids: Collection[int] = ()
) -> bool:
    """Whether ``user_id`` owns the bot; ``extra_ids`` are more owners (``NAZH_OWNER_IDS``)."""
    if int(user_id) in extra_ids:
        return True
    return int(user_id) in await application_owner_ids(client)
