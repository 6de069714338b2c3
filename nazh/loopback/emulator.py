"""LoopbackDiscord: the emulator's server lifecycle and the driver API tests use."""

from __future__ import annotations

import asyncio
import base64
import secrets
import time
from pathlib import Path
from typing import TYPE_CHECKING, Self

from aiohttp import web

from nazh.loopback.files import ATTACHMENT_ROUTES, Upload
from nazh.loopback.gateway import Gateway
from nazh.loopback.interactions import InteractionBuilder, LoopbackError, build_command_options
from nazh.loopback.messages import assign_component_ids, iter_components
from nazh.loopback.openapi import OpenAPIValidator, default_spec_path
from nazh.loopback.outcome import Outcome
from nazh.loopback.protocol import (
    SELECT_MENU_TYPES,
    ApplicationCommandType,
    ChannelType,
    ComponentType,
    Intents,
    InteractionContextType,
    InteractionType,
)
from nazh.loopback.ratelimits import Fault, RateLimiter
from nazh.loopback.rest import API_PREFIX, RestApi
from nazh.loopback.snowflakes import SnowflakeFactory
from nazh.loopback.state import LiveEvent, State
from nazh.loopback.undefined import UNDEFINED
from nazh.loopback.wire import APPLICATION_COMMAND, as_object, integer, objects, text
from nazh.loopback.world import Channel, Role, World

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping, Sequence
    from types import TracebackType

    from nazh.loopback.files import StoredFile
    from nazh.loopback.gateway import ConnectionInfo, ShardTransition
    from nazh.loopback.messages import StoredMessage
    from nazh.loopback.outcome import RecordedRequest
    from nazh.loopback.protocol import Component, JsonObject, JsonRecord
    from nazh.loopback.undefined import UndefinedOr
    from nazh.loopback.world import Guild, User

__all__ = ("USER_MESSAGE_LIMIT", "LoopbackDiscord")

_SYNC_QUIET = 0.1

USER_MESSAGE_LIMIT = 4000
"""Longest message a user can post (2000 characters without Nitro)."""


class LoopbackDiscord:
    """A Discord stand-in on 127.0.0.1 that a real hikari GatewayBot connects to.

    Point the bot at `rest_url` with `token`; drive it with `slash`, `autocomplete`, `click`,
    `select`, `submit_modal`, `send_message` and `edit_message`, each returning an `Outcome`;
    shape the world with `add_channel`, `add_role`, `give_role` and `take_role`.
    """

    def __init__(
        self,
        *,
        guilds: int = 1,
        users: int = 3,
        shards: int = 1,
        max_concurrency: int | None = None,
        identify_window: float = 5.0,
        token: str | None = None,
        openapi: Path | str | bool | None = None,
        reject_invalid: bool = True,
        heartbeat_interval: float = 41_250,
        settle: float = 0.05,
        max_wait: float = 5.0,
        rate_limit: tuple[int, float] = (50, 1.0),
        interaction_deadline: float | None = 3.0,
        token_lifetime: float = 15 * 60,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        """Build the world; nothing listens until `start()`.

        openapi: a spec path, None for $NAZH_DISCORD_OPENAPI or ../shared/discord-api/openapi.json,
        False to turn schema validation off. reject_invalid: answer invalid bodies with 400 (as
        Discord does) besides recording them in `violations`. settle/max_wait: defaults of the
        driver calls (quiet period after the bot's last request / longest wait).
        token_lifetime: seconds an interaction token stays usable for edits and follow-ups.
        max_concurrency: shards that may IDENTIFY together (None: all of them); a shard is in
        bucket `shard_id % max_concurrency`. identify_window: seconds after an accepted IDENTIFY
        during which another IDENTIFY in its bucket is refused with INVALID_SESSION (op 9,
        d=false), as Discord does; 0 turns the limit off.
        """
        self.settle = settle
        self.max_wait = max_wait
        self.host = host
        self._port = port
        self._snowflakes = SnowflakeFactory()
        self.world = World(self._snowflakes, guilds=guilds, users=users)
        self.token = token or _bot_token(self.world.application_id)
        spec = (
            None
            if openapi is False
            else default_spec_path()
            if openapi in (None, True)
            else Path(str(openapi))
        )
        self._state = State(
            self.world, self._snowflakes, OpenAPIValidator(spec), reject_invalid=reject_invalid
        )
        self._gateway = Gateway(
            self._state,
            token=self.token,
            shard_count=shards,
            heartbeat_interval=heartbeat_interval,
            max_concurrency=max_concurrency,
            identify_window=identify_window,
        )
        self._rest = RestApi(
            self._state,
            token=self.token,
            shard_count=shards,
            session_start_limit=self._gateway.session_start_limit,
            rate_limiter=RateLimiter(*rate_limit),
            interaction_deadline=interaction_deadline,
            token_lifetime=token_lifetime,
        )
        self._builder = InteractionBuilder(self.world, self._snowflakes, self._state.files)
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- lifecycle ---------------------------------------------------------------------------------

    async def start(self) -> None:
        """Listen on host:port (port 0 picks a free one)."""
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_get("/gateway", self._gateway.handle)
        for route in ATTACHMENT_ROUTES:
            app.router.add_get(route, self._state.files.handle)
        app.router.add_route("*", "/{tail:.*}", self._rest.handle)
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, self.host, self._port).start()
        self.port = int(self._runner.addresses[0][1])
        self._gateway.url = f"ws://{self.host}:{self.port}/gateway"
        self._state.files.base_url = f"http://{self.host}:{self.port}"
        self._rest.gateway_url = self._gateway.url

    async def stop(self) -> None:
        """Cut gateway connections and stop serving."""
        self._gateway.abort_all()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    # -- what the bot needs ------------------------------------------------------------------------

    @property
    def rest_url(self) -> str:
        """The `rest_url` for hikari: http://127.0.0.1:PORT/api/v10."""
        return f"http://{self.host}:{self.port}{API_PREFIX}"

    @property
    def gateway_url(self) -> str:
        """The websocket URL GET /gateway/bot hands out."""
        return self._gateway.url

    @property
    def token_lifetime(self) -> float:
        """Seconds an interaction token stays usable for edits and follow-ups (Discord: 900)."""
        return self._rest.token_lifetime

    @token_lifetime.setter
    def token_lifetime(self, seconds: float) -> None:
        self._rest.token_lifetime = seconds

    @property
    def application_id(self) -> int:
        """The application's id (equal to the bot user's id)."""
        return self.world.application_id

    @property
    def bot_user(self) -> User:
        """The bot's own user."""
        return self.world.bot

    @property
    def owner(self) -> User:
        """The application's owner (GET /oauth2/applications/@me), a member of every guild."""
        return self.world.owner

    @property
    def users(self) -> list[User]:
        """Ordinary users, members of every guild."""
        return self.world.users

    @property
    def other_bot(self) -> User:
        """Another bot, a member of every guild (for 'messages from bots are ignored')."""
        return self.world.other_bot

    @property
    def guilds(self) -> list[Guild]:
        """The guilds, in creation order."""
        return list(self.world.guilds.values())

    @property
    def guild_ids(self) -> list[int]:
        """The guild ids, in creation order."""
        return list(self.world.guilds)

    @property
    def guild_id(self) -> int:
        """The first guild's id (the default guild of driver calls)."""
        return next(iter(self.world.guilds))

    @property
    def channel_id(self) -> int:
        """The first guild's default text channel."""
        return self.guilds[0].channel_id

    @property
    def webhook(self) -> User:
        """The webhook `send_message(webhook=True)` posts as (its id is the `webhook_id`)."""
        return self.world.webhook

    def dm_channel_id(self, user: User) -> int:
        """The DM channel between the bot and `user`."""
        return self.world.dm_channel_id(user, self._snowflakes)

    def guild(self, guild_id: int | None = None) -> Guild:
        """A guild by id (default: the first one); LoopbackError when unknown."""
        guild = self.world.guilds.get(self.guild_id if guild_id is None else guild_id)
        if guild is None:
            raise LoopbackError(f"unknown guild {guild_id}")
        return guild

    # -- changing the world ------------------------------------------------------------------------

    async def add_channel(
        self, guild_id: int, name: str, *, kind: ChannelType = ChannelType.GUILD_TEXT
    ) -> int:
        """Create a channel (text by default, under the guild's category); return its id.

        A connected bot gets CHANNEL_CREATE (GUILDS intent); a later IDENTIFY's GUILD_CREATE
        lists it. It can be named in options as '#name' and posted in like any channel.
        """
        guild = self.guild(guild_id)
        if not 1 <= len(name) <= 100:
            raise LoopbackError(f"a channel name has 1 to 100 characters, not {len(name)}")
        parent = None if kind == ChannelType.GUILD_CATEGORY else guild.category_id
        channel = Channel(self._snowflakes.next(), guild.id, name, kind, 0, parent)
        self.world.add_channel(guild, channel)
        await self._guild_event(guild, "CHANNEL_CREATE", channel.payload(), Intents.GUILDS)
        return channel.id

    async def add_role(
        self,
        guild_id: int,
        name: str,
        *,
        permissions: int = 0,
        mentionable: bool = True,
        color: int = 0,
    ) -> int:
        """Create a role with these permission bits; return its id (GUILD_ROLE_CREATE).

        Members get it with `give_role`; their permissions are @everyone's and their roles',
        and every permission with ADMINISTRATOR (1 << 3), as Discord computes them.
        """
        guild = self.guild(guild_id)
        if not 1 <= len(name) <= 100:
            raise LoopbackError(f"a role name has 1 to 100 characters, not {len(name)}")
        role = Role(
            self._snowflakes.next(), name, permissions, 0, mentionable=mentionable, color=color
        )
        guild.add_role(role)
        data: JsonObject = {"guild_id": str(guild.id), "role": role.payload()}
        await self._guild_event(guild, "GUILD_ROLE_CREATE", data, Intents.GUILDS)
        return role.id

    async def give_role(self, user: User, role_id: int) -> None:
        """Give a member a role of its guild (GUILD_MEMBER_UPDATE, GUILD_MEMBERS intent)."""
        await self._set_role(user, role_id, held=True)

    async def take_role(self, user: User, role_id: int) -> None:
        """Take a role from a member (GUILD_MEMBER_UPDATE, GUILD_MEMBERS intent)."""
        await self._set_role(user, role_id, held=False)

    async def _set_role(self, user: User, role_id: int, *, held: bool) -> None:
        guild = self.world.guild_of_role(role_id)
        if guild is None:
            raise LoopbackError(f"unknown role {role_id}")
        if role_id == guild.id:
            raise LoopbackError("every member has @everyone")
        bot_id = self.world.bot.id
        roles = [r for r in guild.role_ids_of(user, bot_id) if r != role_id]
        guild.set_roles(user, [*roles, role_id] if held else roles)
        data = guild.member_payload(user, bot_id)
        data["guild_id"] = str(guild.id)
        await self._guild_event(guild, "GUILD_MEMBER_UPDATE", data, Intents.GUILD_MEMBERS)

    async def _guild_event(
        self, guild: Guild, name: str, data: JsonObject, intent: Intents
    ) -> None:
        shard = self._gateway.shard_for_guild(guild.id)
        await self._gateway.dispatch(shard, name, data, intent=intent)

    # -- observation -------------------------------------------------------------------------------

    @property
    def openapi_loaded(self) -> bool:
        """Whether bodies are validated against the OpenAPI spec (False: only extra limits)."""
        return self._state.openapi.loaded

    @property
    def violations(self) -> list[str]:
        """Every invalid body: 'METHOD /route: problem'. Tests assert this stays empty."""
        return self._state.violations

    @property
    def requests(self) -> list[RecordedRequest]:
        """Every REST request the bot made, in order."""
        return self._state.requests

    def requests_to(self, method: str, route: str) -> list[RecordedRequest]:
        """Recorded requests for a method and route template ('/channels/{channel_id}/messages')."""
        return [r for r in self._state.requests if r.method == method and r.route == route]

    @property
    def unknown_requests(self) -> list[RecordedRequest]:
        """Requests to routes the emulator does not know (answered 404)."""
        return [r for r in self._state.requests if r.route is None]

    @property
    def commands(self) -> dict[int | None, list[JsonRecord]]:
        """Synced commands by scope: None for global, else the guild id."""
        return self._state.commands

    @property
    def messages(self) -> list[StoredMessage]:
        """Every message in the emulator (bot and user ones), oldest first."""
        return list(self._state.messages.values())

    def message(self, message_id: int) -> StoredMessage:
        """A message by id (KeyError when unknown)."""
        return self._state.messages[message_id]

    def channel_messages(self, channel_id: int) -> list[StoredMessage]:
        """Every message in a channel (users' and the bot's, deleted ones too), oldest first."""
        return [m for m in self._state.messages.values() if m.channel_id == channel_id]

    def dm_messages(self, user: User) -> list[StoredMessage]:
        """Every message in the DM channel between the bot and `user`, oldest first."""
        return self.channel_messages(self.dm_channel_id(user))

    def file(self, attachment_id: int | str) -> StoredFile:
        """A file by attachment id, a user's or one the bot uploaded (KeyError when unknown)."""
        return self._state.files.by_id[int(attachment_id)]

    @property
    def downloads(self) -> list[RecordedRequest]:
        """Every GET of an attachment URL, in order (status 404 for unknown files)."""
        return self._state.files.downloads

    @staticmethod
    def upload(filename: str, data: bytes, content_type: str | None = None) -> Upload:
        """A file to give an attachment option: `slash("import", {"file": emu.upload(...)})`.

        content_type None: detected from the name as Discord does (see `Upload`).
        """
        return Upload(filename, data, content_type)

    def subscribe(self) -> asyncio.Queue[LiveEvent]:
        """A queue of live events: message_create/update/delete, interaction_response, and the
        driver's own interaction_create, message_sent and message_edited."""
        queue: asyncio.Queue[LiveEvent] = asyncio.Queue()
        self._state.subscribers.append(queue)
        return queue

    def unsubscribe(self, queue: asyncio.Queue[LiveEvent]) -> None:
        """Stop feeding a queue from `subscribe()`."""
        if queue in self._state.subscribers:
            self._state.subscribers.remove(queue)

    # -- gateway state and faults ------------------------------------------------------------------

    @property
    def connected_shards(self) -> set[int]:
        """Shards whose connection is identified or resumed and live."""
        return self._gateway.connected_shards

    @property
    def shard_count(self) -> int:
        """How many shards GET /gateway/bot recommends."""
        return self._gateway.shard_count

    @property
    def max_concurrency(self) -> int:
        """Shards that may IDENTIFY together (GET /gateway/bot `max_concurrency`)."""
        return self._gateway.max_concurrency

    @property
    def identify_window(self) -> float:
        """Seconds an accepted IDENTIFY blocks its bucket (0: no identify rate limit)."""
        return self._gateway.identify_window

    @identify_window.setter
    def identify_window(self, seconds: float) -> None:
        if seconds < 0:
            raise ValueError(f"identify_window must not be negative, not {seconds}")
        self._gateway.identify_window = seconds

    @property
    def accepted_identifies(self) -> list[tuple[int, float]]:
        """Every accepted IDENTIFY: (shard id, time.monotonic())."""
        return self._gateway.accepted_identifies

    @property
    def refused_identifies(self) -> list[tuple[int, float]]:
        """Every IDENTIFY refused by the identify rate limit (op 9, d=false): (shard id,
        time.monotonic())."""
        return self._gateway.refused_identifies

    @property
    def double_sessions(self) -> list[tuple[int, float]]:
        """IDENTIFYs accepted while another session of the shard still had a live connection:
        (shard id, time.monotonic()). The newest session gets the shard's dispatches."""
        return self._gateway.double_sessions

    @property
    def shard_history(self) -> list[ShardTransition]:
        """Every change of a shard between no connected session and a connected, handshaken
        one (any live session of the shard counts), oldest first."""
        return self._gateway.history

    def longest_gaps(
        self, since: float | None = None, until: float | None = None
    ) -> dict[int, float]:
        """For every shard, the longest time (seconds) within [since, until] with no connected
        session; times are time.monotonic(), since None is when the emulator was built, until
        None is now. A shard down at `since` counts from `since`; one never up, the whole span.
        """
        start = self._gateway.started_at if since is None else since
        return self._gateway.longest_gaps(start, time.monotonic() if until is None else until)

    @property
    def session_ids(self) -> dict[int, str]:
        """The current session id of each shard."""
        return {shard: session.id for shard, session in self._gateway.shards.items()}

    @property
    def identify_count(self) -> int:
        """How many IDENTIFYs were accepted."""
        return self._gateway.identify_count

    @property
    def resume_count(self) -> int:
        """How many RESUMEs succeeded."""
        return self._gateway.resume_count

    @property
    def identifies(self) -> list[JsonRecord]:
        """Accepted IDENTIFY payloads (token removed): intents, shard, properties, presence..."""
        return self._gateway.identifies

    @property
    def intents(self) -> int | None:
        """Intents of the last accepted IDENTIFY."""
        identifies = self._gateway.identifies
        return integer(identifies[-1].get("intents")) if identifies else None

    @property
    def shard_intents(self) -> dict[int, int]:
        """The intents each shard's current session identified with (e.g. whether
        `Intents.MESSAGE_CONTENT` was asked for)."""
        return {shard: session.intents for shard, session in self._gateway.shards.items()}

    @property
    def nonce_window(self) -> float:
        """Seconds a nonce sent with enforce_nonce dedupes message creates (default 300)."""
        return self._rest.nonce_window

    @nonce_window.setter
    def nonce_window(self, seconds: float) -> None:
        self._rest.nonce_window = seconds

    @property
    def refused_intents(self) -> list[int]:
        """Intents of IDENTIFYs refused with close code 4014."""
        return self._gateway.refused

    @property
    def refuse_privileged_intents(self) -> bool:
        """When True, IDENTIFY with members/presences/message content is closed with 4014."""
        return self._gateway.refuse_privileged_intents

    @refuse_privileged_intents.setter
    def refuse_privileged_intents(self, value: bool) -> None:
        self._gateway.refuse_privileged_intents = value

    @property
    def gateway_connections(self) -> list[ConnectionInfo]:
        """Every websocket connection made: compress, encoding and version asked for."""
        return self._gateway.connections

    def dispatched(self, shard: int = 0) -> list[JsonRecord]:
        """Dispatches still kept for RESUME on a shard ({op, t, s, d}), oldest first."""
        session = self._gateway.shards.get(shard)
        return [event for _, event in session.events] if session else []

    async def disconnect(self, shard: int = 0) -> None:
        """Drop a shard's TCP connection abruptly (no close frame); the bot should RESUME."""
        await self._gateway.disconnect(shard)

    async def send_reconnect(self, shard: int = 0) -> None:
        """Send RECONNECT (op 7) on a shard."""
        await self._gateway.send_reconnect(shard)

    async def send_invalid_session(self, resumable: bool = False, shard: int = 0) -> None:
        """Send INVALID_SESSION (op 9) on a shard."""
        await self._gateway.send_invalid_session(shard, resumable=resumable)

    async def close_gateway(self, code: int, reason: str = "", shard: int = 0) -> None:
        """Close a shard's websocket with a close code."""
        await self._gateway.close(shard, code, reason)

    def fail_next(
        self,
        method: str,
        route_pattern: str,
        status: int = 429,
        retry_after: float = 0.2,
        count: int = 1,
        *,
        after: bool = False,
    ) -> Fault:
        """Answer the next `count` requests matching with `status` (429 carries retry_after).

        route_pattern is a route template
        ('/interactions/{interaction_id}/{interaction_token}/callback')
        or a glob over the path below /api/v10 ('/interactions/*/callback'); method may be '*'.
        after=True: carry each request out first, then answer `status` (Discord failing after
        it acted): the callback acknowledged (a retry gets 400 code 40060, "already
        acknowledged"), the message created (a retry with the same nonce and enforce_nonce gets
        that message back; without, a second message).
        """
        fault = Fault(method.upper(), route_pattern, status, retry_after, count, after)
        self._rest.faults.append(fault)
        return fault

    # -- waiting -----------------------------------------------------------------------------------

    async def _wait_for(self, predicate: Callable[[], bool], max_wait: float, what: str) -> None:
        async def wait() -> None:
            async with self._state.changed:
                await self._state.changed.wait_for(predicate)

        try:
            await asyncio.wait_for(wait(), max_wait)
        except TimeoutError:
            raise TimeoutError(
                f"loopback: timed out after {max_wait}s waiting for {what}"
            ) from None

    async def wait_ready(self, max_wait: float = 10.0) -> None:
        """Wait until every shard is identified (or resumed) and connected."""
        await self.wait_shards(max_wait=max_wait)

    async def wait_shards(
        self, shards: set[int] | None = None, max_wait: float = 10.0, *, connected: bool = True
    ) -> None:
        """Wait until these shards (default all) are identified (or resumed) and connected;
        with connected=False, until none of them is connected."""
        wanted = set(range(self._gateway.shard_count)) if shards is None else set(shards)

        def reached() -> bool:
            up = self.connected_shards
            return wanted <= up if connected else not wanted & up

        state = "ready" if connected else "disconnected"
        what = f"all shards {state}" if shards is None else f"shards {sorted(wanted)} {state}"
        await self._wait_for(reached, max_wait, what)

    async def wait_commands(
        self, names: Iterable[str] | None = None, max_wait: float = 10.0
    ) -> list[JsonRecord]:
        """Wait until the bot synced commands (all `names`, if given); return all synced ones."""
        wanted = set(names or ())

        def synced() -> bool:
            present = {text(c.get("name")) for c in self._all_commands()}
            return wanted <= present if wanted else bool(present)

        await self._wait_for(synced, max_wait, f"commands {sorted(wanted) or 'to sync'}")
        for _ in range(100) if not wanted else ():
            idle = time.monotonic() - self._last_command_request()
            if idle >= _SYNC_QUIET:
                break
            await asyncio.sleep(_SYNC_QUIET - idle)
        return self._all_commands()

    def _all_commands(self) -> list[JsonObject]:
        return [command for scope in self._state.commands.values() for command in scope]

    def _last_command_request(self) -> float:
        for request in reversed(self._state.requests):
            if request.route and "/commands" in request.route:
                return request.at
        return 0.0

    def command(self, name: str, guild_id: int | None = None) -> JsonRecord:
        """A synced command by root name: the guild's own first, else the global one."""
        return self._command(name, guild_id)

    def _command(self, name: str, guild_id: int | None) -> JsonObject:
        scopes: list[int | None] = [guild_id, None] if guild_id is not None else [None]
        for scope in scopes:
            for command in self._state.commands.get(scope, ()):
                kind = command.get("type", ApplicationCommandType.CHAT_INPUT)
                if command["name"] == name and kind == ApplicationCommandType.CHAT_INPUT:
                    return command
        raise LoopbackError(f"no synced slash command {name!r} for guild {guild_id}")

    # -- driving -----------------------------------------------------------------------------------

    def _place(
        self, user: User | None, guild_id: UndefinedOr[int], channel_id: int | None, *, dm: bool
    ) -> tuple[User, Guild | None, int]:
        user = user or self.world.users[0]
        if dm:
            return user, None, self.dm_channel_id(user)
        world = self.world
        if channel_id is not None and guild_id is UNDEFINED:
            guild = world.guild_of_channel.get(channel_id)
            if guild is None:
                if world.dm_user(channel_id) is None:
                    raise LoopbackError(f"unknown channel {channel_id}")
                return user, None, channel_id
        else:
            guild = world.guilds.get(self.guild_id if guild_id is UNDEFINED else guild_id)
            if guild is None:
                raise LoopbackError(f"unknown guild {guild_id}")
            channel_id = channel_id or guild.channel_id
        channel = guild.channels.get(channel_id)
        if channel is None or not channel.messageable:
            raise LoopbackError(f"channel {channel_id} is not a text channel of guild {guild.id}")
        return user, guild, channel_id

    async def _interact(
        self,
        kind: str,
        payload: JsonObject,
        user: User,
        guild: Guild | None,
        *,
        source: StoredMessage | None = None,
        trigger: JsonObject | None = None,
        settle: float | None,
        max_wait: float | None,
    ) -> Outcome:
        token = text(payload.get("token"))
        outcome = Outcome(
            kind,
            payload,
            channel_id=int(text(payload.get("channel_id"))),
            guild_id=guild.id if guild else None,
            user_id=user.id,
            interaction_id=int(text(payload.get("id"))),
            token=token,
            source_message=source,
            metadata=InteractionBuilder.metadata(payload, user, trigger),
        )
        state = self._state
        state.interactions[outcome.interaction_id or 0] = outcome
        state.tokens[token] = outcome
        state.watch(outcome)
        state.publish(LiveEvent("interaction_create", outcome=outcome, data=payload))
        try:
            shard = self._gateway.shard_for_guild(outcome.guild_id)
            if not await self._gateway.dispatch(shard, "INTERACTION_CREATE", payload):
                raise LoopbackError(f"shard {shard} has no session: is the bot connected?")
            await outcome.settle(
                quiet=self.settle if settle is None else settle,
                max_wait=self.max_wait if max_wait is None else max_wait,
            )
        finally:
            state.unwatch(outcome)
        return outcome

    def _command_payload(
        self,
        name: str,
        options: Mapping[str, object] | None,
        *,
        user: User | None,
        guild_id: UndefinedOr[int],
        channel_id: int | None,
        dm: bool,
        focused: str | None,
    ) -> tuple[JsonObject, User, Guild | None]:
        user, guild, channel = self._place(user, guild_id, channel_id, dm=dm)
        root, *path = name.split()
        command = self._command(root, guild.id if guild else None)
        view = APPLICATION_COMMAND.view(command)
        if view is None:
            raise LoopbackError(f"/{root} was synced in a shape the driver cannot read")
        contexts = view.get("contexts")
        if guild is None and contexts is not None and InteractionContextType.BOT_DM not in contexts:
            raise LoopbackError(f"/{root} is not available in DMs")
        resolver = self._builder.resolver(guild, user)
        built = build_command_options(view, path, options or {}, resolver, focused=focused)
        kind = (
            InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE
            if focused
            else InteractionType.APPLICATION_COMMAND
        )
        payload = self._builder.base(kind, user, guild, channel)
        data: JsonObject = {
            "id": command["id"],
            "name": root,
            "type": ApplicationCommandType.CHAT_INPUT,
        }
        if built:
            data["options"] = built
        elif focused is not None:
            data["options"] = []
        if resolver.resolved and focused is None:
            data["resolved"] = resolver.resolved
        if "guild_id" in command:
            data["guild_id"] = command["guild_id"]
        payload["data"] = data
        return payload, user, guild

    async def slash(
        self,
        name: str,
        options: Mapping[str, object] | None = None,
        *,
        user: User | None = None,
        guild_id: UndefinedOr[int] = UNDEFINED,
        channel_id: int | None = None,
        dm: bool = False,
        settle: float | None = None,
        max_wait: float | None = None,
    ) -> Outcome:
        """Invoke a synced slash command; `name` may be 'group sub' ('admin reload').

        Option values are typed by the synced options: str, int, float, bool, a User or id,
        and an `Upload` for an attachment option (its file lands in `data.resolved.attachments`
        and is served at the attachment's URL). Defaults: the first ordinary user, the first
        guild and its default channel; dm=True sends it in the user's DM instead. Raises
        LoopbackError for unknown commands/options.
        """
        payload, user, guild = self._command_payload(
            name, options, user=user, guild_id=guild_id, channel_id=channel_id, dm=dm, focused=None
        )
        return await self._interact("slash", payload, user, guild, settle=settle, max_wait=max_wait)

    async def autocomplete_outcome(
        self,
        name: str,
        options: Mapping[str, object],
        *,
        focused: str,
        user: User | None = None,
        guild_id: UndefinedOr[int] = UNDEFINED,
        channel_id: int | None = None,
        dm: bool = False,
        settle: float | None = None,
        max_wait: float | None = None,
    ) -> Outcome:
        """Send an autocomplete interaction for option `focused`; return the whole outcome."""
        payload, user, guild = self._command_payload(
            name,
            options,
            user=user,
            guild_id=guild_id,
            channel_id=channel_id,
            dm=dm,
            focused=focused,
        )
        return await self._interact(
            "autocomplete", payload, user, guild, settle=settle, max_wait=max_wait
        )

    async def autocomplete(
        self,
        name: str,
        options: Mapping[str, object],
        *,
        focused: str,
        user: User | None = None,
        guild_id: UndefinedOr[int] = UNDEFINED,
        channel_id: int | None = None,
        dm: bool = False,
        settle: float | None = None,
        max_wait: float | None = None,
    ) -> list[JsonRecord]:
        """Send an autocomplete interaction; return the choices ({name, value}) the bot offered."""
        outcome = await self.autocomplete_outcome(
            name,
            options,
            focused=focused,
            user=user,
            guild_id=guild_id,
            channel_id=channel_id,
            dm=dm,
            settle=settle,
            max_wait=max_wait,
        )
        return outcome.choices

    def _target(self, message: StoredMessage | Outcome | int) -> StoredMessage:
        if isinstance(message, Outcome):
            found = message.message
            if found is None:
                raise LoopbackError(f"{message!r} has no message to interact with")
            return found
        if isinstance(message, int):
            return self._state.messages[message]
        return message

    async def _component(
        self,
        message: StoredMessage | Outcome | int,
        custom_id: str,
        values: Sequence[object] | None,
        *,
        user: User | None,
        settle: float | None,
        max_wait: float | None,
    ) -> Outcome:
        target = self._target(message)
        if target.deleted:
            raise LoopbackError(f"message {target.id} was deleted")
        component = target.component(custom_id)
        if component is None:
            raise LoopbackError(
                f"message {target.id} has no component {custom_id!r} (has {target.custom_ids})"
            )
        if component.get("disabled"):
            raise LoopbackError(f"component {custom_id!r} is disabled")
        kind = component.get("type", 0)
        recipient = self.world.dm_user(target.channel_id)
        if recipient is not None and user is not None and user.id != recipient.id:
            raise LoopbackError(
                f"message {target.id} is in the DMs of user {recipient.id}, not of user {user.id}"
            )
        viewer = recipient or self._ephemeral_viewer(target)
        user, guild, _ = self._place(user or viewer, UNDEFINED, target.channel_id, dm=False)
        payload = self._builder.base(
            InteractionType.MESSAGE_COMPONENT, user, guild, target.channel_id
        )
        data: JsonObject = {
            "custom_id": custom_id,
            "component_type": kind,
            "id": component.get("id"),
        }
        if values is None:
            if kind != ComponentType.BUTTON:
                raise LoopbackError(f"{custom_id!r} is a select menu: use select()")
        else:
            if kind not in SELECT_MENU_TYPES:
                raise LoopbackError(f"{custom_id!r} is not a select menu: use click()")
            data["values"] = self._select_values(component, values)
            if kind != ComponentType.STRING_SELECT:
                resolver = self._builder.resolver(guild, user)
                converters: dict[int, Callable[[object], str]] = {
                    ComponentType.USER_SELECT: resolver.user,
                    ComponentType.ROLE_SELECT: resolver.role,
                    ComponentType.MENTIONABLE_SELECT: resolver.mentionable,
                    ComponentType.CHANNEL_SELECT: resolver.channel,
                }
                data["values"] = [converters[kind](v) for v in values]
                data["resolved"] = resolver.resolved
        payload["message"] = target.payload()
        payload["data"] = data
        return await self._interact(
            "component", payload, user, guild, source=target, settle=settle, max_wait=max_wait
        )

    def _ephemeral_viewer(self, message: StoredMessage) -> User | None:
        """The user an ephemeral message answers (None for a message everyone sees)."""
        metadata = message.interaction_metadata
        if message.ephemeral and metadata is not None:
            who = as_object(metadata.get("user")) or {}
            return self.world.user(int(text(who.get("id"), "0")))
        return None

    @staticmethod
    def _select_values(component: Component, values: Sequence[object]) -> list[str]:
        low, high = component.get("min_values"), component.get("max_values")
        low, high = 1 if low is None else low, 1 if high is None else high
        custom_id = component.get("custom_id")
        if not low <= len(values) <= high:
            raise LoopbackError(
                f"select {custom_id!r} takes {low}..{high} values, got {len(values)}"
            )
        if component.get("type") == ComponentType.STRING_SELECT:
            offered = [option["value"] for option in component.get("options") or ()]
            unknown = [v for v in values if v not in offered]
            if unknown:
                raise LoopbackError(
                    f"select {custom_id!r} has no options {unknown} (has {offered})"
                )
        return [str(v) for v in values]

    async def click(
        self,
        message: StoredMessage | Outcome | int,
        custom_id: str,
        *,
        user: User | None = None,
        settle: float | None = None,
        max_wait: float | None = None,
    ) -> Outcome:
        """Click a button on a bot message (a StoredMessage, an Outcome or a message id).

        Any message with components will do: an interaction's answer, a follow-up, a message
        the bot posted with REST in any channel or DM, one posted before the bot restarted.
        The default user is the recipient of a DM (anyone else raises LoopbackError), the user
        an ephemeral message answers, else the first user. Discord shows an ephemeral message
        to its user alone; the driver still lets another user press it, so that a bot's own
        check of who pressed can be tested.
        """
        return await self._component(
            message, custom_id, None, user=user, settle=settle, max_wait=max_wait
        )

    async def select(
        self,
        message: StoredMessage | Outcome | int,
        custom_id: str,
        values: Sequence[object],
        *,
        user: User | None = None,
        settle: float | None = None,
        max_wait: float | None = None,
    ) -> Outcome:
        """Pick values in a select menu of a bot message (option values, or user/role ids)."""
        return await self._component(
            message, custom_id, values, user=user, settle=settle, max_wait=max_wait
        )

    async def submit_modal(
        self,
        previous: Outcome,
        values: Mapping[str, str],
        *,
        user: User | None = None,
        settle: float | None = None,
        max_wait: float | None = None,
    ) -> Outcome:
        """Submit the modal the bot opened in `previous` with {text input custom_id: value}."""
        modal = previous.modal
        if modal is None:
            raise LoopbackError(f"{previous!r} did not open a modal")
        rows = assign_component_ids(objects(modal.get("components")))
        known = {custom_id for custom_id, _ in _text_inputs(rows)}
        unknown = set(values) - known
        if unknown:
            raise LoopbackError(
                f"modal {modal.get('custom_id')!r} has no fields {sorted(unknown)} "
                f"(has {sorted(known)})"
            )
        submitted_rows: list[JsonObject] = []
        for row in rows:
            submitted: list[JsonObject] = []
            for custom_id, field in _text_inputs([row]):
                value = values.get(custom_id, field.get("value") or "")
                if field.get("required", True) and not value:
                    raise LoopbackError(f"modal field {custom_id!r} is required")
                low, high = field.get("min_length") or 0, field.get("max_length") or 4000
                if value and not low <= len(value) <= high:
                    raise LoopbackError(f"modal field {custom_id!r} takes {low}..{high} characters")
                submitted.append(
                    {
                        "type": ComponentType.TEXT_INPUT,
                        "id": field.get("id"),
                        "custom_id": custom_id,
                        "value": value,
                    }
                )
            if submitted:
                submitted_rows.append(
                    {"type": ComponentType.ACTION_ROW, "id": row.get("id"), "components": submitted}
                )
        user = user or self.world.user(previous.user_id)
        guild = self.world.guilds.get(previous.guild_id) if previous.guild_id else None
        payload = self._builder.base(InteractionType.MODAL_SUBMIT, user, guild, previous.channel_id)
        payload["data"] = {"custom_id": modal.get("custom_id"), "components": submitted_rows}
        if previous.source_message is not None:
            payload["message"] = previous.source_message.payload()
        return await self._interact(
            "modal",
            payload,
            user,
            guild,
            source=previous.source_message,
            trigger=previous.metadata,
            settle=settle,
            max_wait=max_wait,
        )

    async def send_message(
        self,
        content: str,
        *,
        user: User | None = None,
        channel_id: int | None = None,
        guild_id: UndefinedOr[int] = UNDEFINED,
        dm: bool = False,
        mentions: Sequence[User] = (),
        bot: bool = False,
        webhook: bool = False,
        reply_to: StoredMessage | None = None,
        settle: float | None = None,
        max_wait: float | None = None,
    ) -> Outcome:
        """Post a user message (MESSAGE_CREATE) and collect the bot's messages in that channel.

        bot=True posts as `other_bot`; webhook=True as `webhook` (the message has a
        `webhook_id` and no member; guild channels only). Delivery follows Discord's intents:
        GUILD_MESSAGES (or DIRECT_MESSAGES) is needed, and without MESSAGE_CONTENT the content,
        embeds, attachments and components are blank unless the message mentions the bot or
        is a DM. `outcome.payload` is what was dispatched.
        """
        if len(content) > USER_MESSAGE_LIMIT:
            raise LoopbackError(
                f"a user message is limited to {USER_MESSAGE_LIMIT} characters (with Nitro)"
            )
        if webhook and dm:
            raise LoopbackError("webhooks post in guild channels, not in DMs")
        world = self.world
        author = world.webhook if webhook else world.other_bot if bot else user
        author, guild, channel = self._place(author, guild_id, channel_id, dm=dm)
        if webhook and guild is None:
            raise LoopbackError("webhooks post in guild channels, not in DMs")
        message = self._builder.user_message(
            content, author, guild, channel, reply_to=reply_to, webhook=webhook
        )
        self._state.messages[message.id] = message
        return await self._deliver(
            "message",
            "MESSAGE_CREATE",
            message,
            author,
            guild,
            mentions=mentions,
            settle=settle,
            max_wait=max_wait,
        )

    async def edit_message(
        self,
        message: StoredMessage | Outcome | int,
        content: str,
        *,
        mentions: Sequence[User] = (),
        settle: float | None = None,
        max_wait: float | None = None,
    ) -> Outcome:
        """Edit a user's (or another bot's, or a webhook's) message: MESSAGE_UPDATE with the
        whole message, under the same intents as `send_message`; collects what the bot does.

        `message` is a StoredMessage, a message id, or the Outcome of `send_message`.
        """
        if isinstance(message, Outcome):
            target = self._state.messages[int(text(message.payload.get("id"), "0"))]
        else:
            target = self._target(message)
        if target.author_id == self.world.bot.id:
            raise LoopbackError(f"message {target.id} is the bot's: edit it as the bot does")
        if target.deleted:
            raise LoopbackError(f"message {target.id} was deleted")
        if len(content) > USER_MESSAGE_LIMIT:
            raise LoopbackError(
                f"a user message is limited to {USER_MESSAGE_LIMIT} characters (with Nitro)"
            )
        author = (
            self.world.webhook
            if target.webhook_id is not None
            else self.world.user(target.author_id)
        )
        guild = self.world.guilds.get(target.guild_id) if target.guild_id else None
        target.apply({"content": content})
        return await self._deliver(
            "edit",
            "MESSAGE_UPDATE",
            target,
            author,
            guild,
            mentions=mentions,
            settle=settle,
            max_wait=max_wait,
        )

    async def _deliver(
        self,
        kind: str,
        event: str,
        message: StoredMessage,
        author: User,
        guild: Guild | None,
        *,
        mentions: Sequence[User],
        settle: float | None,
        max_wait: float | None,
    ) -> Outcome:
        """Dispatch a user message's MESSAGE_CREATE or MESSAGE_UPDATE and collect the answer."""
        shard = self._gateway.shard_for_guild(guild.id if guild else None)
        session = self._gateway.shards.get(shard)
        if session is None:
            raise LoopbackError(f"shard {shard} has no session: is the bot connected?")
        bot = self.world.bot
        mentioned_bot = bot in mentions or bot.mention in message.content
        with_content = (
            guild is None or mentioned_bot or bool(session.intents & Intents.MESSAGE_CONTENT)
        )
        build = (
            self._builder.message_create
            if event == "MESSAGE_CREATE"
            else self._builder.message_update
        )
        payload = build(message, author, guild, mentions=list(mentions), with_content=with_content)
        outcome = Outcome(
            kind,
            payload,
            channel_id=message.channel_id,
            guild_id=guild.id if guild else None,
            user_id=author.id,
        )
        state = self._state
        state.watch(outcome)
        live = "message_sent" if event == "MESSAGE_CREATE" else "message_edited"
        state.publish(LiveEvent(live, message=message, outcome=outcome, data=payload))
        try:
            intent = Intents.DIRECT_MESSAGES if guild is None else Intents.GUILD_MESSAGES
            delivered = await self._gateway.dispatch(shard, event, payload, intent=intent)
            if delivered:
                await outcome.settle(
                    quiet=self.settle if settle is None else settle,
                    max_wait=self.max_wait if max_wait is None else max_wait,
                )
        finally:
            state.unwatch(outcome)
        return outcome


def _bot_token(application_id: int) -> str:
    """A token shaped like Discord's: base64(application id), then two random segments."""
    head = base64.b64encode(str(application_id).encode()).decode()
    return f"{head}.{secrets.token_urlsafe(4)}.{secrets.token_urlsafe(27)}"


def _text_inputs(rows: list[JsonObject]) -> list[tuple[str, Component]]:
    """The text inputs among modal rows, with their custom ids."""
    return [
        (custom_id, component)
        for component in iter_components(rows)
        if component.get("type") == ComponentType.TEXT_INPUT
        and (custom_id := component.get("custom_id")) is not None
    ]
