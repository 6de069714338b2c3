"""Readiness, reconnects and REST faults: the bot keeps answering."""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING

import aiohttp

from nazh.loopback.protocol import Intents

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord
    from tests.bot.bot_support import StartApp


async def _ready_status(app: NazhApp) -> tuple[int, dict[str, str]]:
    assert app.health is not None
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{app.health.port}/readyz") as response,
    ):
        return response.status, await response.json()


async def _wait_ready_status(app: NazhApp, status: int) -> dict[str, str]:
    for _ in range(100):
        code, body = await _ready_status(app)
        if code == status:
            return body
        await asyncio.sleep(0.05)
    raise AssertionError(f"/readyz never answered {status}")


async def _rolls(emu: LoopbackDiscord) -> None:
    outcome = await emu.slash("roll", {"expression": "1d20"})
    assert re.search(r"= `\d+`", outcome.content), outcome


async def test_readiness_drops_when_the_gateway_is_cut_and_returns_on_resume(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    await _wait_ready_status(app, 200)
    resumes = emu.resume_count
    await emu.disconnect()
    body = await _wait_ready_status(app, 503)
    assert "disconnected" in body["reason"]
    await _wait_ready_status(app, 200)
    assert emu.resume_count == resumes + 1
    await _rolls(emu)


async def test_rolls_are_answered_after_reconnect_and_invalid_session(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    emu.identify_window = 0  # hikari identifies again within 5 s of start-up; tested elsewhere
    identifies = emu.identify_count
    await emu.send_reconnect()
    await _wait_ready_status(app, 200)
    await _rolls(emu)
    await emu.send_invalid_session(resumable=False)
    for _ in range(100):
        if emu.identify_count > identifies and 0 in emu.connected_shards:
            break
        await asyncio.sleep(0.05)
    assert emu.identify_count > identifies
    await _wait_ready_status(app, 200)
    await _rolls(emu)


async def test_a_429_on_the_callback_is_retried_and_answered(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    fault = emu.fail_next("POST", "/interactions/*/callback", status=429, retry_after=0.2)
    outcome = await emu.slash("roll", {"expression": "2d6"})
    callbacks = [r for r in outcome.requests if r.path.endswith("/callback")]
    assert [r.status for r in callbacks] == [429, 200]
    assert fault.count == 0
    assert "2d6 (" in outcome.content


async def test_refused_message_content_falls_back_to_slash_only(
    emu: LoopbackDiscord, start_app: StartApp
) -> None:
    emu.refuse_privileged_intents = True
    await start_app()
    intents = emu.intents
    assert intents is not None
    assert not intents & Intents.MESSAGE_CONTENT
    await _rolls(emu)
    mention = await emu.send_message(f"<@{emu.bot_user.id}> roll 1d6", mentions=[emu.bot_user])
    assert "1d6 (" in mention.content


async def test_metrics_count_rolls_by_outcome(emu: LoopbackDiscord, app: NazhApp) -> None:
    await emu.slash("roll", {"expression": "1d20"})
    await emu.slash("roll", {"expression": "1d20q"})
    await emu.send_message("!roll 3d6")
    assert app.health is not None
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{app.health.port}/metrics") as response,
    ):
        text = await response.text()
    assert 'nazh_commands_total{command="roll",outcome="ok",source="slash"} 1.0' in text
    assert 'nazh_commands_total{command="roll",outcome="invalid",source="slash"} 1.0' in text
    assert 'nazh_commands_total{command="roll",outcome="ok",source="prefix"} 1.0' in text
    assert 'nazh_rolls_total{outcome="ok"} 2.0' in text
    assert "nazh_guilds 2.0" in text
    assert 'nazh_shard_connected{shard="0"} 1.0' in text
    assert emu.token not in text
