"""Who owns the bot: the application's owner and team members, plus ``NAZH_OWNER_IDS``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from collections.abc import Awaitable, Callable, Collection

    import hikari

__all__ = ("Owners",)


class Owners:
    """The bot's owners; the application is fetched once, on the first question that needs it.

    A failed fetch (``hikari.HikariError``) propagates and is tried again on the next question.
    """

    __slots__ = ("_application_ids", "_extra_ids", "_fetch_application")

    def __init__(
        self,
        fetch_application: Callable[[], Awaitable[hikari.Application]],
        extra_ids: Collection[int] = (),
    ) -> None:
        self._fetch_application = fetch_application
        self._extra_ids = frozenset(extra_ids)
        self._application_ids: frozenset[int] | None = None

    async def application_owner_ids(self) -> frozenset[int]:
        """The application's owner and its team members."""
        if self._application_ids is None:
            application = await self._fetch_application()
            ids = {int(application.owner.id)}
            if application.team is not None:
                ids.update(int(member) for member in application.team.members)
            self._application_ids = frozenset(ids)
        return self._application_ids

    async def includes(self, user_id: hikari.Snowflakeish) -> bool:
        """Whether ``user_id`` owns the bot; the extra ids are answered without Discord."""
        if int(user_id) in self._extra_ids:
            return True
        return int(user_id) in await self.application_owner_ids()
