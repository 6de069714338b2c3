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
    await emu.edit_message(reply, "!roll 1d20+1")         # MESSAGE_UPDATE of that user message
    gm_only = await emu.add_channel(emu.guild_id, "gm-only")
    gm = await emu.add_role(emu.guild_id, "GM", permissions=1 << 5)
    await emu.give_role(emu.users[1], gm)
    await emu.slash("settings gm", {"channel": "#gm-only", "role": "@GM"})
    secret = emu.channel_messages(gm_only)[-1]            # the bot posted there with REST
    await emu.click(secret, "reveal:42", user=emu.users[1])   # buttons on any message
    imported = await emu.slash("rolls import", {"file": emu.upload("rolls.json", data)})
    exported = outcome.message.file("rolls.json").data   # bytes of a file the bot uploaded
    assert emu.violations == []                           # OpenAPI + Discord limits

    await bot.close()
    await emu.stop()

Each driver call returns an `Outcome` once the bot answered and stayed quiet for `settle`
seconds (default 0.05), or after `timeout`: callback type/data, `content`, `embeds`,
`components`, `ephemeral`, `message` (latest state), `messages` (in the action's channel),
`elsewhere` (bot messages in other channels of its guild, or in its user's DMs, posted while it
settled), `followups`, `edits`, `requests`, `choices`, `modal`, `latency`. Messages keep their
edit history and `pings` (who they notify under allowed_mentions). `channel_messages(id)` and
`dm_messages(user)` list a channel's messages, whoever posted them and whenever.

The world: users, the owner, `other_bot`, `webhook`, and guilds (`Guild`) with roles (`Role`)
and channels (`Channel`). `add_channel`, `add_role`, `give_role` and `take_role` change a guild
and tell a connected bot (CHANNEL_CREATE, GUILD_ROLE_CREATE, GUILD_MEMBER_UPDATE); the next
GUILD_CREATE has them too. Member permissions are computed as Discord does: @everyone's and those
of the member's roles, every one with ADMINISTRATOR, every one for the owner. Channel permission
overwrites are not modelled: a member has the same permissions in every channel.

Options: user, role, channel and mentionable values are objects, ids or names ('@player2', '@GM',
'#gm-only'); they arrive with `data.resolved` (users and members with permissions, roles, channels
with the invoker's permissions) and the option's `channel_types` are enforced. `click` and
`select` work on any message with components: an answer, a follow-up, a message the bot posted
with REST in any channel or DM, also one posted before the bot restarted; a DM only by its
recipient; the default user is the one who sees a DM or an ephemeral message.
`send_message(bot=True)` posts as another bot, `webhook=True` as a webhook; `edit_message`
sends MESSAGE_UPDATE. Without the MESSAGE_CONTENT intent (see `shard_intents`), content, embeds,
attachments and components are blank in both, unless the bot is mentioned or the message is a
DM.

Message creates honour `nonce` with `enforce_nonce`: the same nonce from the bot within
`nonce_window` seconds (default 300) returns the first message instead of creating another.

Files: an attachment option takes an `Upload` (name, bytes, content type); the interaction
carries its id and `data.resolved.attachments`. Files the bot uploads are `StoredMessage.files`.
Both are served at their attachment `url` on the emulator (GET, 404 when unknown), recorded in
`downloads`; `file(id)` finds one. Bot files over 10 MiB are refused with 413, as Discord does.

Protocol numbers and payload shapes are in `nazh.loopback.protocol` (the emulator's own, not the
library's), validated readers in `nazh.loopback.wire`. Driver arguments left out are `UNDEFINED`.

Faults: `disconnect()`, `send_reconnect()`, `send_invalid_session(resumable)`,
`close_gateway(code)`, `refuse_privileged_intents = True` (close 4014),
`fail_next(method, route_pattern, status=429, retry_after=0.2, count=1, after=False)`; with
after=True the request is carried out first and then answered `status` (a callback is then
acknowledged, so a retry gets 40060; a message is created, so only a nonce keeps a retry from
posting it twice).
State: `connected_shards`, `session_ids`, `identify_count`, `resume_count`, `identifies`,
`intents`, `shard_intents`, `gateway_connections`, `requests`, `unknown_requests`, `commands`,
`subscribe()`.

Shards: `LoopbackDiscord(shards=N)` puts a guild on shard `(guild_id >> 22) % N` (DMs on shard
0); its events go to that shard's newest session. IDENTIFY is rate limited as Discord does:
shards are in buckets `shard_id % max_concurrency` (default: all shards at once), and an IDENTIFY
less than `identify_window` seconds (default 5, 0 turns it off) after the last accepted one of
its bucket gets INVALID_SESSION (op 9, d=false) and no session; hikari backs off and identifies
again. GET /gateway/bot reports `max_concurrency` and `remaining` (1000 less accepted IDENTIFYs).
Recorded: `accepted_identifies` and `refused_identifies` ((shard, time.monotonic())),
`double_sessions` (an IDENTIFY accepted while another session of the shard was still live),
`shard_history` (`ShardTransition`s: a shard coming up or going down) and
`longest_gaps(since, until)` (per shard, the longest time without a connected session).
`wait_shards({0, 2})` waits for some shards, `wait_ready()` for all.

Request bodies are validated against Discord's OpenAPI spec ($NAZH_DISCORD_OPENAPI, else
../shared/discord-api/openapi.json next to the repository; `openapi_loaded` tells) plus limits
the spec omits; problems land in `violations` and, like Discord, are answered 400.
"""

from __future__ import annotations

from nazh.loopback.emulator import LoopbackDiscord
from nazh.loopback.files import StoredFile, Upload
from nazh.loopback.gateway import PRIVILEGED_INTENTS, ConnectionInfo, ShardTransition
from nazh.loopback.interactions import LoopbackError
from nazh.loopback.messages import Pings, StoredMessage, pings_of
from nazh.loopback.outcome import Outcome, RecordedRequest
from nazh.loopback.protocol import JsonObject, JsonRecord, JsonValue
from nazh.loopback.ratelimits import Fault
from nazh.loopback.state import LiveEvent
from nazh.loopback.undefined import UNDEFINED, UndefinedOr, UndefinedType
from nazh.loopback.world import Channel, Guild, Role, User

__all__ = (
    "PRIVILEGED_INTENTS",
    "UNDEFINED",
    "Channel",
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
    "Role",
    "ShardTransition",
    "StoredFile",
    "StoredMessage",
    "UndefinedOr",
    "UndefinedType",
    "Upload",
    "User",
    "pings_of",
)
