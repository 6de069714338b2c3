"""Sharding as Discord does it: identify buckets and their window, session starts, availability
history and its gaps, double sessions, cut connections, and per-shard delivery."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import sys
import time
from typing import TYPE_CHECKING

import aiohttp
import hikari
import pytest

from nazh.loopback import LoopbackDiscord, ShardTransition
from nazh.loopback.protocol import GatewayOpcode, Intents

if TYPE_CHECKING:
    from collections.abc import AsyncIterator

    from nazh.loopback import JsonObject

_REFUSED: JsonObject = {"op": GatewayOpcode.INVALID_SESSION, "d": False, "s": None, "t": None}
_HOLD_A_SHARD = """
import asyncio, sys
import aiohttp

async def main() -> None:
    url, token = sys.argv[1], sys.argv[2]
    async with aiohttp.ClientSession() as http, http.ws_connect(url) as ws:
        await ws.receive_json()
        identify = {"token": token, "intents": 1, "shard": [0, 1], "properties": {}}
        await ws.send_json({"op": 2, "d": identify})
        await ws.receive_json()
        print("identified", flush=True)
        await asyncio.Event().wait()

asyncio.run(main())
"""


@contextlib.asynccontextmanager
async def _gateway(emu: LoopbackDiscord) -> AsyncIterator[aiohttp.ClientWebSocketResponse]:
    """A raw plain-JSON gateway connection, HELLO already read."""
    async with aiohttp.ClientSession() as http, http.ws_connect(f"{emu.gateway_url}?v=10") as ws:
        hello = await ws.receive_json(timeout=5)
        assert hello["op"] == GatewayOpcode.HELLO
        yield ws


async def _identify(ws: aiohttp.ClientWebSocketResponse, emu: LoopbackDiscord, shard: int) -> str:
    """IDENTIFY as `shard`; return what answered: 'READY' (its GUILD_CREATEs read too) or
    'refused' (op 9, d=false)."""
    identify = {
        "token": emu.token,
        "intents": int(Intents.GUILDS),
        "shard": [shard, emu.shard_count],
        "properties": {"os": "linux", "browser": "raw", "device": "raw"},
    }
    await ws.send_json({"op": GatewayOpcode.IDENTIFY, "d": identify})
    answer = await ws.receive_json(timeout=5)
    if answer == _REFUSED:
        return "refused"
    assert (answer["op"], answer["t"]) == (GatewayOpcode.DISPATCH, "READY")
    for _ in answer["d"]["guilds"]:
        assert (await ws.receive_json(timeout=5))["t"] == "GUILD_CREATE"
    return "READY"


async def _next_is_heartbeat_ack(ws: aiohttp.ClientWebSocketResponse) -> bool:
    """Heartbeat, then read the next frame: True when nothing was sent before the ACK."""
    await ws.send_json({"op": GatewayOpcode.HEARTBEAT, "d": None})
    return (await ws.receive_json(timeout=5))["op"] == GatewayOpcode.HEARTBEAT_ACK


async def _start_limit(emu: LoopbackDiscord) -> JsonObject:
    """GET /gateway/bot's session_start_limit, after checking the rest of the answer."""
    headers = {"Authorization": f"Bot {emu.token}"}
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"{emu.rest_url}/gateway/bot", headers=headers) as response,
    ):
        assert response.status == 200
        body = await response.json()
    assert (body["url"], body["shards"]) == (emu.gateway_url, emu.shard_count)
    return body["session_start_limit"]


async def test_gateway_bot_reports_max_concurrency_and_session_starts_left() -> None:
    async with LoopbackDiscord(shards=4, max_concurrency=2) as emu:
        before = await _start_limit(emu)
        async with _gateway(emu) as first, _gateway(emu) as second, _gateway(emu) as third:
            assert await _identify(first, emu, 0) == "READY"
            assert await _identify(second, emu, 1) == "READY"
            assert await _identify(third, emu, 2) == "refused"
            after = await _start_limit(emu)
    async with LoopbackDiscord(shards=3) as default:
        by_default = await _start_limit(default)

    day = 86_400_000
    assert before == {"total": 1000, "remaining": 1000, "reset_after": day, "max_concurrency": 2}
    assert after == {"total": 1000, "remaining": 998, "reset_after": day, "max_concurrency": 2}
    assert by_default == {
        "total": 1000,
        "remaining": 1000,
        "reset_after": day,
        "max_concurrency": 3,
    }
    assert (emu.max_concurrency, default.max_concurrency) == (2, 3)


async def test_a_second_identify_in_a_bucket_within_the_window_is_refused() -> None:
    async with (
        LoopbackDiscord(guilds=2, shards=2, max_concurrency=1) as emu,
        _gateway(emu) as first,
        _gateway(emu) as second,
    ):
        assert await _identify(first, emu, 0) == "READY"
        asked = time.monotonic()
        answer = await _identify(second, emu, 1)
        quiet = await _next_is_heartbeat_ack(second)
        sessions, connected = emu.session_ids, emu.connected_shards

    assert answer == "refused"
    assert quiet
    assert [shard for shard, _ in emu.refused_identifies] == [1]
    assert asked <= emu.refused_identifies[0][1] <= time.monotonic()
    assert [shard for shard, _ in emu.accepted_identifies] == [0]
    assert (list(sessions), connected, emu.identify_count) == ([0], {0}, 1)
    assert emu.dispatched(1) == []


async def test_identifies_in_different_buckets_are_accepted_together() -> None:
    async with (
        LoopbackDiscord(shards=2, max_concurrency=2) as emu,
        _gateway(emu) as first,
        _gateway(emu) as second,
    ):
        answers = await asyncio.gather(_identify(first, emu, 0), _identify(second, emu, 1))
        await emu.wait_ready()

    assert answers == ["READY", "READY"]
    assert emu.refused_identifies == []
    assert sorted(shard for shard, _ in emu.accepted_identifies) == [0, 1]


async def test_the_same_bucket_is_accepted_again_after_the_window() -> None:
    async with (
        LoopbackDiscord(shards=2, max_concurrency=1, identify_window=0.5) as emu,
        _gateway(emu) as first,
        _gateway(emu) as early,
    ):
        assert await _identify(first, emu, 0) == "READY"
        assert await _identify(early, emu, 1) == "refused"
        opened = emu.accepted_identifies[0][1]
        await asyncio.sleep(opened + 0.55 - time.monotonic())  # the loop may wake a hair early
        async with _gateway(emu) as late:
            answer = await _identify(late, emu, 1)

    assert answer == "READY"
    assert [shard for shard, _ in emu.accepted_identifies] == [0, 1]
    assert emu.accepted_identifies[1][1] - opened >= 0.5
    assert len(emu.refused_identifies) == 1


async def test_identify_window_zero_turns_the_limit_off() -> None:
    async with (
        LoopbackDiscord(shards=2, max_concurrency=1, identify_window=0) as emu,
        _gateway(emu) as first,
        _gateway(emu) as second,
    ):
        answers = [await _identify(first, emu, 0), await _identify(second, emu, 1)]

    assert answers == ["READY", "READY"]
    assert (emu.refused_identifies, emu.identify_count) == ([], 2)


def test_limits_are_checked() -> None:
    with pytest.raises(ValueError, match="max_concurrency"):
        LoopbackDiscord(max_concurrency=0)
    with pytest.raises(ValueError, match="identify_window"):
        LoopbackDiscord(identify_window=-1)


async def test_hikari_backs_off_after_a_refused_identify_and_comes_up(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.WARNING)
    async with LoopbackDiscord(identify_window=1.5) as emu:
        async with _gateway(emu) as earlier:
            assert await _identify(earlier, emu, 0) == "READY"
        bot = hikari.GatewayBot(
            emu.token, rest_url=emu.rest_url, intents=hikari.Intents.GUILDS, banner=None, logs=None
        )
        await bot.start(check_for_updates=False)
        try:
            await emu.wait_ready()
            up = bot.shards[0].is_connected
        finally:
            await bot.close()

    accepted = [at for _, at in emu.accepted_identifies]
    assert up
    assert {shard for shard, _ in emu.refused_identifies} == {0}
    assert all(at - accepted[0] < 1.5 for _, at in emu.refused_identifies)
    assert len(accepted) == 2
    assert accepted[1] - accepted[0] >= 1.5
    assert emu.double_sessions == []
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []


async def test_history_and_longest_gaps_follow_connects_and_disconnects() -> None:
    async with LoopbackDiscord(shards=3, identify_window=0) as emu:
        since = time.monotonic()
        async with _gateway(emu) as zero:
            assert await _identify(zero, emu, 0) == "READY"
            await emu.wait_shards({0})
            first_zero = emu.session_ids[0]
            async with _gateway(emu) as one:
                assert await _identify(one, emu, 1) == "READY"
                await emu.wait_shards({0, 1})
                await emu.disconnect(0)
                async with _gateway(emu) as again:
                    assert await _identify(again, emu, 0) == "READY"
                    await emu.wait_shards({0})
                    second_zero, first_one = emu.session_ids[0], emu.session_ids[1]
                    await one.close()
                    await emu.wait_shards({1}, connected=False)
                    until = time.monotonic()
                    history = list(emu.shard_history)
                    whole = emu.longest_gaps(since, until)
                    up_zero, down_zero, up_again = history[0].at, history[2].at, history[3].at
                    middle = (down_zero + up_again) / 2
                    from_middle = emu.longest_gaps(middle, until)
                    before_one_left = emu.longest_gaps(middle, history[4].at)
                    since_start = emu.longest_gaps()

    assert [(t.shard_id, t.connected, t.session_id) for t in history] == [
        (0, True, first_zero),
        (1, True, first_one),
        (0, False, first_zero),
        (0, True, second_zero),
        (1, False, first_one),
    ]
    assert all(isinstance(t, ShardTransition) for t in history)
    assert [t.at for t in history] == sorted(t.at for t in history)
    assert whole == pytest.approx(
        {
            0: max(up_zero - since, up_again - down_zero),
            1: max(history[1].at - since, until - history[4].at),
            2: until - since,
        }
    )
    assert from_middle == pytest.approx(
        {0: up_again - middle, 1: until - history[4].at, 2: until - middle}
    )
    assert before_one_left == pytest.approx(
        {0: up_again - middle, 1: 0.0, 2: history[4].at - middle}
    )
    assert since_start[2] >= until - since
    assert emu.double_sessions == []
    last = emu.shard_history[-1]
    assert (last.shard_id, last.connected, last.session_id) == (0, False, second_zero)


async def test_a_second_live_session_on_a_shard_is_recorded_and_gets_the_events() -> None:
    async with (
        LoopbackDiscord(guilds=1, identify_window=0) as emu,
        _gateway(emu) as old,
        _gateway(emu) as new,
    ):
        assert await _identify(old, emu, 0) == "READY"
        await emu.wait_shards({0})
        asked = time.monotonic()
        assert await _identify(new, emu, 0) == "READY"
        await emu.wait_shards({0})
        await emu.add_channel(emu.guild_id, "news")
        created = await new.receive_json(timeout=5)
        old_quiet = await _next_is_heartbeat_ack(old)
        history = [(t.shard_id, t.connected) for t in emu.shard_history]

    assert [shard for shard, _ in emu.double_sessions] == [0]
    assert asked <= emu.double_sessions[0][1] <= time.monotonic()
    assert (created["t"], created["d"]["name"]) == ("CHANNEL_CREATE", "news")
    assert old_quiet
    assert history == [(0, True)]


async def test_a_killed_client_is_seen_disconnected_at_once() -> None:
    async with LoopbackDiscord(identify_window=0) as emu:
        client = await asyncio.create_subprocess_exec(
            sys.executable,
            "-c",
            _HOLD_A_SHARD,
            f"{emu.gateway_url}?v=10",
            emu.token,
            stdout=asyncio.subprocess.PIPE,
        )
        try:
            assert client.stdout is not None
            line = await asyncio.wait_for(client.stdout.readline(), 10)
            await emu.wait_shards({0})
        finally:
            client.kill()
            await client.wait()
        killed = time.monotonic()
        await emu.wait_shards({0}, max_wait=2.0, connected=False)
        last = emu.shard_history[-1]

    assert line == b"identified\n"
    assert (last.shard_id, last.connected) == (0, False)
    assert last.at - killed < 1.0


async def test_interactions_arrive_on_the_shard_of_their_guild() -> None:
    async with LoopbackDiscord(guilds=4, shards=2) as emu:
        on_shard = {(g >> 22) % 2: g for g in emu.guild_ids}
        bot = hikari.GatewayBot(
            emu.token, rest_url=emu.rest_url, intents=hikari.Intents.GUILDS, banner=None, logs=None
        )

        async def answer(event: hikari.InteractionCreateEvent) -> None:
            interaction = event.interaction
            assert isinstance(interaction, hikari.CommandInteraction)
            await interaction.create_initial_response(
                hikari.ResponseType.MESSAGE_CREATE, f"shard {event.shard.id}"
            )

        bot.subscribe(hikari.InteractionCreateEvent, answer)
        await bot.start(check_for_updates=False)
        try:
            await emu.wait_ready()
            where = bot.rest.slash_command_builder("where", "Which shard answers")
            await bot.rest.set_application_commands(emu.application_id, [where])
            await emu.wait_commands({"where"})
            on_one = await emu.slash("where", guild_id=on_shard[1])
            on_zero = await emu.slash("where", guild_id=on_shard[0])
            in_dm = await emu.slash("where", dm=True)
            sent = {
                shard: [
                    e["d"]["guild_id"]
                    for e in emu.dispatched(shard)
                    if e["t"] == "INTERACTION_CREATE" and "guild_id" in e["d"]
                ]
                for shard in (0, 1)
            }
        finally:
            await bot.close()

    assert sorted(on_shard) == [0, 1]
    assert (on_one.content, on_zero.content, in_dm.content) == ("shard 1", "shard 0", "shard 0")
    assert sent == {0: [str(on_shard[0])], 1: [str(on_shard[1])]}
    assert emu.refused_identifies == []
