"""A cluster member whose PostgreSQL stalls, then refuses: its shards keep running and rolls
keep being answered; the outage is one WARNING and its end one INFO; nothing is restarted."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

from sqlalchemy import make_url

from tests.bot.bot_support import emu, start_app

if TYPE_CHECKING:
    import pytest

    from nazh.loopback import LoopbackDiscord
    from tests.bot.bot_support import StartApp
    from tests.faults.dbproxy import DatabaseProxy

__all__ = ("emu", "start_app")


async def test_a_cluster_member_keeps_its_shard_through_a_database_outage(
    proxy: DatabaseProxy,
    postgres_url: str,
    emu: LoopbackDiscord,
    start_app: StartApp,
    caplog: pytest.LogCaptureFixture,
) -> None:
    database = make_url(postgres_url).database or "test"
    app = await start_app(database_url=proxy.url(database), cluster=True)
    await emu.wait_shards(max_wait=20)
    cluster = app.cluster
    assert cluster is not None
    for _ in range(100):
        if cluster.not_ready() is None and cluster.held == {0}:
            break
        await asyncio.sleep(0.1)
    assert cluster.held == {0}
    identified = len(emu.accepted_identifies)

    for mode in ("stall", "refuse"):
        proxy.set_mode(mode)
        await asyncio.sleep(12.0 if mode == "stall" else 4.0)
        assert cluster.held == {0}, mode
        assert app.not_ready() is None, mode
        answer = await emu.slash("roll", {"expression": "1d20"}, max_wait=10)
        assert "1d20 (" in answer.content, (mode, answer)
    proxy.set_mode("pass")
    for _ in range(100):
        if any("renewed again" in r.getMessage() for r in caplog.records):
            break
        await asyncio.sleep(0.1)

    assert len(emu.accepted_identifies) == identified, "the shard was never restarted"
    assert emu.connected_shards == {0}
    messages = [r.getMessage() for r in caplog.records if r.name == "nazh.cluster"]
    away = [m for m in messages if m.startswith("cannot renew shard leases")]
    assert len(away) == 1, messages
    assert "keeping shard(s) 0 running" in away[0]
    assert any(m.startswith("shard leases renewed again after") for m in messages), messages
    assert not [
        r for r in caplog.records if r.name == "nazh.cluster" and r.levelno > logging.WARNING
    ]
