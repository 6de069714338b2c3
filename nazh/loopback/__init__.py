"""Loopback Discord: an emulator a real hikari bot connects to, and a driver API for tests.

An aiohttp server on 127.0.0.1 speaks Discord's REST API (under /api/v10) and gateway
(websocket, zlib-stream or plain JSON). The bot connects exactly as it would to Discord::

    emu = LoopbackDiscord(guilds=1)
    await emu.start()
    bot = hikari.GatewayBot(emu.token, rest_url=emu.rest_url)
    ...                                   # lightbulb / miru clients as usual
    await bot.start(check_for_updates=False)
    await emu.wait_ready()
    await emu.wait_commands({"roll"})

    outcome = await emu.slash("roll", {"expression": "4d6kh3", "private": True})
    assert outcome.ephemeral and "4d6" in outcome.content
    choices = await emu.autocomplete("roll", {"expression": "4d"}, focused="expression")
    clicked = await emu.click(outcome, "reroll")          # a component on the bot's message
    sent = await emu.submit_modal(opened, {"field": "value"})
    reply = await emu.send_message("!roll 1d20")          # MESSAGE_CREATE in the default channel
    imported = await emu.slash("rolls import", {"file": emu.upload("rolls.json", data)})
    exported = outcome.message.file("rolls.json").data   # bytes of a file the bot uploaded
    assert emu.violations == []                           # OpenAPI + Discord limits

    await bot.close()
    await emu.stop()

Each driver call returns an `Outcome` once the bot answered and stayed quiet for `settle`
seconds (default 0.05), or after `timeout`: callback type/data, `content`, `embeds`,
`components`, `ephemeral`, `message` (latest state), `messages`, `followups`, `edits`,
`requests`, `choices`, `modal`, `latency`. Messages keep their edit history and `pings`
(who they notify under allowed_mentions).

Files: an attachment option takes an `Upload` (name, bytes, content type); the interaction
carries its id and `data.resolved.attachments`. Files the bot uploads are `StoredMessage.files`.
Both are served at their attachment `url` on the emulator (GET, 404 when unknown), recorded in
`downloads`; `file(id)` finds one. Bot files over 10 MiB are refused with 413, as Discord does.

Protocol numbers and payload shapes are in `nazh.loopback.protocol` (the emulator's own, not the
library's), validated readers in `nazh.loopback.wire`. Driver arguments left out are `UNDEFINED`.

Faults: `disconnect()`, `send_reconnect()`, `send_invalid_session(resumable)`,
`close_gateway(code)`, `refuse_privileged_intents = True` (close 4014),
`fail_next(method, route_pattern, status=429, retry_after=0.2, count=1)`.
State: `connected_shards`, `session_ids`, `identify_count`, `resume_count`, `identifies`,
`gateway_connections`, `requests`, `unknown_requests`, `commands`, `subscribe()`.

Request bodies are validated against Discord's OpenAPI spec ($NAZH_DISCORD_OPENAPI, else
../shared/discord-api/openapi.json next to the repository; `openapi_loaded` tells) plus limits
the spec omits; problems land in `violations` and, like Discord, are answered 400.
"""

from __future__ import annotations

from nazh.loopback.emulator import LoopbackDiscord
from nazh.loopback.files import StoredFile, Upload
from nazh.loopback.gateway import PRIVILEGED_INTENTS, ConnectionInfo
from nazh.loopback.interactions import LoopbackError
from nazh.loopback.messages import Pings, StoredMessage, pings_of
from nazh.loopback.outcome import Outcome, RecordedRequest
from nazh.loopback.protocol import JsonObject, JsonRecord, JsonValue
from nazh.loopback.ratelimits import Fault
from nazh.loopback.state import LiveEvent
from nazh.loopback.undefined import UNDEFINED, UndefinedOr, UndefinedType
from nazh.loopback.world import Guild, User

__all__ = (
    "PRIVILEGED_INTENTS",
    "UNDEFINED",
    "ConnectionInfo",
    "Fault",
    "Guild",
    "JsonObject",
    "JsonRecord",
    "JsonValue",
    "LiveEvent",
    "LoopbackDiscord",
    "LoopbackError",
    "Outcome",
    "Pings",
    "RecordedRequest",
    "StoredFile",
    "StoredMessage",
    "UndefinedOr",
    "UndefinedType",
    "Upload",
    "User",
    "pings_of",
)
