"""Result buttons of real ``python -m nazh`` processes: pressed after the bot restarted, and
pressed on another process sharing one PostgreSQL database (two shards of one bot)."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import sys
from typing import TYPE_CHECKING

import aiohttp
import asyncpg
import pytest

from nazh.loopback import LoopbackDiscord
from tests.storage.storage_support import postgres_server, postgres_url

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from nazh.loopback import StoredMessage

__all__ = ("postgres_server", "postgres_url")

TOTAL = re.compile(r"= `(-?\d+)`")
RESULT_IDS = re.compile(r"nazh:(again|reveal):([A-Za-z0-9_-]+)")
REVEALED = "🔓 Revealed"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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


async def _wait_ready(process: asyncio.subprocess.Process, port: int) -> None:
    async with aiohttp.ClientSession() as http:
        for _ in range(600):
            if process.returncode is not None:
                raise AssertionError(f"the bot exited with {process.returncode}")
            try:
                async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                    if response.status == 200:
                        return
            except aiohttp.ClientConnectionError:
                pass
            await asyncio.sleep(0.05)
    raise AssertionError("the bot never became ready")


@pytest.fixture
async def bots() -> AsyncIterator[list[asyncio.subprocess.Process]]:
    """Bot processes started by the test; any still running at the end are killed."""
    started: list[asyncio.subprocess.Process] = []
    yield started
    for process in started:
        if process.returncode is None:
            process.kill()
            await process.wait()


async def _start_bot(
    emu: LoopbackDiscord,
    data_dir: Path,
    bots: list[asyncio.subprocess.Process],
    **extra: str,
) -> asyncio.subprocess.Process:
    port = _free_port()
    env = {
        **os.environ,
        "DISCORD_TOKEN": emu.token,
        "NAZH_DISCORD_API_URL": emu.rest_url,
        "NAZH_GUILD_IDS": ",".join(map(str, emu.guild_ids)),
        "NAZH_HEALTH_HOST": "127.0.0.1",
        "PORT": str(port),
        "NAZH_DATA_DIR": str(data_dir),
        **extra,
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "nazh",
        cwd=data_dir,
        env=env,
        stdout=asyncio.subprocess.DEVNULL,
        stderr=asyncio.subprocess.PIPE,
    )
    bots.append(process)
    await _wait_ready(process, port)
    return process


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
    first = await _start_bot(emu, tmp_path, bots)
    await emu.wait_commands({"roll"}, max_wait=30)
    player = emu.users[0]
    private = await emu.slash("roll", {"expression": "3d6 before the restart", "private": True})
    public = await emu.slash("roll", {"expression": "2d8 also before"}, user=player)
    await _stop(first)

    second = await _start_bot(emu, tmp_path, bots)
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
                await _start_bot(
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
