"""The emulator's REST API under /api/v10: routing, auth, rate limits, faults, validation."""

from __future__ import annotations

import dataclasses
import json
import re
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from aiohttp import BodyPartReader, web

from nazh.loopback import limits
from nazh.loopback.files import Upload
from nazh.loopback.messages import StoredMessage
from nazh.loopback.outcome import RecordedRequest
from nazh.loopback.protocol import (
    ApplicationCommandType,
    InteractionCallbackType,
    InteractionType,
    MessageFlags,
    MessageReferenceType,
    MessageType,
)
from nazh.loopback.state import LiveEvent
from nazh.loopback.wire import MESSAGE_REFERENCE, as_object, integer, objects, text

if TYPE_CHECKING:
    from nazh.loopback.files import StoredFile
    from nazh.loopback.outcome import Outcome
    from nazh.loopback.protocol import JsonObject, JsonValue
    from nazh.loopback.ratelimits import Fault, RateLimiter
    from nazh.loopback.state import State
    from nazh.loopback.world import Guild

__all__ = ("API_PREFIX", "NONCE_WINDOW", "RestApi")

API_PREFIX = "/api/v10"
NONCE_WINDOW = 300.0
"""Seconds a message nonce sent with enforce_nonce is remembered ("a few minutes")."""

_CHANNEL_MESSAGES = "/channels/{channel_id}/messages"
_DM_CHANNELS = "/users/@me/channels"

_Callback = InteractionCallbackType
_NEW_MESSAGE = (
    _Callback.CHANNEL_MESSAGE_WITH_SOURCE,
    _Callback.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
)
_ON_SOURCE = (_Callback.DEFERRED_UPDATE_MESSAGE, _Callback.UPDATE_MESSAGE)
_ALLOWED_CALLBACKS: dict[int, frozenset[int]] = {
    InteractionType.APPLICATION_COMMAND: frozenset({*_NEW_MESSAGE, _Callback.MODAL}),
    InteractionType.MESSAGE_COMPONENT: frozenset({*_NEW_MESSAGE, *_ON_SOURCE, _Callback.MODAL}),
    InteractionType.APPLICATION_COMMAND_AUTOCOMPLETE: frozenset(
        {_Callback.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT}
    ),
    InteractionType.MODAL_SUBMIT: frozenset({*_NEW_MESSAGE, *_ON_SOURCE}),
}
_MESSAGE_TYPE_BY_INTERACTION: dict[int, MessageType] = {
    InteractionType.APPLICATION_COMMAND: MessageType.CHAT_INPUT_COMMAND,
    InteractionType.MESSAGE_COMPONENT: MessageType.DEFAULT,
    InteractionType.MODAL_SUBMIT: MessageType.DEFAULT,
}


@dataclasses.dataclass(slots=True)
class _Call:
    method: str
    path: str
    template: str
    params: dict[str, str]
    query: dict[str, str]
    body: JsonValue
    uploads: list[_Part]
    touched: list[Outcome]


@dataclasses.dataclass(frozen=True, slots=True)
class _Part:
    """A file of a multipart request: its form field (`files[0]`) and the file."""

    field: str
    upload: Upload


Handler = Callable[[_Call], Awaitable[web.Response]]


@dataclasses.dataclass(frozen=True, slots=True)
class _Route:
    method: str
    template: str
    pattern: re.Pattern[str]
    handler: Handler
    bot_auth: bool
    limited: bool
    major: str | None


class _ApiError(Exception):
    def __init__(self, status: int, message: str, code: int = 0) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code


def _json(
    data: JsonValue, status: int = 200, headers: dict[str, str] | None = None
) -> web.Response:
    return web.Response(
        body=json.dumps(data).encode(),
        status=status,
        content_type="application/json",
        headers=headers,
    )


def _error(
    status: int, message: str, code: int = 0, headers: dict[str, str] | None = None
) -> web.Response:
    return _json({"message": message, "code": code}, status, headers)


def _no_content() -> web.Response:
    return web.Response(status=204)


class RestApi:
    """aiohttp handler for every REST route the bot (hikari, lightbulb, miru) uses."""

    __slots__ = (
        "_routes",
        "faults",
        "gateway_url",
        "interaction_deadline",
        "nonce_window",
        "rate_limiter",
        "session_start_limit",
        "shard_count",
        "state",
        "token",
        "token_lifetime",
    )

    def __init__(
        self,
        state: State,
        *,
        token: str,
        shard_count: int,
        session_start_limit: Callable[[], JsonObject],
        rate_limiter: RateLimiter,
        interaction_deadline: float | None,
        token_lifetime: float,
    ) -> None:
        self.state = state
        self.token = token
        self.shard_count = shard_count
        self.session_start_limit = session_start_limit
        self.rate_limiter = rate_limiter
        self.interaction_deadline = interaction_deadline
        self.token_lifetime = token_lifetime
        self.nonce_window = NONCE_WINDOW
        self.faults: list[Fault] = []
        self.gateway_url = ""
        self._routes: list[_Route] = []
        self._register()

    # -- routing -----------------------------------------------------------------------------------

    def _add(
        self,
        method: str,
        template: str,
        handler: Handler,
        *,
        bot_auth: bool = True,
        limited: bool = True,
        major: str | None = None,
    ) -> None:
        regex = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(template))
        self._routes.append(
            _Route(method, template, re.compile(regex), handler, bot_auth, limited, major)
        )

    def _register(self) -> None:
        add = self._add
        add("GET", "/gateway", self._gateway, bot_auth=False)
        add("GET", "/gateway/bot", self._gateway_bot)
        add("GET", "/users/@me", self._me)
        add("POST", _DM_CHANNELS, self._create_dm)
        add("GET", "/oauth2/applications/@me", self._application)
        add("GET", "/applications/@me", self._application)
        for template, major in (
            ("/applications/{application_id}/commands", None),
            ("/applications/{application_id}/guilds/{guild_id}/commands", "guild_id"),
        ):
            add("GET", template, self._get_commands, major=major)
            add("PUT", template, self._put_commands, major=major)
            add("POST", template, self._post_command, major=major)
            add("DELETE", template + "/{command_id}", self._delete_command, major=major)
        add(
            "POST",
            "/interactions/{interaction_id}/{interaction_token}/callback",
            self._callback,
            bot_auth=False,
            limited=False,
        )
        hook = "/webhooks/{application_id}/{interaction_token}"
        for suffix in ("/messages/@original", "/messages/{message_id}"):
            add(
                "GET",
                hook + suffix,
                self._get_hook_message,
                bot_auth=False,
                major="interaction_token",
            )
            add(
                "PATCH",
                hook + suffix,
                self._edit_hook_message,
                bot_auth=False,
                major="interaction_token",
            )
            add(
                "DELETE",
                hook + suffix,
                self._delete_hook_message,
                bot_auth=False,
                major="interaction_token",
            )
        add("POST", hook, self._followup, bot_auth=False, major="interaction_token")
        add("GET", "/channels/{channel_id}", self._get_channel, major="channel_id")
        add("POST", "/channels/{channel_id}/typing", self._typing, major="channel_id")
        add("POST", _CHANNEL_MESSAGES, self._create_message, major="channel_id")
        message = "/channels/{channel_id}/messages/{message_id}"
        add("GET", message, self._get_message, major="channel_id")
        add("PATCH", message, self._edit_message, major="channel_id")
        add("DELETE", message, self._delete_message, major="channel_id")
        for method in ("PUT", "DELETE"):
            add(method, message + "/reactions/{emoji}/@me", self._reaction, major="channel_id")
        add("GET", "/guilds/{guild_id}/members/{user_id}", self._get_member, major="guild_id")
        add("GET", "/guilds/{guild_id}/roles", self._get_roles, major="guild_id")
        add("GET", "/guilds/{guild_id}/channels", self._get_channels, major="guild_id")
        self._routes.sort(key=lambda r: r.template.count("{"))

    def _match(self, method: str, path: str) -> tuple[_Route, dict[str, str]] | None:
        for route in self._routes:
            if route.method == method and (found := route.pattern.fullmatch(path)):
                return route, found.groupdict()
        return None

    # -- the single entry point --------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Answer one HTTP request (registered as the catch-all route of the app)."""
        method = request.method
        path = request.path.removeprefix(API_PREFIX) if request.path.startswith(API_PREFIX) else ""
        query = dict(request.query)
        body, uploads = await _read_body(request)
        matched = self._match(method, path) if path else None
        template = matched[0].template if matched else None
        params = matched[1] if matched else {}
        call = _Call(method, path, template or "", params, query, body, uploads, [])
        if matched is not None:
            call.touched = self._attribute(call)
        response = await self._respond(request, matched, call)
        record = RecordedRequest(
            method=method,
            path=path or request.path,
            route=template,
            query=query,
            json=body,
            files=[part.upload.filename for part in uploads],
            status=response.status,
            at=time.monotonic(),
        )
        self.state.requests.append(record)
        for outcome in call.touched:
            outcome.touch(record)
        return response

    async def _respond(
        self, request: web.Request, matched: tuple[_Route, dict[str, str]] | None, call: _Call
    ) -> web.Response:
        after: Fault | None = None
        for fault in self.faults:
            if fault.matches(call.method, call.path, call.template or None):
                if fault.after:
                    after = after or fault
                    continue
                fault.count -= 1
                return _fault_response(fault)
        if matched is None:
            return _error(404, "404: Not Found")
        route = matched[0]
        if route.bot_auth and request.headers.get("Authorization") != f"Bot {self.token}":
            return _error(401, "401: Unauthorized")
        headers: dict[str, str] = {}
        if route.limited:
            major = call.params.get(route.major, "") if route.major else ""
            headers, retry_after = self.rate_limiter.hit(route.template, major)
            if retry_after is not None:
                return _json(
                    {
                        "message": "You are being rate limited.",
                        "retry_after": retry_after,
                        "global": False,
                    },
                    429,
                    headers,
                )
        oversized = limits.check_uploads([(p.upload.filename, p.upload.size) for p in call.uploads])
        if oversized:
            self._violate(call, oversized)
            return _error(413, "Request entity too large", 40005, headers)
        problems = self._validate(call)
        if problems and self.state.reject_invalid:
            return _json(
                {
                    "message": "Invalid Form Body",
                    "code": 50035,
                    "errors": {"_errors": [{"code": "INVALID", "message": p} for p in problems]},
                },
                400,
                headers,
            )
        try:
            response = await route.handler(call)
        except _ApiError as error:
            response = _error(error.status, error.message, error.code)
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            self._violate(call, [f"body the emulator cannot use: {error!r}"])
            response = _error(400, "Invalid Form Body", 50035)
        if after is not None and response.status < 400:
            after.count -= 1
            response = _fault_response(after)
        response.headers.update(headers)
        return response

    def _validate(self, call: _Call) -> list[str]:
        if call.method not in ("POST", "PUT", "PATCH") or call.body is None:
            return []
        openapi = self.state.openapi
        problems = openapi.validate(call.method, call.path, call.body)
        body = as_object(call.body)
        if body is not None:
            if call.template == _CHANNEL_MESSAGES and not openapi.loaded:
                problems += limits.check_nonce(body)
            if call.template.endswith("/callback"):
                problems += limits.check_callback(body)
            elif "/messages" in call.template or call.template.startswith("/webhooks"):
                problems += limits.check_message(body)
        self._violate(call, problems)
        return problems

    def _violate(self, call: _Call, problems: list[str]) -> None:
        self.state.violations.extend(f"{call.method} {call.template}: {p}" for p in problems)

    def _attribute(self, call: _Call) -> list[Outcome]:
        state = self.state
        if "interaction_id" in call.params:
            outcome = state.interactions.get(_int(call.params["interaction_id"]))
            return [outcome] if outcome else []
        if "interaction_token" in call.params:
            outcome = state.tokens.get(call.params["interaction_token"])
            return [outcome] if outcome else []
        if "channel_id" in call.params:
            channel_id = _int(call.params["channel_id"])
            here = list(state.watchers.get(channel_id, ()))
            if call.method == "POST" and call.template == _CHANNEL_MESSAGES and state.settling:
                here += self._elsewhere(channel_id)
            return here
        if call.method == "POST" and call.template == _DM_CHANNELS and state.settling:
            body = as_object(call.body) or {}
            recipient = _int(body.get("recipient_id"))
            return [o for o in state.settling if o.user_id == recipient]
        return []

    def _elsewhere(self, channel_id: int) -> list[Outcome]:
        """Settling actions a bot message in another channel than theirs belongs to: those of
        the channel's guild, or for a DM channel, those of its user."""
        world = self.state.world
        guild = world.guild_of_channel.get(channel_id)
        others = [o for o in self.state.settling if o.channel_id != channel_id]
        if guild is not None:
            return [o for o in others if o.guild_id == guild.id]
        user = world.dm_user(channel_id)
        return [o for o in others if user is not None and o.user_id == user.id]

    # -- gateway, users, application ---------------------------------------------------------------

    async def _gateway(self, call: _Call) -> web.Response:
        return _json({"url": self.gateway_url})

    async def _gateway_bot(self, call: _Call) -> web.Response:
        return _json(
            {
                "url": self.gateway_url,
                "shards": self.shard_count,
                "session_start_limit": self.session_start_limit(),
            }
        )

    async def _me(self, call: _Call) -> web.Response:
        return _json(self.state.world.bot.own_payload())

    async def _application(self, call: _Call) -> web.Response:
        return _json(self.state.world.application_payload())

    async def _create_dm(self, call: _Call) -> web.Response:
        world = self.state.world
        try:
            user = world.user(_int(_object_body(call).get("recipient_id")))
        except KeyError:
            raise _ApiError(400, "Invalid Recipient(s)", 50033) from None
        channel_id = world.dm_channel_id(user, self.state.snowflakes)
        return _json(world.dm_channel_payload(user, channel_id))

    def _guild(self, call: _Call) -> Guild:
        guild = self.state.world.guilds.get(_int(call.params["guild_id"]))
        if guild is None:
            raise _ApiError(404, "Unknown Guild", 10004)
        return guild

    async def _get_roles(self, call: _Call) -> web.Response:
        return _json(self._guild(call).role_payloads(self.state.world.bot.id))

    async def _get_channels(self, call: _Call) -> web.Response:
        return _json(self._guild(call).channel_payloads())

    async def _get_member(self, call: _Call) -> web.Response:
        world = self.state.world
        guild = self._guild(call)
        try:
            user = world.user(_int(call.params["user_id"]))
        except KeyError:
            raise _ApiError(404, "Unknown Member", 10007) from None
        return _json(guild.member_payload(user, world.bot.id))

    # -- application commands ----------------------------------------------------------------------

    def _command_scope(self, call: _Call) -> int | None:
        if _int(call.params["application_id"]) != self.state.world.application_id:
            raise _ApiError(403, "Missing Access", 50001)
        if "guild_id" not in call.params:
            return None
        guild_id = _int(call.params["guild_id"])
        if guild_id not in self.state.world.guilds:
            raise _ApiError(403, "Missing Access", 50001)
        return guild_id

    async def _get_commands(self, call: _Call) -> web.Response:
        return _json(self.state.commands.get(self._command_scope(call), []))

    async def _put_commands(self, call: _Call) -> web.Response:
        scope = self._command_scope(call)
        existing = {_command_key(c): c for c in self.state.commands.get(scope, [])}
        stored = [self._store_command(body, scope, existing) for body in _object_bodies(call)]
        self.state.commands[scope] = stored
        await self.state.notify()
        return _json(stored)

    async def _post_command(self, call: _Call) -> web.Response:
        scope = self._command_scope(call)
        commands = self.state.commands.setdefault(scope, [])
        existing = {_command_key(c): c for c in commands}
        command = self._store_command(_object_body(call), scope, existing)
        commands[:] = [c for c in commands if c["id"] != command["id"]] + [command]
        await self.state.notify()
        return _json(command, 201)

    async def _delete_command(self, call: _Call) -> web.Response:
        scope = self._command_scope(call)
        commands = self.state.commands.get(scope, [])
        remaining = [c for c in commands if c["id"] != call.params["command_id"]]
        if len(remaining) == len(commands):
            raise _ApiError(404, "Unknown application command", 10063)
        self.state.commands[scope] = remaining
        await self.state.notify()
        return _no_content()

    def _store_command(
        self, body: JsonObject, scope: int | None, existing: dict[tuple[str, int], JsonObject]
    ) -> JsonObject:
        kind = body.get("type") or ApplicationCommandType.CHAT_INPUT
        previous = existing.get(_command_key({"name": body.get("name", ""), "type": kind}))
        snowflakes = self.state.snowflakes
        command: JsonObject = {
            "id": previous["id"] if previous else str(snowflakes.next()),
            "application_id": str(self.state.world.application_id),
            "version": str(snowflakes.next()),
            "type": kind,
            "name": body.get("name"),
            "name_localizations": body.get("name_localizations") or None,
            "description": body.get("description") or "",
            "description_localizations": body.get("description_localizations") or None,
            "default_member_permissions": body.get("default_member_permissions"),
            "dm_permission": body.get("dm_permission", True),
            "nsfw": bool(body.get("nsfw", False)),
            "integration_types": body.get("integration_types") or [0],
            "contexts": body.get("contexts"),
        }
        if kind == ApplicationCommandType.CHAT_INPUT:
            command["options"] = body.get("options") or []
        if scope is not None:
            command["guild_id"] = str(scope)
        return command

    def _attach(self, message: StoredMessage, call: _Call) -> None:
        """Keep the request's files and attach them to the message, named and described by the
        body's `attachments` entries whose id is the file's index (`files[0]` is id 0)."""
        body = as_object(call.body) or {}
        entries = {str(entry.get("id")): entry for entry in objects(body.get("attachments"))}
        stored: list[StoredFile] = []
        for part in call.uploads:
            entry = entries.get(part.field.removeprefix("files[").removesuffix("]"), {})
            upload = part.upload
            filename = text(entry.get("filename")) or upload.filename
            description = entry.get("description")
            stored.append(
                self.state.files.add(
                    self.state.snowflakes.next(),
                    dataclasses.replace(upload, filename=filename),
                    f"attachments/{message.channel_id}",
                    description=description if isinstance(description, str) else None,
                )
            )
        message.add_files(stored)

    # -- interaction callback ----------------------------------------------------------------------

    def _interaction(self, call: _Call) -> Outcome:
        outcome = self.state.interactions.get(_int(call.params["interaction_id"]))
        if outcome is None or outcome.token != call.params["interaction_token"]:
            raise _ApiError(404, "Unknown interaction", 10062)
        return outcome

    async def _callback(self, call: _Call) -> web.Response:
        outcome = self._interaction(call)
        body = as_object(call.body) or {}
        if outcome.callback is not None:
            raise _ApiError(400, "Interaction has already been acknowledged.", 40060)
        elapsed = time.monotonic() - outcome.dispatched_at
        if self.interaction_deadline is not None and elapsed > self.interaction_deadline:
            self._violate(call, [f"callback {elapsed:.2f}s after the interaction (token expired)"])
            raise _ApiError(404, "Unknown interaction", 10062)
        kind = body.get("type")
        interaction_type = integer(outcome.payload.get("type"))
        if kind not in _ALLOWED_CALLBACKS.get(interaction_type, frozenset()) or (
            kind in _ON_SOURCE and outcome.source_message is None
        ):
            self._violate(
                call, [f"callback type {kind} not allowed for interaction type {interaction_type}"]
            )
            raise _ApiError(400, "Interaction callback type is not valid here", 50035)
        data = as_object(body.get("data")) or {}
        outcome.callback = {"type": kind, "data": data}
        outcome.callback_at = time.monotonic()
        message: StoredMessage | None = None
        deferred = kind == _Callback.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
        if kind in _NEW_MESSAGE:
            message = self._interaction_message(outcome, data, loading=deferred)
            self._attach(message, call)
            outcome.original = message
            outcome.messages.append(message)
            self.state.publish(LiveEvent("message_create", message=message, outcome=outcome))
        elif kind in _ON_SOURCE:
            message = outcome.source_message
            assert message is not None
            outcome.original = message
            if kind == _Callback.UPDATE_MESSAGE:
                message.apply(data)
                outcome.edits.append(data)
                self.state.publish(LiveEvent("message_update", message=message, outcome=outcome))
        self.state.publish(
            LiveEvent("interaction_response", message=message, outcome=outcome, data=body)
        )
        interaction: JsonObject = {
            "id": str(outcome.interaction_id),
            "type": interaction_type,
            "response_message_loading": deferred,
            "response_message_ephemeral": bool(message and message.ephemeral),
        }
        resource: JsonObject = {"type": kind}
        if message is not None:
            interaction["response_message_id"] = str(message.id)
            resource["message"] = message.payload()
        return _json({"interaction": interaction, "resource": resource})

    def _interaction_message(
        self, outcome: Outcome, data: JsonObject, *, loading: bool
    ) -> StoredMessage:
        world = self.state.world
        flags = int(integer(data.get("flags")) & MessageFlags.EPHEMERAL)
        message = StoredMessage(
            id=self.state.snowflakes.next(),
            channel_id=outcome.channel_id,
            guild_id=outcome.guild_id,
            author=world.bot.payload(),
            message_type=_MESSAGE_TYPE_BY_INTERACTION.get(
                integer(outcome.payload.get("type")), MessageType.DEFAULT
            ),
            webhook_id=world.application_id,
            application_id=world.application_id,
            interaction_metadata=outcome.metadata,
        )
        if loading:
            message.flags = int(flags | MessageFlags.LOADING)
        else:
            message.apply(data, initial=True)
            message.flags |= flags
        self.state.messages[message.id] = message
        return message

    # -- webhook (interaction token) routes --------------------------------------------------------

    def _hook(self, call: _Call) -> Outcome:
        outcome = self.state.tokens.get(call.params["interaction_token"])
        if (
            _int(call.params["application_id"]) != self.state.world.application_id
            or outcome is None
        ):
            raise _ApiError(404, "Unknown Webhook", 10015)
        if time.monotonic() - outcome.dispatched_at > self.token_lifetime:
            raise _ApiError(401, "Invalid Webhook Token", 50027)
        return outcome

    def _hook_message(self, call: _Call) -> tuple[Outcome, StoredMessage]:
        outcome = self._hook(call)
        message_id = call.params.get("message_id")
        if message_id is None:
            message = outcome.original
        else:
            message = next((m for m in outcome.followups if m.id == _int(message_id)), None)
            if message is None and outcome.original and outcome.original.id == _int(message_id):
                message = outcome.original
        if message is None or message.deleted:
            raise _ApiError(404, "Unknown Message", 10008)
        return outcome, message

    async def _get_hook_message(self, call: _Call) -> web.Response:
        return _json(self._hook_message(call)[1].payload())

    async def _edit_hook_message(self, call: _Call) -> web.Response:
        outcome, message = self._hook_message(call)
        body = as_object(call.body) or {}
        message.apply(body)
        self._attach(message, call)
        if message is outcome.original:
            outcome.edits.append(body)
        self.state.publish(LiveEvent("message_update", message=message, outcome=outcome))
        return _json(message.payload())

    async def _delete_hook_message(self, call: _Call) -> web.Response:
        outcome, message = self._hook_message(call)
        message.deleted = True
        self.state.publish(LiveEvent("message_delete", message=message, outcome=outcome))
        return _no_content()

    async def _followup(self, call: _Call) -> web.Response:
        outcome = self._hook(call)
        if outcome.callback is None:
            self._violate(call, ["follow-up sent before the interaction was acknowledged"])
            raise _ApiError(404, "Unknown Webhook", 10015)
        body = as_object(call.body) or {}
        original = outcome.original
        if original is not None and original.loading:
            # Discord turns the first follow-up after a deferral into the deferred message.
            original.apply({key: value for key, value in body.items() if key != "flags"})
            self._attach(original, call)
            outcome.edits.append(body)
            self.state.publish(LiveEvent("message_update", message=original, outcome=outcome))
            return _json(original.payload())
        world = self.state.world
        message = StoredMessage(
            id=self.state.snowflakes.next(),
            channel_id=outcome.channel_id,
            guild_id=outcome.guild_id,
            author=world.bot.payload(),
            webhook_id=world.application_id,
            application_id=world.application_id,
            interaction_metadata=outcome.metadata,
        )
        message.apply(body, initial=True)
        self._attach(message, call)
        self.state.messages[message.id] = message
        outcome.followups.append(message)
        outcome.messages.append(message)
        self.state.publish(LiveEvent("message_create", message=message, outcome=outcome))
        if call.query.get("wait", "").lower() == "true":
            return _json(message.payload())
        return _no_content()

    # -- channels and messages ---------------------------------------------------------------------

    def _channel(self, call: _Call) -> tuple[int, int | None]:
        channel_id = _int(call.params["channel_id"])
        world = self.state.world
        guild = world.guild_of_channel.get(channel_id)
        if guild is None and world.dm_user(channel_id) is None:
            raise _ApiError(404, "Unknown Channel", 10003)
        return channel_id, guild.id if guild else None

    def _channel_message(self, call: _Call) -> StoredMessage:
        channel_id, _ = self._channel(call)
        message = self.state.messages.get(_int(call.params["message_id"]))
        if message is None or message.deleted or message.channel_id != channel_id:
            raise _ApiError(404, "Unknown Message", 10008)
        return message

    async def _get_channel(self, call: _Call) -> web.Response:
        channel_id, _ = self._channel(call)
        world = self.state.world
        channel = world.channel(channel_id)
        if channel is not None:
            return _json(channel.payload())
        user = world.dm_user(channel_id)
        assert user is not None
        return _json(world.dm_channel_payload(user, channel_id))

    async def _typing(self, call: _Call) -> web.Response:
        self._channel(call)
        return _no_content()

    async def _create_message(self, call: _Call) -> web.Response:
        channel_id, guild_id = self._channel(call)
        state = self.state
        channel = state.world.channel(channel_id)
        if channel is not None and not channel.messageable:
            raise _ApiError(400, "Cannot send messages in a non-text channel", 50008)
        body = as_object(call.body) or {}
        nonce = body.get("nonce")
        key = (state.world.bot.id, str(nonce)) if isinstance(nonce, str | int) else None
        if key is not None and body.get("enforce_nonce"):
            earlier = state.nonces.get(key)
            if earlier is not None and time.monotonic() - earlier[0] <= self.nonce_window:
                return _json(earlier[1].payload())
        message = StoredMessage(
            id=state.snowflakes.next(),
            channel_id=channel_id,
            guild_id=guild_id,
            author=state.world.bot.payload(),
            nonce=nonce if isinstance(nonce, str | int) else None,
        )
        if key is not None:
            state.nonces[key] = (time.monotonic(), message)
        message.apply(body, initial=True)
        self._attach(message, call)
        reference = MESSAGE_REFERENCE.view(body.get("message_reference"))
        referenced_id = reference.get("message_id") if reference else None
        if reference is not None and referenced_id:
            referenced = state.messages.get(_int(referenced_id))
            if referenced is None and reference.get("fail_if_not_exists", True):
                raise _ApiError(400, "Unknown message reference", 50035)
            message.message_type = MessageType.REPLY
            message.message_reference = {
                "type": MessageReferenceType.DEFAULT,
                "message_id": str(referenced_id),
                "channel_id": str(channel_id),
                **({"guild_id": str(guild_id)} if guild_id else {}),
            }
            if referenced is not None:
                message.replied_user = referenced.author_id
        state.messages[message.id] = message
        for outcome in call.touched:
            if outcome.channel_id == channel_id:
                outcome.messages.append(message)
            else:
                outcome.elsewhere.append(message)
        state.publish(LiveEvent("message_create", message=message))
        return _json(message.payload())

    async def _get_message(self, call: _Call) -> web.Response:
        return _json(self._channel_message(call).payload())

    async def _edit_message(self, call: _Call) -> web.Response:
        message = self._channel_message(call)
        if message.author_id != self.state.world.bot.id:
            raise _ApiError(403, "Cannot edit a message authored by another user", 50005)
        body = as_object(call.body) or {}
        message.apply(body)
        self._attach(message, call)
        self.state.publish(LiveEvent("message_update", message=message))
        return _json(message.payload())

    async def _delete_message(self, call: _Call) -> web.Response:
        message = self._channel_message(call)
        message.deleted = True
        self.state.publish(LiveEvent("message_delete", message=message))
        return _no_content()

    async def _reaction(self, call: _Call) -> web.Response:
        self._channel_message(call)
        return _no_content()


def _fault_response(fault: Fault) -> web.Response:
    if fault.status == 429:
        return _json(
            {
                "message": "You are being rate limited.",
                "retry_after": fault.retry_after,
                "global": False,
            },
            429,
            {"Retry-After": str(fault.retry_after), "X-RateLimit-Scope": "shared"},
        )
    return _error(fault.status, f"{fault.status}: injected fault")


def _int(value: JsonValue) -> int:
    if isinstance(value, str | int | float):
        try:
            return int(value)
        except ValueError:
            return -1
    return -1


def _command_key(command: JsonObject) -> tuple[str, int]:
    return text(command.get("name")), integer(command.get("type"))


def _object_body(call: _Call) -> JsonObject:
    """The body as a JSON object ({} when absent); TypeError for another JSON value."""
    if call.body is None:
        return {}
    body = as_object(call.body)
    if body is None:
        raise TypeError(f"expected a JSON object, got {type(call.body).__name__}")
    return body


def _object_bodies(call: _Call) -> list[JsonObject]:
    """The body as an array of JSON objects ([] when absent); TypeError otherwise."""
    if call.body is None:
        return []
    if not isinstance(call.body, list) or not all(isinstance(b, dict) for b in call.body):
        raise TypeError("expected an array of JSON objects")
    return [body for body in call.body if isinstance(body, dict)]


async def _read_body(request: web.Request) -> tuple[JsonValue, list[_Part]]:
    if not request.can_read_body:
        return None, []
    if request.content_type.startswith("multipart/"):
        return await _read_multipart(request)
    raw = await request.read()
    if not raw:
        return None, []
    try:
        return json.loads(raw), []
    except ValueError:
        return raw.decode(errors="replace"), []


async def _read_multipart(request: web.Request) -> tuple[JsonValue, list[_Part]]:
    body: JsonValue = None
    uploads: list[_Part] = []
    reader = await request.multipart()
    async for part in reader:
        if not isinstance(part, BodyPartReader):
            continue
        content = bytes(await part.read(decode=True))
        if part.name == "payload_json":
            body = json.loads(content)
        elif part.filename:
            # Like Discord, the content type comes from the file, not from the part's header.
            uploads.append(_Part(part.name or "", Upload(part.filename, content)))
    return body, uploads
