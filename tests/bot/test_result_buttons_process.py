"""Result buttons of real ``python -m nazh`` processes: pressed after the bot restarted, and
pressed on another process sharing one PostgreSQL database (two shards of one bot)."""

from __future__ import annotations

import asyncio
import re
import signal
from typing import TYPE_CHECKING

import asyncpg

from nazh.loopback import LoopbackDiscord
from tests.bot.process_support import bots, start_bot
from tests.storage.storage_support import postgres_server, postgres_url

if TYPE_CHECKING:
    from pathlib import Path

    from nazh.loopback import StoredMessage

__all__ = ("bots", "postgres_server", "postgres_url")

TOTAL = re.compile(r"= `(-?\d+)`")
RESULT_IDS = re.compile(r"nazh:(again|reveal):([A-Za-z0-9_-]+)")
REVEALED = "🔓 Revealed"


def _buttons(message: StoredMessage | None) -> dict[str, str]:
    assert message is not None
    found = (RESULT_IDS.fullmatch(custom_id) for custom_id in message.custom_ids)
    return {match[1]: match[0] for match in found if match is not None}


def _public(emu: LoopbackDiscord, channel_id: int) -> list[StoredMessage]:
    return [
        message
        for message in emu.channel_messages(channel_id)
        if message.author_id == emu.bot_user.id and not message.ephemeral
    ]


async def _stop(process: asyncio.subprocess.Process) -> str:
    """SIGTERM the process; its log, once it exited cleanly."""
    process.send_signal(signal.SIGTERM)
    code = await asyncio.wait_for(process.wait(), timeout=15)
    assert process.stderr is not None
    log = (await process.stderr.read()).decode()
    assert code == 0, log
    assert "Traceback" not in log
    return log


async def test_buttons_work_after_the_bot_restarts(
    emu: LoopbackDiscord, tmp_path: Path, bots: list[asyncio.subprocess.Process]
) -> None:
    first = await start_bot(emu, tmp_path, bots)
    await emu.wait_commands({"roll"}, max_wait=30)
    player = emu.users[0]
    private = await emu.slash("roll", {"expression": "3d6 before the restart", "private": True})
    public = await emu.slash("roll", {"expression": "2d8 also before"}, user=player)
    await _stop(first)

    second = await start_bot(emu, tmp_path, bots)
    await emu.wait_ready(max_wait=30)
    assert private.message is not None
    revealed = await emu.click(private.message, _buttons(private.message)["reveal"])
    shown = revealed.message
    assert shown is not None
    assert not shown.ephemeral
    assert shown.content.startswith(REVEALED)
    assert shown.content.endswith(private.message.content)

    assert public.message is not None
    again = await emu.click(public.message, _buttons(public.message)["again"], user=player)
    assert again.message is not None
    assert again.message.content.startswith(f"<@{player.id}> :game_die:\n**also before:** 2d8 (")
    await _stop(second)


def _guild_on_shard(emu: LoopbackDiscord, shard: int) -> int:
    return next(g for g in emu.guild_ids if (g >> 22) % emu.shard_count == shard)


async def _kept(database_url: str, result_id: str) -> None:
    """Wait until the process that kept a result has written it (its next flush)."""
    connection = await asyncpg.connect(database_url)
    try:
        for _ in range(200):
            found = await connection.fetchval(
                "SELECT id FROM roll_results WHERE id = $1", result_id
            )
            if found is not None:
                return
            await asyncio.sleep(0.05)
    finally:
        await connection.close()
    raise AssertionError(f"result {result_id} was never written")


async def test_another_process_on_the_same_postgresql_answers_the_buttons_and_reveals_once(
    postgres_url: str, tmp_path: Path, bots: list[asyncio.subprocess.Process]
) -> None:
    emu = LoopbackDiscord(guilds=4, shards=2)
    await emu.start()
    try:
        processes = []
        for shard in (0, 1):
            data = tmp_path / f"shard{shard}"
            data.mkdir()
            processes.append(
                await start_bot(
                    emu,
                    data,
                    bots,
                    NAZH_DATABASE_URL=postgres_url,
                    NAZH_SHARD_COUNT="2",
                    NAZH_SHARD_IDS=str(shard),
                )
            )
        await emu.wait_ready(max_wait=30)
        await emu.wait_commands({"roll", "settings"}, max_wait=30)
        guild = _guild_on_shard(emu, 1)
        table = emu.guild(guild).channel_id
        player, game_master = emu.users[0], emu.users[1]
        gm_only = await emu.add_channel(guild, "gm-only")
        gm_role = await emu.add_role(guild, "GM")
        await emu.give_role(game_master, gm_role)
        await emu.slash(
            "settings gm", {"channel": gm_only, "role": gm_role}, user=emu.owner, guild_id=guild
        )

        reply = await emu.send_message("!gmroll 1d20+2 ambush", user=player, guild_id=guild)
        assert [m.content for m in reply.messages] == [f"🎲 <@{player.id}> rolled secretly: ambush"]
        in_dm = emu.dm_messages(player)[-1]
        (to_gm,) = _public(emu, gm_only)
        assert _buttons(in_dm) == _buttons(to_gm)
        await _kept(postgres_url, _buttons(in_dm)["reveal"].rpartition(":")[2])

        by_player, by_gm = await asyncio.gather(
            emu.click(in_dm, _buttons(in_dm)["reveal"], user=player),
            emu.click(to_gm, _buttons(to_gm)["reveal"], user=game_master),
        )
        revealed = [m for m in _public(emu, table) if m.content.startswith(REVEALED)]
        assert len(revealed) == 1
        assert revealed[0].content.split("\n")[2] == in_dm.content.split("\n")[1]
        link = f"https://discord.com/channels/{guild}/{table}/{revealed[0].id}"
        answers = sorted([by_player.content, by_gm.content])
        assert f"Revealed: {link}" in answers
        (other,) = [a for a in answers if a != f"Revealed: {link}"]
        assert other in (
            f"This roll was already revealed: {link}",
            "This roll is being revealed right now.",
        )

        again = await emu.click(in_dm, _buttons(in_dm)["again"], user=player)
        assert again.message is not None
        assert again.message.channel_id == emu.dm_channel_id(player)
        assert f"🔒 secret, also sent to <#{gm_only}>" in again.message.content
        assert "**ambush:** 1d20 (" in again.message.content
        assert len(_public(emu, gm_only)) == 2
        notices = [m.content for m in _public(emu, table) if "rolled secretly" in m.content]
        assert notices == [f"🎲 <@{player.id}> rolled secretly: ambush"] * 2

        for process in processes:
            log = await _stop(process)
            assert "ambush" not in log
    finally:
        await emu.stop()
    assert emu.violations == []
