"""The running bot pings its public URL from start-up to shutdown, and /healthz says so."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import aiohttp
import pytest

if TYPE_CHECKING:
    from tests.bot.bot_support import StartApp
    from tests.hosting.hosting_support import PublicURL


async def test_the_app_pings_its_public_url_until_it_stops(
    start_app: StartApp, public_url: PublicURL, caplog: pytest.LogCaptureFixture
) -> None:
    app = await start_app(public_url=public_url.url, self_ping_interval=0.2)
    assert app.health is not None
    await public_url.wait_hits(3)
    async with aiohttp.ClientSession() as http:
        async with http.get(f"http://127.0.0.1:{app.health.port}/healthz") as response:
            health = await response.json()
        async with http.get(f"http://127.0.0.1:{app.health.port}/metrics") as response:
            metrics = await response.text()
    assert health["self_ping"]["url"] == public_url.url + "/"
    assert health["self_ping"]["interval_seconds"] == 0.2
    assert health["self_ping"]["last_success"] is not None
    assert 'nazh_self_pings_total{outcome="ok"}' in metrics
    summary = [
        r.getMessage()
        for r in caplog.records
        if r.name == "nazh" and r.getMessage().startswith("running on ")
    ]
    assert len(summary) == 1
    assert f"self-ping every 0.2 s through {public_url.url}/" in summary[0]
    pinger = app._self_ping
    assert pinger is not None
    session = pinger._session
    assert session is not None
    await app.stop()
    assert session.closed
    assert not pinger.running
    stopped_at = len(public_url.hits)
    await asyncio.sleep(0.6)
    assert len(public_url.hits) == stopped_at
    assert not [
        r for r in caplog.records if r.name == "nazh.selfping" and r.levelno >= logging.WARNING
    ]
    assert app.metrics.registry.get_sample_value(
        "nazh_self_pings_total", {"outcome": "ok"}
    ) == pytest.approx(stopped_at, abs=1)


async def test_no_self_ping_without_a_public_url(start_app: StartApp) -> None:
    app = await start_app()
    assert app.health is not None
    async with (
        aiohttp.ClientSession() as http,
        http.get(f"http://127.0.0.1:{app.health.port}/healthz") as response,
    ):
        assert (await response.json())["self_ping"] is None
