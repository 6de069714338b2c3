"""/prefix: every member can see it, managers change it, and message commands follow it."""

from __future__ import annotations

import logging
import sqlite3
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord


async def test_managers_change_the_prefix_and_messages_follow(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player, manager = emu.users[0], emu.owner
    shown = await emu.slash("prefix", user=player)
    assert shown.ephemeral
    assert "prefix is `!`" in shown.content

    refused = await emu.slash("prefix", {"value": "?"}, user=player)
    assert "Manage Server" in refused.content
    assert (await emu.send_message("!roll 1d4", user=player)).messages != []

    changed = await emu.slash("prefix", {"value": "?"}, user=manager)
    assert "now `?`" in changed.content
    assert (await emu.send_message("!roll 1d4", user=player, max_wait=0.5)).messages == []
    assert "1d4 (" in (await emu.send_message("?roll 1d4", user=player)).content
    other_guild = emu.guild_ids[1]
    assert "1d4 (" in (await emu.send_message("!roll 1d4", guild_id=other_guild)).content

    reset = await emu.slash("prefix", {"value": "reset"}, user=manager)
    assert "back to `!`" in reset.content
    assert "1d4 (" in (await emu.send_message("!roll 1d4", user=player)).content


async def test_bad_prefixes_are_refused_kindly(emu: LoopbackDiscord, app: NazhApp) -> None:
    for bad in ("a b", "<@", "toolong", "`"):
        outcome = await emu.slash("prefix", {"value": bad}, user=emu.owner)
        assert outcome.content.startswith("That prefix won't work"), bad
    assert "prefix is `!`" in (await emu.slash("prefix")).content


async def test_mentions_still_work_while_the_prefix_cannot_be_read(
    emu: LoopbackDiscord, app: NazhApp, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with sqlite3.connect(tmp_path / "nazh.sqlite3") as db:
        db.execute("ALTER TABLE guild_settings RENAME TO guild_settings_away")
    mention = await emu.send_message(f"<@{emu.bot_user.id}> roll 1d6", mentions=[emu.bot_user])
    assert "1d6 (" in mention.content
    assert any("prefix" in r.getMessage() for r in caplog.records if r.levelno == logging.WARNING)
    with sqlite3.connect(tmp_path / "nazh.sqlite3") as db:
        db.execute("ALTER TABLE guild_settings_away RENAME TO guild_settings")
    assert "1d4 (" in (await emu.send_message("!roll 1d4")).content
