"""Gateway and REST faults: resume, reconnect, invalid session, 4014, 429/5xx, 401, 404."""

from __future__ import annotations

import asyncio
import json
import zlib
from typing import TYPE_CHECKING

import aiohttp
import hikari
import pytest

from nazh.loopback import LoopbackDiscord
from nazh.loopback.protocol import GatewayCloseCode, GatewayOpcode, Intents
from nazh.loopback.wire import as_object

if TYPE_CHECKING:
    from collections.abc import Callable

_CALLBACK = "/interactions/{interaction_id}/{interaction_token}/callback"
_MESSAGES = "/channels/{channel_id}/messages"


async def test_event_sent_while_disconnected_is_replayed_after_resume(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    session = emu.session_ids[0]

    await emu.disconnect()
    assert emu.connected_shards == set()
    missed = await emu.slash("echo", {"text": "missed"}, max_wait=15)
    await emu.wait_ready()

    assert missed.content == "missed"
    assert (emu.resume_count, emu.identify_count) == (1, 1)
    assert emu.session_ids[0] == session
    assert len(emu.gateway_connections) == 2
    assert bot.shards[0].is_connected


async def test_reconnect_makes_the_bot_resume(emu: LoopbackDiscord, bot: hikari.GatewayBot) -> None:
    await emu.send_reconnect()
    await emu.wait_ready(max_wait=15)

    answered = await emu.slash("echo", {"text": "back"})

    assert emu.resume_count == 1
    assert answered.content == "back"


async def test_resumable_invalid_session_resumes(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    await emu.send_invalid_session(resumable=True)
    await emu.wait_ready(max_wait=15)

    assert (emu.resume_count, emu.identify_count) == (1, 1)
    assert (await emu.slash("echo", {"text": "ok"})).content == "ok"


async def test_invalid_session_makes_the_bot_identify_again(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    emu.identify_window = 0  # hikari identifies again within 5 s; the limit has its own tests
    first = emu.session_ids[0]

    await emu.send_invalid_session(resumable=False)
    await emu.wait_ready(max_wait=15)

    assert (emu.resume_count, emu.identify_count) == (0, 2)
    assert emu.session_ids[0] != first
    assert (await emu.slash("echo", {"text": "fresh"})).content == "fresh"


async def test_privileged_intents_refused_with_4014(
    emu: LoopbackDiscord, make_bot: Callable[[LoopbackDiscord, hikari.Intents], hikari.GatewayBot]
) -> None:
    emu.refuse_privileged_intents = True
    wanted = hikari.Intents.GUILDS | hikari.Intents.GUILD_MESSAGES | hikari.Intents.MESSAGE_CONTENT
    refused = make_bot(emu, wanted)
    with pytest.raises(hikari.GatewayServerClosedConnectionError) as closed:
        await refused.start(check_for_updates=False)
    await refused.close()

    fallback = make_bot(emu, wanted & ~hikari.Intents.MESSAGE_CONTENT)
    await fallback.start(check_for_updates=False)
    await emu.wait_ready()
    await fallback.close()

    assert closed.value.code == GatewayCloseCode.DISALLOWED_INTENTS
    assert emu.refused_intents == [int(wanted)]
    assert emu.intents == int(wanted & ~hikari.Intents.MESSAGE_CONTENT)


async def test_429_on_the_callback_is_retried_by_hikari(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    fault = emu.fail_next("POST", "/interactions/*/callback", status=429, retry_after=0.2)

    outcome = await emu.slash("echo", {"text": "patience"})

    callbacks = [r for r in outcome.requests if r.route == _CALLBACK]
    assert [r.status for r in callbacks] == [429, 200]
    assert callbacks[1].at - callbacks[0].at >= 0.19  # the loop clock may wake a hair early
    assert outcome.content == "patience"
    assert fault.count == 0


async def test_server_error_is_retried(emu: LoopbackDiscord, bot: hikari.GatewayBot) -> None:
    emu.fail_next("POST", _CALLBACK, status=503)

    outcome = await emu.slash("echo", {"text": "again"})

    assert [r.status for r in outcome.requests] == [503, 200]
    assert outcome.content == "again"


async def test_unknown_route_is_a_discord_404_and_recorded(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    with pytest.raises(hikari.NotFoundError):
        await bot.rest.fetch_guild_preview(emu.guild_id)
    async with aiohttp.ClientSession() as http, http.get(f"{emu.rest_url}/nowhere") as response:
        body = await response.json()

    assert (response.status, body) == (404, {"message": "404: Not Found", "code": 0})
    assert [(r.path, r.status) for r in emu.unknown_requests] == [
        (f"/guilds/{emu.guild_id}/preview", 404),
        ("/nowhere", 404),
    ]


async def test_bot_routes_need_the_token(emu: LoopbackDiscord) -> None:
    url = f"{emu.rest_url}/users/@me"
    async with aiohttp.ClientSession() as http:
        async with http.get(url, headers={"Authorization": "Bot wrong"}) as refused:
            assert refused.status == 401
        async with http.get(url, headers={"Authorization": f"Bot {emu.token}"}) as accepted:
            assert accepted.status == 200
            assert (await accepted.json())["id"] == str(emu.bot_user.id)


async def test_rate_limit_headers_count_down_then_429() -> None:
    async with LoopbackDiscord(rate_limit=(2, 5.0)) as emu, aiohttp.ClientSession() as http:
        url = f"{emu.rest_url}/channels/{emu.channel_id}"
        headers = {"Authorization": f"Bot {emu.token}"}
        answers = []
        for _ in range(3):
            async with http.get(url, headers=headers) as response:
                answers.append((response.status, response.headers, await response.json()))

    assert [status for status, _, _ in answers] == [200, 200, 429]
    assert [h["X-RateLimit-Remaining"] for _, h, _ in answers] == ["1", "0", "0"]
    assert all(h["X-RateLimit-Limit"] == "2" for _, h, _ in answers)
    assert len({h["X-RateLimit-Bucket"] for _, h, _ in answers}) == 1
    limited = answers[2][2]
    assert limited["global"] is False
    assert 0 < limited["retry_after"] <= 5.0


async def test_plain_json_gateway_without_compression(emu: LoopbackDiscord) -> None:
    async with aiohttp.ClientSession() as http, http.ws_connect(f"{emu.gateway_url}?v=10") as ws:
        hello = await ws.receive()
        assert hello.type is aiohttp.WSMsgType.TEXT
        assert json.loads(hello.data)["op"] == GatewayOpcode.HELLO
        await ws.send_str(json.dumps({"op": GatewayOpcode.HEARTBEAT, "d": None}))
        assert json.loads((await ws.receive()).data)["op"] == GatewayOpcode.HEARTBEAT_ACK
        intents = Intents.GUILDS
        identify = {"token": emu.token, "intents": intents, "shard": [0, 1], "properties": {}}
        await ws.send_str(json.dumps({"op": GatewayOpcode.IDENTIFY, "d": identify}))
        events = [json.loads((await ws.receive()).data) for _ in range(3)]

    assert [e["t"] for e in events] == ["READY", "GUILD_CREATE", "GUILD_CREATE"]
    assert [e["s"] for e in events] == [1, 2, 3]
    assert events[0]["d"]["resume_gateway_url"] == emu.gateway_url
    assert [m["user"]["id"] for m in events[1]["d"]["members"]] == [str(emu.bot_user.id)]


async def test_zlib_stream_frames_share_one_inflater(emu: LoopbackDiscord) -> None:
    url = f"{emu.gateway_url}?v=10&encoding=json&compress=zlib-stream"
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
        frames = [await ws.receive()]
        intents = Intents.GUILDS | Intents.GUILD_MEMBERS
        identify = {"token": emu.token, "intents": intents, "shard": [0, 1], "properties": {}}
        await ws.send_str(json.dumps({"op": GatewayOpcode.IDENTIFY, "d": identify}))
        frames += [await ws.receive() for _ in range(3)]
        resume = {"token": emu.token, "session_id": "unknown", "seq": 1}
        await ws.send_str(json.dumps({"op": GatewayOpcode.RESUME, "d": resume}))
        frames.append(await ws.receive())

    assert all(f.type is aiohttp.WSMsgType.BINARY for f in frames)
    assert all(f.data.endswith(b"\x00\x00\xff\xff") for f in frames)
    inflater = zlib.decompressobj()
    payloads = [json.loads(inflater.decompress(f.data)) for f in frames]
    assert [(p["op"], p["t"]) for p in payloads] == [
        (GatewayOpcode.HELLO, None),
        (GatewayOpcode.DISPATCH, "READY"),
        (GatewayOpcode.DISPATCH, "GUILD_CREATE"),
        (GatewayOpcode.DISPATCH, "GUILD_CREATE"),
        (GatewayOpcode.INVALID_SESSION, None),
    ]
    assert payloads[4]["d"] is False
    assert len(payloads[2]["d"]["members"]) == len(emu.world.members)


async def test_interaction_tokens_expire(emu: LoopbackDiscord, bot: hikari.GatewayBot) -> None:
    emu.token_lifetime = 1.0
    outcome = await emu.slash("echo", {"text": "soon stale"})
    url = f"{emu.rest_url}/webhooks/{emu.application_id}/{outcome.token}/messages/@original"
    async with aiohttp.ClientSession() as http:
        async with http.get(url) as fresh:
            assert fresh.status == 200
        await asyncio.sleep(1.05)
        async with http.get(url) as stale:
            assert (stale.status, (await stale.json())["code"]) == (401, 50027)


async def test_callback_failing_after_acting_is_already_acknowledged_on_retry(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    fault = emu.fail_next("POST", _CALLBACK, status=500, after=True)

    outcome = await emu.slash("ack")
    for _ in range(100):  # hikari backs off a second or two before retrying a 5xx
        if outcome.followups:
            break
        await asyncio.sleep(0.05)

    statuses = [r.status for r in outcome.requests]
    assert statuses == [500, 400, 200]
    assert outcome.content == "acknowledged"
    assert [m.content for m in outcome.followups] == ["already acknowledged: 40060"]
    assert fault.count == 0
    assert len(emu.channel_messages(emu.channel_id)) == 2


async def test_a_fault_after_acting_leaves_failing_requests_alone(emu: LoopbackDiscord) -> None:
    fault = emu.fail_next("POST", "/channels/*/messages", status=500, after=True)
    headers = {"Authorization": f"Bot {emu.token}"}
    async with aiohttp.ClientSession() as http:
        url = f"{emu.rest_url}/channels/{emu.channel_id}/messages"
        async with http.post(url, headers=headers, json={"content": "x" * 2001}) as invalid:
            assert invalid.status == 400
        async with http.post(url, headers=headers, json={"content": "kept"}) as acted:
            assert acted.status == 500

    assert fault.count == 0
    assert [m.content for m in emu.channel_messages(emu.channel_id)] == ["kept"]
    assert [v.split(": ", 1)[1] for v in emu.violations] == [
        "content is 2001 characters (max 2000)"
    ]


async def test_a_retried_message_with_a_nonce_is_created_once(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    emu.fail_next("POST", _MESSAGES, status=500, after=True)

    sent = await bot.rest.create_message(emu.channel_id, "once", nonce="roll-1")

    created = emu.channel_messages(emu.channel_id)
    assert [(m.id, m.content, m.nonce) for m in created] == [(sent.id, "once", "roll-1")]
    posts = emu.requests_to("POST", _MESSAGES)
    assert [r.status for r in posts] == [500, 200]
    assert all((as_object(r.json) or {}).get("enforce_nonce") is True for r in posts)
    assert emu.violations == []


async def test_a_retried_message_without_a_nonce_is_created_twice(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    emu.fail_next("POST", _MESSAGES, status=500, after=True)

    sent = await bot.rest.create_message(emu.channel_id, "twice")

    created = emu.channel_messages(emu.channel_id)
    assert [m.content for m in created] == ["twice", "twice"]
    assert sent.id == created[1].id


async def _post(emu: LoopbackDiscord, body: dict[str, object]) -> tuple[int, dict[str, object]]:
    headers = {"Authorization": f"Bot {emu.token}"}
    url = f"{emu.rest_url}/channels/{emu.channel_id}/messages"
    async with aiohttp.ClientSession() as http, http.post(url, headers=headers, json=body) as sent:
        return sent.status, await sent.json()


async def test_enforce_nonce_dedupes_within_the_window_and_only_when_asked(
    emu: LoopbackDiscord,
) -> None:
    first = await _post(emu, {"content": "a", "nonce": 7, "enforce_nonce": True})
    again = await _post(emu, {"content": "b", "nonce": "7", "enforce_nonce": True})
    new_nonce = await _post(emu, {"content": "c", "nonce": "8", "enforce_nonce": True})
    not_enforced = await _post(emu, {"content": "d", "nonce": "8"})
    emu.nonce_window = 0.0
    expired = await _post(emu, {"content": "e", "nonce": 7, "enforce_nonce": True})

    assert [status for status, _ in (first, again, new_nonce, not_enforced, expired)] == [200] * 5
    assert (again[1]["id"], again[1]["content"], again[1]["nonce"]) == (first[1]["id"], "a", 7)
    assert not_enforced[1]["id"] != new_nonce[1]["id"]
    assert expired[1]["id"] != first[1]["id"]
    assert [m.content for m in emu.channel_messages(emu.channel_id)] == ["a", "c", "d", "e"]


@pytest.mark.parametrize("openapi", [None, False])
async def test_a_nonce_is_an_int64_or_at_most_25_characters(openapi: bool | None) -> None:
    async with LoopbackDiscord(openapi=openapi) as emu:
        longest = await _post(emu, {"content": "ok", "nonce": "n" * 25})
        too_long = await _post(emu, {"content": "no", "nonce": "n" * 26})
        fraction = await _post(emu, {"content": "no", "nonce": 1.5})

    assert longest[0] == 200
    assert (too_long[0], too_long[1]["code"]) == (400, 50035)
    assert fraction[0] == 400
    assert len(emu.violations) == 2
    assert all("nonce" in violation for violation in emu.violations)
