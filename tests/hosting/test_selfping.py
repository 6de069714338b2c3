"""Self-ping against a local server standing in for the public URL: cadence, counts, logs, stop."""

from __future__ import annotations

import asyncio
import datetime
import itertools
import logging
import random
import socket
from typing import TYPE_CHECKING

import aiohttp
import pytest

from nazh.config import Settings
from nazh.health import HealthServer
from nazh.hosting.selfping import JITTER, RETRY_AFTER_FAILURE, SelfPinger
from nazh.metrics import Metrics

if TYPE_CHECKING:
    from tests.hosting.hosting_support import PublicURL

INTERVAL = 0.2
TOKEN = "MTIzNDU2Nzg5MDEyMzQ1Njc4.GabcDE.abcdefghijklmnopqrstuvwxyz0123456789AB"


def _count(metrics: Metrics, outcome: str) -> float:
    value = metrics.registry.get_sample_value("nazh_self_pings_total", {"outcome": outcome})
    assert value is not None
    return value


def _records(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [
        record.getMessage()
        for record in caplog.records
        if record.name == "nazh.selfping" and record.levelno == level
    ]


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_pings_arrive_every_interval_are_counted_and_stop_on_shutdown(
    public_url: PublicURL, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="nazh.selfping")
    metrics = Metrics()
    settings = Settings(token=TOKEN, public_url=public_url.url, self_ping_interval=INTERVAL)
    pinger = SelfPinger.from_settings(settings, metrics)
    assert pinger is not None
    await pinger.start()
    session = pinger._session
    assert session is not None
    await public_url.wait_hits(5)
    await pinger.stop()
    assert session.closed
    assert not pinger.running
    gaps = [later - earlier for earlier, later in itertools.pairwise(public_url.hits)]
    # Jitter only shortens a wait; asyncio may wake a hair early, hence the small allowance.
    assert min(gaps) >= INTERVAL * (1 - JITTER) - 0.01
    sent = len(public_url.hits)
    assert sent - 1 <= _count(metrics, "ok") <= sent
    assert _count(metrics, "error") == 0
    assert len(_records(caplog, logging.DEBUG)) == _count(metrics, "ok")
    assert _records(caplog, logging.WARNING) == []
    await asyncio.sleep(INTERVAL * 3)
    assert len(public_url.hits) == sent


async def test_a_run_of_failures_is_one_warning_and_recovery_one_info(
    public_url: PublicURL, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="nazh.selfping")
    metrics = Metrics()
    pinger = SelfPinger(public_url.url, INTERVAL, metrics=metrics, rng=random.Random(3))
    public_url.status = 503
    await pinger.start()
    try:
        await public_url.wait_hits(4)
        public_url.status = 200
        await public_url.wait_hits(7)
    finally:
        await pinger.stop()
    assert _count(metrics, "error") >= 4
    assert _count(metrics, "ok") >= 2
    (warning,) = _records(caplog, logging.WARNING)
    assert warning.startswith(f"self-ping of {public_url.url}/ failed (HTTP 503)")
    (recovered,) = _records(caplog, logging.INFO)
    assert recovered.startswith(f"self-ping of {public_url.url}/ works again after ")
    debug = _records(caplog, logging.DEBUG)
    assert len(debug) == _count(metrics, "ok") + _count(metrics, "error")
    assert any("failed: HTTP 503" in line for line in debug)


async def test_an_unreachable_url_fails_with_the_reason_once(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG, logger="nazh.selfping")
    metrics = Metrics()
    pinger = SelfPinger(f"http://127.0.0.1:{_closed_port()}", 3600, metrics=metrics)
    await pinger.start()
    try:
        results = [await pinger.ping() for _ in range(3)]
    finally:
        await pinger.stop()
    assert results == [False, False, False]
    assert pinger.failures == 3
    assert _count(metrics, "error") == 3
    (warning,) = _records(caplog, logging.WARNING)
    assert "ClientConnectorError" in warning
    assert "retrying every 60 s" in warning
    assert pinger.status()["consecutive_failures"] == 3
    assert pinger.status()["last_success"] is None


async def test_status_reports_the_last_successful_ping(public_url: PublicURL) -> None:
    metrics = Metrics()
    pinger = SelfPinger(public_url.url + "/", 3600, metrics=metrics)
    assert pinger.target == public_url.url + "/"
    await pinger.start()
    try:
        before = pinger.status()
        assert before["last_success"] is None
        assert before["last_success_age_seconds"] is None
        now = datetime.datetime.now(datetime.UTC)
        assert await pinger.ping()
        after = pinger.status()
    finally:
        await pinger.stop()
    assert after["url"] == public_url.url + "/"
    assert after["interval_seconds"] == 3600
    assert after["consecutive_failures"] == 0
    moment = datetime.datetime.fromisoformat(str(after["last_success"]))
    assert abs((moment - now).total_seconds()) < 60
    age = after["last_success_age_seconds"]
    assert isinstance(age, float)
    assert 0 <= age < 60
    last = metrics.registry.get_sample_value("nazh_self_ping_last_success_timestamp_seconds")
    assert last == pytest.approx(moment.timestamp(), abs=1)


def test_waits_are_jittered_shorter_never_longer() -> None:
    pinger = SelfPinger("http://example.invalid", 600, metrics=Metrics(), rng=random.Random(11))
    waits = [pinger.next_wait(worked=True) for _ in range(1000)]
    assert all(600 * (1 - JITTER) <= wait <= 600 for wait in waits)
    assert max(waits) - min(waits) > 600 * JITTER / 2
    retries = [pinger.next_wait(worked=False) for _ in range(100)]
    assert all(
        RETRY_AFTER_FAILURE * (1 - JITTER) <= wait <= RETRY_AFTER_FAILURE for wait in retries
    )
    short = SelfPinger("http://example.invalid", 5, metrics=Metrics(), rng=random.Random(11))
    assert short.next_wait(worked=False) <= 5


def test_off_without_a_public_url() -> None:
    assert SelfPinger.from_settings(Settings(token=TOKEN), Metrics()) is None


async def test_stop_without_start_and_twice_is_harmless() -> None:
    pinger = SelfPinger("http://example.invalid", 600, metrics=Metrics())
    await pinger.stop()
    await pinger.start()
    assert pinger.running
    await pinger.stop()
    await pinger.stop()
    assert not pinger.running
    with pytest.raises(RuntimeError, match="start"):
        await pinger.ping()


async def test_healthz_carries_the_self_ping_status(public_url: PublicURL) -> None:
    metrics = Metrics()
    pinger = SelfPinger(public_url.url, 3600, metrics=metrics)
    with_ping = HealthServer(
        "127.0.0.1", 0, readiness=lambda: None, metrics=metrics, self_ping=pinger
    )
    without = HealthServer("127.0.0.1", 0, readiness=lambda: None, metrics=Metrics())
    await with_ping.start()
    await without.start()
    await pinger.start()
    try:
        async with aiohttp.ClientSession() as http:
            async with http.get(f"http://127.0.0.1:{without.port}/healthz") as response:
                assert (await response.json())["self_ping"] is None
            async with http.get(f"http://127.0.0.1:{with_ping.port}/healthz") as response:
                assert (await response.json())["self_ping"]["last_success"] is None
            assert await pinger.ping()
            async with http.get(f"http://127.0.0.1:{with_ping.port}/healthz") as response:
                body = await response.json()
            async with http.get(f"http://127.0.0.1:{with_ping.port}/metrics") as response:
                text = await response.text()
    finally:
        await pinger.stop()
        await with_ping.stop()
        await without.stop()
    assert body["status"] == "ok"
    assert body["self_ping"]["url"] == public_url.url + "/"
    assert body["self_ping"]["last_success"] is not None
    assert body["self_ping"]["last_success_age_seconds"] >= 0
    assert 'nazh_self_pings_total{outcome="ok"} 1.0' in text
    assert 'nazh_self_pings_total{outcome="error"} 0.0' in text
