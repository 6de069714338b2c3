"""Plugins: the lightbulb extensions in the ``plugins`` package, loaded and reloaded by name."""

from __future__ import annotations

import dataclasses
import enum
import importlib.util
import logging
import pkgutil
import re
import sys
from typing import TYPE_CHECKING

import lightbulb

from nazh.compat import route_commands

if TYPE_CHECKING:
    import types

__all__ = (
    "PLUGIN_PACKAGE",
    "PluginError",
    "PluginManager",
    "PluginState",
    "PluginStatus",
    "available_plugins",
    "module_name",
)

_LOGGER = logging.getLogger(__name__)

PLUGIN_PACKAGE = "plugins"
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,31}$")


class PluginError(Exception):
    """A plugin could not be found, loaded, unloaded or reloaded; the message is one line."""


class PluginState(enum.Enum):
    """Where a plugin stands."""

    LOADED = "loaded"
    UNLOADED = "unloaded"
    FAILED = "failed"


@dataclasses.dataclass(frozen=True, slots=True)
class PluginStatus:
    """A plugin's name, state, and the first line of its last error."""

    name: str
    state: PluginState
    error: str | None = None


def available_plugins() -> tuple[str, ...]:
    """The modules of the installed ``plugins`` package, found without importing them."""
    spec = importlib.util.find_spec(PLUGIN_PACKAGE)
    if spec is None or spec.submodule_search_locations is None:
        return ()
    found = pkgutil.iter_modules(list(spec.submodule_search_locations))
    return tuple(sorted(m.name for m in found if not m.name.startswith("_")))


def module_name(plugin: str) -> str:
    """``plugins.<plugin>`` for a plugin that exists, else :class:`PluginError`."""
    if not _NAME.match(plugin) or plugin not in available_plugins():
        raise PluginError(f"there is no plugin named {plugin[:40]!r}")
    return f"{PLUGIN_PACKAGE}.{plugin}"


def _first_line(error: BaseException) -> str:
    text = str(error).strip().splitlines()
    detail = text[0] if text else ""
    return f"{type(error).__name__}: {detail}"[:200] if detail else type(error).__name__


class PluginManager:
    """Loads, unloads and reloads plugins on a lightbulb client.

    A reload runs the plugin's current source in a fresh module first; only when that
    succeeds are the old version's features swapped for the new ones, so a broken edit
    leaves the old version running.
    """

    __slots__ = ("_errors", "_loaded", "client")

    def __init__(self, client: lightbulb.Client) -> None:
        self.client = client
        self._loaded: dict[str, list[lightbulb.Loader]] = {}
        self._errors: dict[str, str] = {}

    def status(self) -> list[PluginStatus]:
        """Every plugin in the package with its state."""
        statuses: list[PluginStatus] = []
        for name in available_plugins():
            if name in self._loaded:
                statuses.append(PluginStatus(name, PluginState.LOADED))
            elif name in self._errors:
                statuses.append(PluginStatus(name, PluginState.FAILED, self._errors[name]))
            else:
                statuses.append(PluginStatus(name, PluginState.UNLOADED))
        return statuses

    @property
    def loaded(self) -> tuple[str, ...]:
        """The names of the loaded plugins."""
        return tuple(sorted(self._loaded))

    async def load(self, name: str) -> None:
        """Import and load a plugin that is not loaded."""
        module = module_name(name)
        if name in self._loaded:
            raise PluginError(f"plugin {name!r} is already loaded")
        fresh = self._execute(name, module)
        await self._activate(name, module, fresh)

    async def unload(self, name: str) -> None:
        """Remove a loaded plugin's commands, listeners and tasks."""
        module = module_name(name)
        loaders = self._loaded.pop(name, None)
        if loaders is None:
            raise PluginError(f"plugin {name!r} is not loaded")
        for loader in loaders:
            await loader.remove_from_client(self.client)
        sys.modules.pop(module, None)
        self._errors.pop(name, None)

    async def reload(self, name: str) -> None:
        """Swap a loaded plugin for its current source; on any error the old version stays."""
        module = module_name(name)
        old = self._loaded.get(name)
        if old is None:
            raise PluginError(f"plugin {name!r} is not loaded")
        fresh = self._execute(name, module)
        for loader in old:
            await loader.remove_from_client(self.client)
        del self._loaded[name]
        try:
            await self._activate(name, module, fresh)
        except PluginError:
            for loader in old:
                await loader.add_to_client(self.client)
            self._loaded[name] = old
            await route_commands(self.client)
            raise

    async def sync(self) -> None:
        """Bring Discord's command list in line with the loaded plugins."""
        await self.client.sync_application_commands()

    def _execute(self, name: str, module: str) -> types.ModuleType:
        spec = importlib.util.find_spec(module)
        if spec is None or spec.origin is None:
            raise PluginError(f"there is no plugin named {name!r}")
        fresh = importlib.util.module_from_spec(spec)
        try:
            with open(spec.origin, encoding="utf-8") as source:
                code = compile(source.read(), spec.origin, "exec")
            exec(code, fresh.__dict__)
        except Exception as error:
            _LOGGER.exception("plugin %r failed to import", name)
            self._errors[name] = _first_line(error)
            raise PluginError(f"plugin {name!r} failed to import: {_first_line(error)}") from None
        return fresh

    async def _activate(self, name: str, module: str, fresh: types.ModuleType) -> None:
        loaders = [item for item in vars(fresh).values() if isinstance(item, lightbulb.Loader)]
        if not loaders:
            raise PluginError(f"plugin {name!r} has no lightbulb.Loader")
        added: list[lightbulb.Loader] = []
        try:
            for loader in loaders:
                added.append(loader)
                await loader.add_to_client(self.client)
        except Exception as error:
            _LOGGER.exception("plugin %r failed to load", name)
            for loader in added:
                await loader.remove_from_client(self.client)
            self._errors[name] = _first_line(error)
            raise PluginError(f"plugin {name!r} failed to load: {_first_line(error)}") from None
        sys.modules[module] = fresh
        self._loaded[name] = loaders
        self._errors.pop(name, None)
        await route_commands(self.client)
