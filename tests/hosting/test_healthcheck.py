"""``python -m nazh.hosting.healthcheck``, the container's health probe, against a real server."""

from __future__ import annotations

import asyncio
import os
import socket
import sys

import pytest
from aiohttp import web

from nazh.health import HealthServer
from nazh.hosting.healthcheck import check, health_url
from nazh.metrics import Metrics
from tests.hosting.hosting_support import ROOT


@pytest.mark.parametrize(
    ("env", "url"),
    [
        ({}, "http://127.0.0.1:8080/healthz"),
        ({"PORT": "10000", "NAZH_HEALTH_HOST": "0.0.0.0"}, "http://127.0.0.1:10000/healthz"),
        ({"NAZH_HEALTH_HOST": "::"}, "http://[::1]:8080/healthz"),
        ({"NAZH_HEALTH_HOST": "10.1.2.3", "PORT": "9000"}, "http://10.1.2.3:9000/healthz"),
    ],
)
def test_the_probe_asks_the_address_the_bot_listens_on(env: dict[str, str], url: str) -> None:
    assert health_url(env) == url


async def _probe(port: int) -> tuple[int, str]:
    env = {**os.environ, "PORT": str(port), "NAZH_HEALTH_HOST": "0.0.0.0"}
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "nazh.hosting.healthcheck",
        env=env,
        cwd=ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    _, stderr = await asyncio.wait_for(process.communicate(), timeout=60)
    assert process.returncode is not None
    return process.returncode, stderr.decode()


async def test_a_healthy_server_exits_zero() -> None:
    server = HealthServer("127.0.0.1", 0, readiness=lambda: "starting", metrics=Metrics())
    await server.start()
    try:
        code, stderr = await _probe(server.port)
    finally:
        await server.stop()
    assert (code, stderr) == (0, "")


async def test_no_server_exits_one_with_a_reason() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    code, stderr = await _probe(port)
    assert code == 1
    assert stderr.startswith(f"unhealthy: http://127.0.0.1:{port}/healthz did not answer")


@pytest.mark.parametrize(
    ("status", "body", "reason"),
    [
        (500, '{"status": "ok"}', "answered HTTP 500"),
        (200, '{"status": "starting"}', "did not report status ok"),
        (200, "alive", "did not answer with JSON"),
    ],
)
async def test_anything_but_an_ok_status_is_unhealthy(status: int, body: str, reason: str) -> None:
    app = web.Application()

    async def healthz(_: web.Request) -> web.Response:
        return web.Response(status=status, text=body)

    app.router.add_get("/healthz", healthz)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/healthz"
    try:
        problem = await asyncio.to_thread(check, url)
    finally:
        await runner.cleanup()
    assert problem is not None
    assert reason in problem
