"""The live builders of one bot: opened per player, at most one each, all ended on unload."""

from __future__ import annotations

from typing import TYPE_CHECKING

import lightbulb
import miru

from nazh.builder.view import BuilderView
from nazh.commands.rolls import saved_for_completion
from nazh.dice.systems import get_system
from nazh.services import Services

if TYPE_CHECKING:
    from nazh.invocation import Invocation

__all__ = ("IDLE_TIMEOUT", "TOKEN_LIFETIME", "BuilderHub")

IDLE_TIMEOUT = 600.0
"""Seconds a builder waits for a click before it expires."""

TOKEN_LIFETIME = 900.0
"""Seconds Discord keeps an interaction token usable for editing its message."""


class BuilderHub(lightbulb.Loadable):
    """Opens builders and tracks the live one of each player.

    Added to a plugin's loader, it registers itself in the miru client's dependencies (so
    ``miru_client.get_type_dependency(BuilderHub)`` finds it) and ends every builder on unload.
    """

    __slots__ = ("_fixed_timeout", "_miru", "_services", "live", "timeout", "token_lifetime")

    def __init__(self, timeout: float | None = None) -> None:
        self.timeout = IDLE_TIMEOUT if timeout is None else timeout
        """Idle seconds before a builder expires (applies to builders opened afterwards); once
        loaded, `NAZH_BUILDER_TIMEOUT` unless a timeout was given here."""
        self._fixed_timeout = timeout is not None
        self.token_lifetime = TOKEN_LIFETIME
        """Seconds an interaction token can edit a builder message."""
        self.live: dict[int, BuilderView] = {}
        """The live builder of each player, by user id."""
        self._miru: miru.Client | None = None
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        """The bot's services (available once loaded)."""
        if self._services is None:
            raise RuntimeError("the builder hub is not loaded")
        return self._services

    async def load(self, client: lightbulb.Client) -> None:
        async with client.di.enter_context(lightbulb.di.Contexts.DEFAULT) as container:
            self._services = await container.get(Services)
            self._miru = await container.get(miru.Client)
        if not self._fixed_timeout:
            self.timeout = self._services.settings.builder_timeout
        self._miru.set_type_dependency(BuilderHub, self)

    async def unload(self, client: lightbulb.Client) -> None:
        for view in list(self.live.values()):
            await view.end("closed: the builder was switched off")

    async def open(self, invocation: Invocation, *, ephemeral: bool) -> BuilderView:
        """Open a builder for the caller, ending the one they had open.

        The caller's and the server's saved rolls and the server's game system are read once
        here, for the builder to start from or roll (none when storage cannot be read).
        """
        if self._miru is None:
            raise RuntimeError("the builder hub is not loaded")
        user = invocation.user
        saved = await saved_for_completion(self.services.storage, user.id, invocation.guild_id)
        server = await self.services.guild_settings(invocation.guild_id)
        system = get_system(server.system) if server.system else None
        previous = self.live.get(user.id)
        view = BuilderView(self, user, invocation, timeout=self.timeout, saved=saved, system=system)
        self.live[user.id] = view
        if previous is not None:
            previous.stop()
        try:
            await invocation.respond(view.render(), components=view, ephemeral=ephemeral)
            message_id = await invocation.fetch_response_id()
        except BaseException:
            view.stop()
            raise
        view.shown = True
        if view.stopped:
            await view.show_ended()
        else:
            self._miru.start_view(view, bind_to=message_id)
        if previous is not None:
            await previous.end("replaced by a newer builder")
        return view

    def forget(self, view: BuilderView) -> None:
        """Drop `view` from the live builders (views call this when they stop)."""
        if self.live.get(view.owner.id) is view:
            del self.live[view.owner.id]
