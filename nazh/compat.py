"""Workarounds that reach into the private parts of a dependency, each for a pinned version.

Every workaround names the version it was written against and has a test in
``tests/runtime/test_compat.py`` that fails once upstream changes the behaviour it works around,
so the workaround can then go.

hikari-miru 4.3.1, the bug behind :func:`forget_modal`, written up to report upstream:

    ``Client._remove_handler`` removes a stopped ``Modal`` from ``Client._unbound_views``
    instead of ``Client._modals``, where ``Client._add_handler`` put it. A modal that is stopped
    (submitted, timed out or stopped by hand) therefore stays in ``_modals`` for the client's
    lifetime: every modal ever started is kept in memory, with its children and whatever its
    callback refers to, and a later submission with its ``custom_id`` still reaches its
    ``_invoke`` and runs its callback again. If a view's item ever had the same ``custom_id``,
    that unrelated view would be dropped instead.

    Minimal reproduction (hikari 2.6.0, hikari-miru 4.3.1)::

        import asyncio, hikari, miru

        async def main() -> None:
            client = miru.Client(hikari.GatewayBot("token"))
            modal = miru.Modal("Title")
            client.start_modal(modal)
            modal.stop()
            print(modal.custom_id in client._modals)  # True; expected False

        asyncio.run(main())

    Expected: ``stop`` removes the modal from ``_modals`` (``_remove_handler`` should pop
    ``self._modals`` in its ``Modal`` branch), as it removes a view from its table.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

import hikari

if TYPE_CHECKING:
    import sys

    import lightbulb
    import miru

    if sys.version_info >= (3, 12):
        _Optional = list[tuple[argparse.Action | None, str, str | None, str | None]] | None
    else:
        _Optional = tuple[argparse.Action | None, str, str | None] | None

__all__ = (
    "SingleDashPositionalParser",
    "forget_modal",
    "route_commands",
    "start_shard",
    "stop_shard",
)


async def route_commands(client: lightbulb.Client) -> None:
    """Make ``client`` invoke the commands registered so far, without calling Discord.

    hikari-lightbulb 3.2.6: a command registered after the client started only gets an
    interaction once ``sync_application_commands`` has run; the only way to route it without
    also syncing with Discord is that method's private ``_force_no_api_call`` (lightbulb's own
    ``load_extensions`` uses it the same way).
    """
    await client.sync_application_commands(_force_no_api_call=True)


def forget_modal(modal: miru.Modal) -> None:
    """Drop a stopped ``modal`` from its client's modal table; call it after ``modal.stop()``.

    hikari-miru 4.3.1: ``Modal.stop`` leaves the modal in ``Client._modals`` (see the module's
    docstring), so it would be kept, and answered, for the client's lifetime.
    """
    client = modal._client  # pyright: ignore[reportPrivateUsage]
    if client is not None:
        client._modals.pop(modal.custom_id, None)  # pyright: ignore[reportPrivateUsage]


class SingleDashPositionalParser(argparse.ArgumentParser):
    """A parser whose only short option is ``-h``: ``-d20`` or ``-1d4`` is a positional.

    Python 3.11 to 3.13 argparse: a word that starts with ``-`` and is not a negative number
    is taken for an option, and no public switch reads it as a positional instead; the private
    ``_parse_optional`` hook decides (its result became a list in 3.12, passed on unchanged).
    """

    def _parse_optional(self, arg_string: str) -> _Optional:
        if arg_string.startswith("-") and not arg_string.startswith("--") and arg_string != "-h":
            return None
        return super()._parse_optional(arg_string)


async def start_shard(bot: hikari.GatewayBot, shard_id: int, shard_count: int, url: str) -> None:
    """Start one more gateway shard on a running ``bot``; returns once it is ready.

    hikari 2.6.0: ``GatewayBot`` starts shards only in ``start``, all at once; its private
    ``_start_one_shard`` starts one, with the bot's intents, event manager and settings, and
    adds it to ``bot.shards`` (what ``start`` itself calls for each shard).
    """
    await bot._start_one_shard(  # pyright: ignore[reportPrivateUsage]
        activity=None,
        afk=False,
        idle_since=None,
        status=hikari.Status.ONLINE,
        large_threshold=250,
        shard_id=shard_id,
        shard_count=shard_count,
        url=url,
    )


async def stop_shard(bot: hikari.GatewayBot, shard_id: int) -> None:
    """Close one shard of a running ``bot`` and forget it (a no-op if it does not run here).

    hikari 2.6.0: ``bot.shards`` is a read-only view of the private ``_shards``, which only
    ``close`` clears; a shard closed alone must leave it, or the bot would report it forever.
    """
    shard = bot._shards.pop(shard_id, None)  # pyright: ignore[reportPrivateUsage]
    if shard is not None and shard.is_alive:
        await shard.close()
