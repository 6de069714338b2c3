"""The inline rolls plugin: ``[[1d20+5]]`` in a message, where the server turned them on."""

from __future__ import annotations

import hikari
import lightbulb

from nazh import inline
from nazh.prefix import PrefixRouter
from nazh.services import Services

loader = lightbulb.Loader()


@loader.listener(hikari.MessageCreateEvent)
async def on_message(
    event: hikari.MessageCreateEvent,
    services: Services = lightbulb.di.INJECTED,
    router: PrefixRouter = lightbulb.di.INJECTED,
) -> None:
    """Answer the message's inline rolls."""
    await inline.on_message(services, router, event)
