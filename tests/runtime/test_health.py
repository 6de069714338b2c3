"""The keep-alive / health server on its own, with a readiness probe the test controls."""

from __future__ import annotations

import asyncio
import logging
import socket

import aiohttp
import pytest

from nazh.health import HealthServer, StartupError
from nazh.metrics import Metrics


async def test_endpoints_answer_and_readiness_follows_the_probe() -> None:
    reason: list[str | None] = ["gateway shard 0 disconnected"]
    metrics = Metrics()
    metrics.watch_gateway(lambda: (0.025, 3, {0: True, 1: False}))
    metrics.commands.labels("roll", "slash", "ok").inc(2)
    server = HealthServer("127.0.0.1", 0, readiness=lambda: reason[0], metrics=metrics)
    await server.start()
    base = f"http://127.0.0.1:{server.port}"
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"{base}/") as response:
                assert response.status == 200
                assert await response.text() == "alive\n"
            async with http.head(f"{base}/") as response:
                assert response.status == 200
            async with http.get(f"{base}/healthz") as response:
                body = await response.json()
                assert response.status == 200
                assert body["status"] == "ok"
            async with http.get(f"{base}/readyz") as response:
                assert response.status == 503
                assert (await response.json())["reason"] == "gateway shard 0 disconnected"
            reason[0] = None
            async with http.get(f"{base}/readyz") as response:
                assert response.status == 200
            async with http.get(f"{base}/metrics") as response:
                text = await response.text()
                assert response.headers["Content-Type"].startswith("text/plain")
            assert 'nazh_commands_total{command="roll",outcome="ok",source="slash"} 2.0' in text
            assert "nazh_gateway_latency_seconds 0.025" in text
            assert 'nazh_shard_connected{shard="1"} 0.0' in text
            assert "nazh_guilds 3.0" in text
            async with http.post(f"{base}/healthz", data=b"x") as response:
                assert response.status == 405
            async with http.get(f"{base}/../../etc/passwd") as response:
                assert response.status == 404
                assert (await response.json()) == {"error": "not found"}
    finally:
        await server.stop()


async def test_a_port_in_use_is_a_clear_startup_error() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        server = HealthServer("127.0.0.1", port, readiness=lambda: None, metrics=Metrics())
        with pytest.raises(StartupError, match=f"port {port} is already in use"):
            await server.start()


@pytest.mark.parametrize(
    "request_bytes",
    [
        b"GARBAGE\r\n\r\n",
        b"GET / HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
        b"GET /\x00 HTTP/1.1\r\n\r\n",
        b"GET / HTTP/1.1\r\nX: " + b"a" * 20_000 + b"\r\n\r\n",
    ],
)
async def test_malformed_requests_get_a_400_and_one_debug_line(
    request_bytes: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    server = HealthServer("127.0.0.1", 0, readiness=lambda: None, metrics=Metrics())
    await server.start()
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", server.port)
        writer.write(request_bytes)
        await writer.drain()
        status_line = await reader.readline()
        writer.close()
        await writer.wait_closed()
        async with (
            aiohttp.ClientSession() as http,
            http.get(f"http://127.0.0.1:{server.port}/") as response,
        ):
            assert response.status == 200
    finally:
        await server.stop()
    assert status_line.split(b" ")[1] == b"400"
    assert not [r for r in caplog.records if r.levelno >= logging.WARNING]
    (line,) = [r.getMessage() for r in caplog.records if r.name == "nazh.health"]
    assert line.startswith("answered a malformed HTTP request with 400: ")
    assert "\n" not in line
