"""A cluster member whose PostgreSQL stalls, then refuses: its shards keep running and rolls
keep being answered; each outage is one WARNING and its end one INFO; nothing is restarted."""

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

    def cluster_lines(prefix: str) -> list[str]:
        return [
            r.getMessage()
            for r in caplog.records
            if r.name == "nazh.cluster" and r.getMessage().startswith(prefix)
        ]

    for outage, mode in enumerate(("stall", "refuse"), start=1):
        proxy.set_mode(mode)
        if mode == "refuse":
            proxy.drop()
        # A stall past the 5 s statement timeout: the renewal fails as it would in production.
        await asyncio.sleep(6.5 if mode == "stall" else 2.0)
        assert cluster.held == {0}, mode
        assert app.not_ready() is None, mode
        answer = await emu.slash("roll", {"expression": "1d20"}, max_wait=10)
        assert "1d20 (" in answer.content, (mode, answer)
        proxy.set_mode("pass")
        for _ in range(100):
            if len(cluster_lines("shard leases renewed again after")) == outage:
                break
            await asyncio.sleep(0.1)
        away = cluster_lines("cannot renew shard leases")
        assert len(away) == outage, away
        assert "keeping shard(s) 0 running" in away[-1]
        assert len(cluster_lines("shard leases renewed again after")) == outage

    assert len(emu.accepted_identifies) == identified, "the shard was never restarted"
    assert emu.connected_shards == {0}
    assert not [
        r for r in caplog.records if r.name == "nazh.cluster" and r.levelno > logging.WARNING
    ]
