"""`ResultButtons`: answers every press on a result's buttons, registered once at start-up.

A result's buttons belong to no live view: their custom id names a kind and a kept result
(`nazh.results.ids`), so any process sharing the database answers them, after restarts too.
They reach the handler as miru's unhandled component interactions, so miru does not warn
about them either.
"""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import hikari
import lightbulb
import miru

from nazh.commands.roll import roll
from nazh.dice.dialects import get_dialect
from nazh.dice.errors import DiceError
from nazh.results.access import again_refusal, may_reveal, may_roll_again, reveal_refusal
from nazh.results.ids import PREFIX, parse
from nazh.results.press import NO_MENTIONS, PressInvocation
from nazh.results.recent import recent
from nazh.results.render import message_link, revealed
from nazh.services import Services

if TYPE_CHECKING:
    from nazh.dice.dialects import Dialect
    from nazh.results.ids import ButtonId
    from nazh.storage import GuildSettings, StoredResult

__all__ = ("PRELOAD_WAIT", "READ_WAIT", "ResultButtons", "expired_message")

PRELOAD_WAIT = 5.0
"""Seconds start-up waits to remember the newest kept results before going on without."""

_LOGGER = logging.getLogger(__name__)

_DAY = 86_400
READ_WAIT = 2.0
"""Seconds a press waits for the database before saying it cannot be reached (Discord wants an
answer within 3)."""
_UNREACHABLE = "I can't reach my storage right now; try again in a moment."


def _span(seconds: float) -> str:
    for unit, size in (("day", _DAY), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            amount = round(seconds / size)
            return f"{amount} {unit}{'' if amount == 1 else 's'}"
    return f"{seconds:g} seconds"


def expired_message(ttl: float) -> str:
    """The answer to a press on the buttons of a result older than `ttl` seconds."""
    return (
        f"These buttons have expired: I keep results for {_span(ttl)}. Roll it anew with `/roll`."
    )


async def _answer(interaction: hikari.ComponentInteraction, text: str) -> None:
    """Answer a press only to whoever pressed."""
    await interaction.create_initial_response(
        hikari.ResponseType.MESSAGE_CREATE,
        text,
        flags=hikari.MessageFlag.EPHEMERAL,
        **NO_MENTIONS,
    )


async def _switched_off(interaction: hikari.ComponentInteraction) -> None:
    """miru's unhandled-interaction hook while the roll plugin is unloaded."""
    if interaction.custom_id.startswith(PREFIX):
        await _answer(interaction, "Rolling is switched off right now; try again later.")
        return
    _unknown(interaction)


def _unknown(interaction: hikari.ComponentInteraction) -> None:
    _LOGGER.warning(
        "a press on component %r that nothing answers (an ended view?)", interaction.custom_id
    )


def _line(error: BaseException) -> str:
    return str(error).strip().partition("\n")[0] or type(error).__name__


def _link(result: StoredResult) -> str:
    channel = result.revealed_channel_id or result.channel_id
    return message_link(result.guild_id, channel, result.revealed_message_id or 0)


class ResultButtons(lightbulb.Loadable):
    """Answers Roll again and Reveal: added to the roll plugin's loader, it becomes the miru
    client's hook for component interactions no view handles."""

    __slots__ = ("_miru", "_services")

    def __init__(self) -> None:
        self._miru: miru.Client | None = None
        self._services: Services | None = None

    @property
    def services(self) -> Services:
        """The bot's services (available once loaded)."""
        if self._services is None:
            raise RuntimeError("the result buttons are not loaded")
        return self._services

    async def load(self, client: lightbulb.Client) -> None:
        async with client.di.enter_context(lightbulb.di.Contexts.DEFAULT) as container:
            self._services = await container.get(Services)
            self._miru = await container.get(miru.Client)
        self._miru.set_unhandled_component_interaction_hook(self.on_interaction)
        try:
            async with asyncio.timeout(PRELOAD_WAIT):
                await recent.preload(self._services.storage)
        except Exception as error:
            _LOGGER.warning("could not preload recent results for their buttons: %s", error)

    async def unload(self, client: lightbulb.Client) -> None:
        if self._miru is not None:
            self._miru.set_unhandled_component_interaction_hook(_switched_off)
        self._miru = None

    async def on_interaction(self, interaction: hikari.ComponentInteraction) -> None:
        """Answer a press that no miru view handles: a result's button, or nothing."""
        pressed = parse(interaction.custom_id)
        if pressed is None:
            _unknown(interaction)
            return
        try:
            await self.press(interaction, pressed)
        except Exception:
            _LOGGER.exception("a press on a result's %s button failed", pressed.kind)
            self.services.metrics.errors.labels("component").inc()
            try:
                await _answer(interaction, "Something went wrong on my side; the error is logged.")
            except hikari.HikariError:
                _LOGGER.debug("could not report a failed press (already answered)")

    async def press(self, interaction: hikari.ComponentInteraction, pressed: ButtonId) -> None:
        """Roll again or reveal the kept result `pressed` names, if the presser may."""
        services = self.services
        storage = services.storage
        results = storage.results
        try:
            stored = recent.recall(storage, pressed.result_id) or await results.get(
                pressed.result_id
            )
        except Exception as error:
            _LOGGER.warning("cannot read a kept result: %s", str(error).partition("\n")[0])
            await _answer(interaction, "I can't reach my storage right now; try again in a moment.")
            return
        if stored is None:
            services.metrics.commands.labels(pressed.kind, "component", "expired").inc()
            await _answer(interaction, expired_message(results.ttl))
            return
        recent.remember(storage, stored)
        guild_id = hikari.Snowflake(stored.guild_id) if stored.guild_id else None
        invocation = PressInvocation(services, interaction, guild_id=guild_id)
        settings = await services.guild_settings(guild_id)
        if not settings.buttons:
            services.metrics.commands.labels(pressed.kind, "component", "off").inc()
            await _answer(interaction, "Result buttons are switched off on this server.")
            return
        if pressed.kind == "again":
            await self.again(invocation, stored, settings)
        else:
            await self.reveal(invocation, stored, settings)

    async def again(
        self, invocation: PressInvocation, stored: StoredResult, settings: GuildSettings
    ) -> None:
        """Roll the kept result's text again, in its dialect, as a new result of the presser,
        as public, private or secret as it was."""
        metrics = self.services.metrics
        if not may_roll_again(stored, invocation.user.id, settings):
            metrics.commands.labels("again", "component", "refused").inc()
            await invocation.respond(again_refusal(stored), ephemeral=True)
            return
        dialect: Dialect | None
        try:
            dialect = get_dialect(stored.dialect)
        except DiceError:
            dialect = None
        await roll(
            invocation,
            stored.text,
            private=stored.visibility == "private",
            secret=stored.visibility == "secret",
            dialect=dialect,
            table_channel=stored.channel_id,
        )

    async def reveal(
        self, invocation: PressInvocation, stored: StoredResult, settings: GuildSettings
    ) -> None:
        """Post the kept result publicly in the channel it was rolled for, once: a second
        press links the first reveal."""
        services = self.services
        metrics = services.metrics
        storage = services.storage
        results = storage.results
        user_id = invocation.user.id
        if not may_reveal(
            stored,
            user_id,
            invocation.role_ids,
            settings,
            manages_guild=invocation.manages_guild,
        ):
            metrics.commands.labels("reveal", "component", "refused").inc()
            await invocation.respond(reveal_refusal(stored, settings), ephemeral=True)
            return
        if stored.revealed:
            metrics.commands.labels("reveal", "component", "again").inc()
            await invocation.respond(
                f"This roll was already revealed: {_link(stored)}", ephemeral=True
            )
            return
        try:
            async with asyncio.timeout(READ_WAIT):
                claim = await results.claim_reveal(stored.id, stored.channel_id)
        except Exception as error:
            _LOGGER.warning("cannot claim a result's reveal: %s", _line(error))
            await invocation.respond(_UNREACHABLE, ephemeral=True)
            return
        if claim is None:
            await invocation.respond(expired_message(results.ttl), ephemeral=True)
            return
        recent.remember(storage, claim.result)
        if not claim.won:
            metrics.commands.labels("reveal", "component", "again").inc()
            await invocation.respond(
                f"This roll was already revealed: {_link(claim.result)}"
                if claim.result.revealed
                else "This roll is being revealed right now.",
                ephemeral=True,
            )
            return
        text = revealed(stored, user_id)
        here = invocation.channel_id == stored.channel_id
        try:
            if here:
                await invocation.respond(text)
                message_id = await invocation.fetch_response_id()
            else:
                message_id = (
                    await services.bot.rest.create_message(stored.channel_id, text, **NO_MENTIONS)
                ).id
        except hikari.HikariError:
            await results.release_reveal(claim.result)
            if here:
                raise
            await invocation.respond(
                f"I couldn't post it in <#{stored.channel_id}>: may I write there?",
                ephemeral=True,
            )
            return
        recorded = await results.mark_revealed(stored.id, stored.channel_id, message_id)
        metrics.commands.labels("reveal", "component", "ok").inc()
        if recorded is not None:
            recent.remember(storage, recorded.result)
        if recorded is not None and not recorded.won:
            await services.bot.rest.delete_message(stored.channel_id, message_id)
            await invocation.respond(
                f"This roll was already revealed: {_link(recorded.result)}", ephemeral=True
            )
            return
        if not here:
            link = message_link(stored.guild_id, stored.channel_id, message_id)
            await invocation.respond(f"Revealed: {link}", ephemeral=True)
