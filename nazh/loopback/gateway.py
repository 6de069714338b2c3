"""The emulator's gateway websocket: sessions, zlib-stream, replay on RESUME, faults, and the
identify rate limit (buckets of max_concurrency) with a history of shard availability."""

from __future__ import annotations

import asyncio
import collections
import contextlib
import dataclasses
import json
import logging
import secrets
import time
import zlib
from typing import TYPE_CHECKING

from aiohttp import WSMsgType, web

from nazh.loopback.protocol import GatewayCloseCode, GatewayOpcode, Intents
from nazh.loopback.wire import GATEWAY_FRAME, IDENTIFY, RESUME, as_object

if TYPE_CHECKING:
    from nazh.loopback.protocol import JsonObject, JsonValue
    from nazh.loopback.state import State

__all__ = (
    "PRIVILEGED_INTENTS",
    "SESSION_START_TOTAL",
    "ConnectionInfo",
    "Gateway",
    "Session",
    "ShardTransition",
)

_LOGGER = logging.getLogger("nazh.loopback.gateway")
PRIVILEGED_INTENTS = Intents.PRIVILEGED
_NULLS: JsonObject = {"s": None, "t": None}
SESSION_START_TOTAL = 1000
"""Sessions a bot may start per day (GET /gateway/bot `session_start_limit.total`)."""
_SESSION_START_RESET = 86_400_000


@dataclasses.dataclass(frozen=True, slots=True)
class ConnectionInfo:
    """How a gateway client connected: query parameters as given."""

    compress: str | None
    encoding: str | None
    version: str | None


@dataclasses.dataclass(frozen=True, slots=True)
class ShardTransition:
    """A shard went from no connected session to a connected, handshaken one, or back.

    at: time.monotonic() of the change; session_id: the session that came up or went down.
    """

    at: float
    shard_id: int
    connected: bool
    session_id: str


class _Connection:
    __slots__ = ("_compressor", "_lock", "closed", "request", "session", "ws")

    def __init__(
        self, ws: web.WebSocketResponse, request: web.Request, *, zlib_stream: bool
    ) -> None:
        self.ws = ws
        self.request = request
        self._compressor = zlib.compressobj() if zlib_stream else None
        self._lock = asyncio.Lock()
        self.session: Session | None = None
        self.closed = False

    async def send(self, payload: JsonObject) -> None:
        async with self._lock:
            if self.closed:
                return
            text = json.dumps(payload, separators=(",", ":"))
            try:
                if self._compressor is None:
                    await self.ws.send_str(text)
                else:
                    data = self._compressor.compress(text.encode())
                    await self.ws.send_bytes(data + self._compressor.flush(zlib.Z_SYNC_FLUSH))
            except (ConnectionError, RuntimeError):
                self.closed = True

    def abort(self) -> None:
        self.closed = True
        transport = self.request.transport
        if transport is not None:
            transport.abort()

    async def close(self, code: int, reason: str) -> None:
        self.closed = True
        with contextlib.suppress(ConnectionError, RuntimeError):
            await self.ws.close(code=code, message=reason.encode())


class Session:
    """A gateway session of one shard: sequence numbers and the events kept for RESUME."""

    __slots__ = ("conn", "events", "handshaken", "id", "intents", "seq", "shard_id")

    def __init__(self, shard_id: int, intents: int, replay_limit: int) -> None:
        self.id = secrets.token_hex(16)
        self.shard_id = shard_id
        self.intents = intents
        self.seq = 0
        self.events: collections.deque[tuple[int, JsonObject]] = collections.deque(
            maxlen=replay_limit
        )
        self.conn: _Connection | None = None
        self.handshaken = False

    @property
    def connected(self) -> bool:
        """Whether a live, handshaken connection serves this session."""
        return self.conn is not None and not self.conn.closed and self.handshaken


class Gateway:
    """Serves GET /gateway (websocket) for every shard.

    IDENTIFY is rate limited as Discord does: shards fall in buckets `shard_id %
    max_concurrency`, and an IDENTIFY less than `identify_window` seconds after the last
    accepted one of its bucket is refused with INVALID_SESSION (op 9, d=false).
    """

    __slots__ = (
        "_bucket_started",
        "_up",
        "accepted_identifies",
        "connections",
        "double_sessions",
        "heartbeat_interval",
        "history",
        "identifies",
        "identify_count",
        "identify_window",
        "live",
        "max_concurrency",
        "refuse_privileged_intents",
        "refused",
        "refused_identifies",
        "replay_limit",
        "resume_count",
        "sessions",
        "shard_count",
        "shards",
        "started_at",
        "state",
        "token",
        "url",
    )

    def __init__(
        self,
        state: State,
        *,
        token: str,
        shard_count: int,
        heartbeat_interval: float,
        max_concurrency: int | None = None,
        identify_window: float = 5.0,
        replay_limit: int = 10_000,
    ) -> None:
        if max_concurrency is not None and max_concurrency < 1:
            msg = f"max_concurrency must be at least 1, not {max_concurrency}"
            raise ValueError(msg)
        if identify_window < 0:
            msg = f"identify_window must not be negative, not {identify_window}"
            raise ValueError(msg)
        self.state = state
        self.token = token
        self.shard_count = shard_count
        self.heartbeat_interval = heartbeat_interval
        self.max_concurrency = max(shard_count, 1) if max_concurrency is None else max_concurrency
        self.identify_window = identify_window
        self.replay_limit = replay_limit
        self.started_at = time.monotonic()
        self.url = ""
        self.refuse_privileged_intents = False
        self.sessions: dict[str, Session] = {}
        self.shards: dict[int, Session] = {}
        self.connections: list[ConnectionInfo] = []
        self.live: set[_Connection] = set()
        self.identifies: list[JsonObject] = []
        self.refused: list[int] = []
        self.refused_identifies: list[tuple[int, float]] = []
        self.accepted_identifies: list[tuple[int, float]] = []
        self.double_sessions: list[tuple[int, float]] = []
        self.history: list[ShardTransition] = []
        self.identify_count = 0
        self.resume_count = 0
        self._bucket_started: dict[int, float] = {}
        self._up: dict[int, str] = {}

    # -- public state ------------------------------------------------------------------------------

    @property
    def connected_shards(self) -> set[int]:
        """Shards with a live, identified or resumed connection."""
        return {shard for shard, session in self.shards.items() if session.connected}

    def shard_for_guild(self, guild_id: int | None) -> int:
        """The shard that carries a guild's events (DMs go to shard 0)."""
        return 0 if guild_id is None else (guild_id >> 22) % self.shard_count

    def session_start_limit(self) -> JsonObject:
        """GET /gateway/bot's `session_start_limit`: an accepted IDENTIFY uses one start."""
        return {
            "total": SESSION_START_TOTAL,
            "remaining": max(SESSION_START_TOTAL - self.identify_count, 0),
            "reset_after": _SESSION_START_RESET,
            "max_concurrency": self.max_concurrency,
        }

    def longest_gaps(self, since: float, until: float) -> dict[int, float]:
        """Per shard, the longest stretch within [since, until] with no connected session."""
        gaps: dict[int, float] = {}
        for shard_id in range(self.shard_count):
            changes = [t for t in self.history if t.shard_id == shard_id]
            before = [t.connected for t in changes if t.at <= since]
            down_from = None if before and before[-1] else since
            longest = 0.0
            for change in changes:
                if not since < change.at <= until:
                    continue
                if change.connected and down_from is not None:
                    longest = max(longest, change.at - down_from)
                    down_from = None
                elif not change.connected and down_from is None:
                    down_from = change.at
            if down_from is not None:
                longest = max(longest, until - down_from)
            gaps[shard_id] = longest
        return gaps

    def _live_sessions(self) -> list[Session]:
        """Sessions served by a live, handshaken connection: current ones first, then older
        sessions of a shard whose connection is still open."""
        current = [session for session in self.shards.values() if session.connected]
        older = [
            session
            for conn in self.live
            if (session := conn.session) is not None
            and session.conn is conn
            and session.connected
            and session not in current
        ]
        return current + older

    async def _changed(self) -> None:
        """Record shard transitions, then wake everyone waiting for a state change."""
        self._track()
        await self.state.notify()

    def _track(self) -> None:
        up: dict[int, str] = {}
        for session in self._live_sessions():
            up.setdefault(session.shard_id, session.id)
        now = time.monotonic()
        for shard_id in sorted(self._up.keys() - up.keys()):
            self.history.append(ShardTransition(now, shard_id, False, self._up[shard_id]))
        for shard_id in sorted(up.keys() - self._up.keys()):
            self.history.append(ShardTransition(now, shard_id, True, up[shard_id]))
        self._up = up

    # -- events ------------------------------------------------------------------------------------

    async def dispatch(
        self, shard_id: int, name: str, data: JsonObject, *, intent: Intents | None = None
    ) -> bool:
        """Send a dispatch event on a shard's session (buffered for RESUME while disconnected).

        Returns False when no session exists or the session lacks the required intent.
        """
        session = self.shards.get(shard_id)
        if session is None or (intent is not None and not session.intents & intent):
            return False
        await self._emit(session, name, data)
        return True

    async def _emit(self, session: Session, name: str, data: JsonObject) -> None:
        session.seq += 1
        payload: JsonObject = {"op": GatewayOpcode.DISPATCH, "t": name, "s": session.seq, "d": data}
        session.events.append((session.seq, payload))
        conn = session.conn
        if conn is not None:
            await conn.send(payload)

    # -- faults ------------------------------------------------------------------------------------

    def _live(self, shard_id: int) -> tuple[Session, _Connection]:
        session = self.shards.get(shard_id)
        if session is None or session.conn is None:
            msg = f"shard {shard_id} is not connected"
            raise RuntimeError(msg)
        return session, session.conn

    async def disconnect(self, shard_id: int) -> None:
        """Cut the TCP connection without a close frame."""
        session, conn = self._live(shard_id)
        session.conn = None
        conn.abort()
        await self._changed()

    async def send_reconnect(self, shard_id: int) -> None:
        """Send RECONNECT (op 7): the client should reconnect and resume."""
        session, conn = self._live(shard_id)
        await conn.send({"op": GatewayOpcode.RECONNECT, "d": None, **_NULLS})
        session.conn = None
        await self._changed()

    async def send_invalid_session(self, shard_id: int, *, resumable: bool) -> None:
        """Send INVALID_SESSION (op 9); a non-resumable one forgets the session."""
        session, conn = self._live(shard_id)
        await conn.send({"op": GatewayOpcode.INVALID_SESSION, "d": resumable, **_NULLS})
        session.conn = None
        if not resumable:
            self.sessions.pop(session.id, None)
        await self._changed()

    async def close(self, shard_id: int, code: int, reason: str = "") -> None:
        """Close the websocket with a close code (e.g. 4000 resumable, 4004 fatal)."""
        session, conn = self._live(shard_id)
        session.conn = None
        await conn.close(code, reason)
        await self._changed()

    def abort_all(self) -> None:
        """Cut every open connection (used when the emulator stops)."""
        for conn in list(self.live):
            conn.abort()
        for session in self.shards.values():
            session.conn = None
        self._track()

    # -- the websocket -----------------------------------------------------------------------------

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        """Serve one gateway websocket connection."""
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        query = request.query
        self.connections.append(
            ConnectionInfo(query.get("compress"), query.get("encoding"), query.get("v"))
        )
        conn = _Connection(ws, request, zlib_stream=query.get("compress") == "zlib-stream")
        self.live.add(conn)
        hello: JsonObject = {"heartbeat_interval": self.heartbeat_interval}
        await conn.send({"op": GatewayOpcode.HELLO, "d": hello, **_NULLS})
        try:
            async for message in ws:
                if message.type not in (WSMsgType.TEXT, WSMsgType.BINARY):
                    break
                payload: JsonValue = json.loads(message.data)
                await self._receive(conn, payload)
                if conn.closed:
                    break
        except (ConnectionError, ValueError) as error:
            _LOGGER.debug("gateway connection ended: %r", error)
        finally:
            conn.closed = True
            self.live.discard(conn)
            session = conn.session
            if session is not None and session.conn is conn:
                session.conn = None
            await self._changed()
        return ws

    async def _receive(self, conn: _Connection, payload: JsonValue) -> None:
        frame = GATEWAY_FRAME.view(payload)
        if frame is None:
            return
        op, data = frame["op"], as_object(frame["d"])
        if op == GatewayOpcode.HEARTBEAT:
            await conn.send({"op": GatewayOpcode.HEARTBEAT_ACK, "d": None, **_NULLS})
        elif op == GatewayOpcode.IDENTIFY and data is not None:
            await self._identify(conn, data)
        elif op == GatewayOpcode.RESUME and data is not None:
            await self._resume(conn, data)

    async def _identify(self, conn: _Connection, data: JsonObject) -> None:
        identify = IDENTIFY.view(data) or {}
        if identify.get("token") != self.token:
            await conn.close(GatewayCloseCode.AUTHENTICATION_FAILED, "Authentication failed.")
            return
        if conn.session is not None:
            await conn.close(GatewayCloseCode.ALREADY_AUTHENTICATED, "Already authenticated.")
            return
        shard = identify.get("shard") or [0, 1]
        shard_id, shard_count = (shard[0], shard[1]) if len(shard) >= 2 else (0, 0)
        if shard_count != self.shard_count or not 0 <= shard_id < shard_count:
            await conn.close(GatewayCloseCode.INVALID_SHARD, "Invalid shard.")
            return
        intents = identify.get("intents") or 0
        if self.refuse_privileged_intents and intents & PRIVILEGED_INTENTS:
            self.refused.append(intents)
            await conn.close(GatewayCloseCode.DISALLOWED_INTENTS, "Disallowed intent(s).")
            return
        now = time.monotonic()
        bucket = shard_id % self.max_concurrency
        last = self._bucket_started.get(bucket)
        if last is not None and now - last < self.identify_window:
            self.refused_identifies.append((shard_id, now))
            await conn.send({"op": GatewayOpcode.INVALID_SESSION, "d": False, **_NULLS})
            return
        self._bucket_started[bucket] = now
        self.accepted_identifies.append((shard_id, now))
        if any(
            (session := other.session) is not None
            and session.shard_id == shard_id
            and session.conn is other
            and not other.closed
            for other in self.live
        ):
            self.double_sessions.append((shard_id, now))
        self.identifies.append({key: value for key, value in data.items() if key != "token"})
        self.identify_count += 1
        old = self.shards.get(shard_id)
        if old is not None:
            self.sessions.pop(old.id, None)
        session = Session(shard_id, intents, self.replay_limit)
        self.sessions[session.id] = session
        self.shards[shard_id] = session
        conn.session = session
        session.conn = conn
        await self._emit(session, "READY", self._ready_payload(session))
        world = self.state.world
        members = world.members if intents & Intents.GUILD_MEMBERS else [world.bot]
        for guild in world.guilds.values():
            if self.shard_for_guild(guild.id) == shard_id:
                await self._emit(
                    session, "GUILD_CREATE", guild.create_payload(members, world.bot.id)
                )
        session.handshaken = True
        await self._changed()

    def _ready_payload(self, session: Session) -> JsonObject:
        world = self.state.world
        guilds: list[JsonObject] = [
            {"id": str(guild_id), "unavailable": True}
            for guild_id in world.guilds
            if self.shard_for_guild(guild_id) == session.shard_id
        ]
        application = world.application_payload()
        return {
            "v": 10,
            "user": world.bot.own_payload(),
            "guilds": guilds,
            "session_id": session.id,
            "session_type": "normal",
            "resume_gateway_url": self.url,
            "shard": [session.shard_id, self.shard_count],
            "application": {"id": application["id"], "flags": application["flags"]},
            "private_channels": [],
            "presences": [],
            "relationships": [],
            "guild_join_requests": [],
            "geo_ordered_rtc_regions": ["loopback"],
            "user_settings": {},
            "auth": {},
            "_trace": ['["loopback-gateway",{"micros":0}]'],
        }

    async def _resume(self, conn: _Connection, data: JsonObject) -> None:
        resume = RESUME.view(data) or {}
        if resume.get("token") != self.token:
            await conn.close(GatewayCloseCode.AUTHENTICATION_FAILED, "Authentication failed.")
            return
        session = self.sessions.get(str(resume.get("session_id")))
        seq = resume.get("seq")
        oldest = session.events[0][0] if session and session.events else 1
        if session is None or seq is None or seq > session.seq or seq < oldest - 1:
            await conn.send({"op": GatewayOpcode.INVALID_SESSION, "d": False, **_NULLS})
            return
        previous = session.conn
        session.conn = None
        if previous is not None and previous is not conn:
            await previous.close(GatewayCloseCode.UNKNOWN_ERROR, "Session resumed elsewhere.")
        last = seq
        while pending := [(s, event) for s, event in session.events if s > last]:
            for s, event in pending:
                await conn.send(event)
                last = s
        conn.session = session
        session.conn = conn
        self.shards[session.shard_id] = session
        self.resume_count += 1
        await self._emit(session, "RESUMED", {"_trace": ['["loopback-gateway",{"micros":0}]']})
        session.handshaken = True
        await self._changed()
