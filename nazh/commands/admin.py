"""``/admin`` and ``!admin``: the owners' tools to list, load, unload and reload plugins."""

from __future__ import annotations

import enum
import logging
from typing import TYPE_CHECKING

import hikari
import lightbulb

from nazh.extensions import PluginError, PluginManager, PluginState
from nazh.owners import Owners
from nazh.prefix import PrefixCommand
from nazh.services import services_of

if TYPE_CHECKING:
    from nazh.invocation import Invocation

__all__ = ("REFUSAL", "SELF", "Action", "Admin")

_LOGGER = logging.getLogger(__name__)

SELF = "admin"
"""The admin plugin's own name: it can be reloaded, never unloaded."""

REFUSAL = "Sorry, the admin commands are only for the bot's owners."
_MAX_CHOICES = 25
_USAGE = (
    "Usage: `admin plugins`, `admin reload <plugin>`, `admin load <plugin>`, "
    "`admin unload <plugin>` or `admin sync`."
)
_STATE_LABELS = {
    PluginState.LOADED: "loaded",
    PluginState.UNLOADED: "unloaded",
    PluginState.FAILED: "failed",
}


class Action(enum.Enum):
    """What an admin command does."""

    PLUGINS = "plugins"
    RELOAD = "reload"
    LOAD = "load"
    UNLOAD = "unload"
    SYNC = "sync"


_DONE = {Action.RELOAD: "Reloaded", Action.LOAD: "Loaded", Action.UNLOAD: "Unloaded"}


class Admin(lightbulb.Loadable):
    """The owners' tools on the plugins of the client it is loaded into, and ``!admin``.

    The admin plugin adds one to its loader. Loading it finds the client's plugin manager and
    owners (fetched once from Discord, plus ``NAZH_OWNER_IDS``) and routes ``!admin`` to it.
    """

    __slots__ = ("_manager", "_owners", "_prefix")

    def __init__(self) -> None:
        self._prefix = PrefixCommand(SELF, self.run_text)
        self._manager: PluginManager | None = None
        self._owners: Owners | None = None

    async def load(self, client: lightbulb.Client) -> None:
        if self._manager is None:
            async with client.di.enter_context(lightbulb.di.Contexts.DEFAULT) as container:
                self._manager = await container.get(PluginManager)
            settings = (await services_of(client)).settings
            self._owners = Owners(client.rest.fetch_application, settings.owner_ids)
        await self._prefix.load(client)

    async def unload(self, client: lightbulb.Client) -> None:
        await self._prefix.unload(client)

    @property
    def manager(self) -> PluginManager:
        """The plugin manager of the client (available once loaded)."""
        if self._manager is None:
            raise RuntimeError("the admin tools are not loaded")
        return self._manager

    async def allowed(self, invocation: Invocation) -> bool:
        """Whether the caller owns the bot (an unreachable Discord counts as no)."""
        return await self._owns(invocation.user.id)

    async def run(self, invocation: Invocation, action: Action, plugin: str | None = None) -> None:
        """Do ``action`` for an owner and answer them; anyone else gets a polite refusal."""
        metrics = invocation.services.metrics.commands
        if not await self.allowed(invocation):
            metrics.labels("admin", invocation.source, "refused").inc()
            await invocation.respond(REFUSAL, ephemeral=True)
            return
        if action is Action.PLUGINS:
            reply, outcome = self.listing(), "ok"
        elif action is Action.SYNC:
            await invocation.defer(ephemeral=True)
            reply, outcome = await self._sync()
        elif not plugin:
            reply, outcome = _USAGE, "usage"
        else:
            await invocation.defer(ephemeral=True)
            reply, outcome = await self._change(action, plugin)
        metrics.labels("admin", invocation.source, outcome).inc()
        await invocation.respond(reply, ephemeral=True)

    async def run_text(self, invocation: Invocation, text: str) -> None:
        """A prefix command's text after ``admin``: ``reload roll``, ``plugins`` ..."""
        word, _, rest = text.strip().partition(" ")
        try:
            action = Action(word.lower())
        except ValueError:
            if not await self.allowed(invocation):
                await invocation.respond(REFUSAL, ephemeral=True)
                return
            await invocation.respond(_USAGE, ephemeral=True)
            return
        await self.run(invocation, action, rest.strip() or None)

    def listing(self) -> str:
        """Every plugin with its state, one per line."""
        lines = ["**Plugins**"]
        for status in self.manager.status():
            line = f"- `{status.name}`: {_STATE_LABELS[status.state]}"
            if status.error:
                line += f" ({status.error})"
            lines.append(line)
        if len(lines) == 1:
            lines.append("No plugins found in the `plugins` package.")
        return "\n".join(lines)[:2000]

    async def suggest(
        self, user_id: hikari.Snowflakeish, action: Action, partial: str
    ) -> list[str]:
        """Plugin names fit for ``action`` that start with ``partial``; nothing for non-owners."""
        if not await self._owns(user_id):
            return []
        folded = partial.strip().casefold()
        names = [status.name for status in self.manager.status() if _fits(action, status.state)]
        if action is Action.UNLOAD:
            names = [name for name in names if name != SELF]
        return [name for name in names if name.startswith(folded)][:_MAX_CHOICES]

    async def _owns(self, user_id: hikari.Snowflakeish) -> bool:
        if self._owners is None:
            raise RuntimeError("the admin tools are not loaded")
        try:
            return await self._owners.includes(user_id)
        except hikari.HikariError:
            _LOGGER.warning("could not fetch the application to check its owners", exc_info=True)
            return False

    async def _change(self, action: Action, plugin: str) -> tuple[str, str]:
        name = plugin.strip()
        if action is Action.UNLOAD and name == SELF:
            return (
                f"I can't unload `{SELF}`: it is how plugins get loaded again. "
                f"`/admin reload {SELF}` works.",
                "refused",
            )
        try:
            if action is Action.RELOAD:
                await self.manager.reload(name)
            elif action is Action.LOAD:
                await self.manager.load(name)
            else:
                await self.manager.unload(name)
        except PluginError as error:
            kept = " The old version keeps running." if action is Action.RELOAD else ""
            return f"Could not {action.value} `{name[:40]}`: {error}.{kept}"[:2000], "failed"
        return await self._sync(f"{_DONE[action]} `{name}`")

    async def _sync(self, done: str | None = None) -> tuple[str, str]:
        try:
            await self.manager.sync()
        except Exception as error:
            _LOGGER.exception("syncing the application commands failed")
            failed = f"the command sync failed: {_first_line(error)} (details in the log)."
            return (f"{done}, but {failed}" if done else f"T{failed[1:]}"), "failed"
        return (f"{done} and synced the commands." if done else "Synced the commands."), "ok"


def _first_line(error: BaseException) -> str:
    lines = str(error).strip().splitlines()
    return f"{type(error).__name__}: {lines[0][:300]}" if lines else type(error).__name__


def _fits(action: Action, state: PluginState) -> bool:
    if action is Action.LOAD:
        return state is not PluginState.LOADED
    return state is PluginState.LOADED
