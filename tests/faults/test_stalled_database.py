"""A stalled PostgreSQL (connections open, nothing answered): rolls keep being answered, the
outage is one WARNING, and its end one INFO."""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from sqlalchemy import make_url

from tests.bot.bot_support import emu, start_app

if TYPE_CHECKING:
    import pytest

    from nazh.loopback import LoopbackDiscord
    from tests.bot.bot_support import StartApp
    from tests.faults.dbproxy import DatabaseProxy

__all__ = ("emu", "start_app")


async def test_rolls_are_answered_while_the_database_stalls(
    proxy: DatabaseProxy,
    postgres_url: str,
    emu: LoopbackDiscord,
    start_app: StartApp,
    caplog: pytest.LogCaptureFixture,
) -> None:
    database = make_url(postgres_url).database or "test"
    await start_app(database_url=proxy.url(database))
    first = await emu.slash("roll", {"expression": "1d20"}, user=emu.users[0])
    assert "1d20 (" in first.content

    proxy.set_mode("stall")
    started = time.monotonic()
    answers = [
        await emu.slash("roll", {"expression": "2d6"}, user=user, max_wait=10)
        for user in emu.users[1:4]
    ]
    elapsed = time.monotonic() - started
    assert all("2d6 (" in answer.content for answer in answers), answers
    assert elapsed < 3 * 2.5, elapsed
    warnings = [
        r for r in caplog.records if r.levelno == logging.WARNING and "settings" in r.getMessage()
    ]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]

    proxy.set_mode("pass")
    proxy.drop()

    def recovered() -> bool:
        return any("reading settings works again" in r.getMessage() for r in caplog.records)

    async with asyncio.timeout(15):  # settings are not asked for a few seconds after a failure
        while not recovered():
            answer = await emu.slash("roll", {"expression": "1d4"}, user=emu.owner, max_wait=10)
            assert "1d4 (" in answer.content
            await asyncio.sleep(0.5)
