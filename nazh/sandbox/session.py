"""The loopback Discord and the real bot, started together in one event loop."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from nazh.app import NazhApp
from nazh.config import Settings
from nazh.loopback import LoopbackDiscord

if TYPE_CHECKING:
    import asyncio
    from collections.abc import Mapping, Sequence
    from pathlib import Path

    from nazh.loopback import JsonObject, LiveEvent, Outcome, User

__all__ = ("Sandbox",)

_SAY_WAIT = 1.0


class Sandbox:
    """The emulator, the bot connected to it, and the console user (the application's owner)."""

    __slots__ = ("app", "data_dir", "emulator", "events", "plugins", "prefix")

    def __init__(
        self,
        data_dir: Path,
        *,
        prefix: str = "!",
        plugins: Sequence[str] | None = None,
        validate: bool = False,
    ) -> None:
        """``plugins`` defaults to every plugin; ``validate`` checks request bodies against
        Discord's OpenAPI spec where it is found (slower to start)."""
        self.data_dir = data_dir
        self.prefix = prefix
        self.plugins = plugins
        self.emulator = LoopbackDiscord(
            guilds=1, users=3, openapi=None if validate else False, max_wait=10.0
        )
        self.app: NazhApp | None = None
        self.events: asyncio.Queue[LiveEvent] | None = None

    @property
    def user(self) -> User:
        """Who types in the console: the bot's owner, so admin commands work."""
        return self.emulator.owner

    @property
    def commands(self) -> list[JsonObject]:
        """The application commands the bot synced, in every scope."""
        return [command for scope in self.emulator.commands.values() for command in scope]

    async def start(self) -> None:
        """Start the emulator (its guild with a `#gm-only` channel and a `GM` role for secret
        rolls), then the bot; returns once its commands are synced."""
        await self.emulator.start()
        guild = self.emulator.guild_id
        await self.emulator.add_channel(guild, "gm-only")
        await self.emulator.add_role(guild, "GM")
        self.events = self.emulator.subscribe()
        settings = Settings(
            token=self.emulator.token,
            api_url=self.emulator.rest_url,
            data_dir=self.data_dir,
            prefix=self.prefix,
        )
        self.app = NazhApp(settings, plugins=self.plugins, health=False)
        await self.app.start()
        await self.emulator.wait_ready()
        await self.emulator.wait_commands()

    async def stop(self) -> None:
        """Stop the bot, then the emulator."""
        if self.app is not None:
            await self.app.stop()
        await self.emulator.stop()

    async def slash(self, path: str, options: Mapping[str, object]) -> Outcome:
        """Invoke a slash command as the console user."""
        return await self.emulator.slash(path, options, user=self.user)

    async def say(self, text: str) -> Outcome:
        """Post a message in the channel as the console user.

        Most messages get no reply, so this waits briefly; later replies still arrive as events.
        ``@Nazh`` becomes a mention of the bot, as Discord's client makes it.
        """
        bot = self.emulator.bot_user
        names = "|".join(re.escape(name) for name in ("Nazh", bot.username))
        text, found = re.subn(rf"@(?:{names})\b", f"<@{bot.id}>", text, flags=re.IGNORECASE)
        return await self.emulator.send_message(
            text, user=self.user, mentions=[bot] if found else [], max_wait=_SAY_WAIT
        )

    async def click(self, message_id: int, custom_id: str) -> Outcome:
        """Press a button on a bot message."""
        return await self.emulator.click(message_id, custom_id, user=self.user)

    async def select(self, message_id: int, custom_id: str, values: Sequence[str]) -> Outcome:
        """Choose options in a select menu of a bot message."""
        return await self.emulator.select(message_id, custom_id, list(values), user=self.user)

    async def submit_modal(self, opened: Outcome, values: Mapping[str, str]) -> Outcome:
        """Submit the modal the bot opened in ``opened``."""
        return await self.emulator.submit_modal(opened, values, user=self.user)

    def user_name(self, user_id: int) -> str | None:
        """A user's display name, for mentions."""
        try:
            user = self.emulator.world.user(user_id)
        except KeyError:
            return None
        return user.global_name or user.username

    def role_name(self, role_id: int) -> str | None:
        """A role's name, for mentions."""
        for guild in self.emulator.guilds:
            for role in guild.role_payloads(self.emulator.application_id):
                if role["id"] == str(role_id):
                    return str(role["name"]).removeprefix("@")
        return None

    def channel_name(self, channel_id: int) -> str | None:
        """A channel's name, for mentions and the prompt."""
        for guild in self.emulator.guilds:
            for channel in guild.channel_payloads():
                if channel["id"] == str(channel_id):
                    return str(channel["name"])
        return None
