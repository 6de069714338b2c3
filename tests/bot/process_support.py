"""Running the bot as a real ``python -m nazh`` process against the loopback Discord."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from typing import TYPE_CHECKING

import aiohttp
import pytest

if TYPE_CHECKING:
    from collections.abc import AsyncIterator
    from pathlib import Path

    from nazh.loopback import LoopbackDiscord

__all__ = ("bots", "free_port", "start_bot", "wait_ready")


def free_port() -> int:
    """A TCP port of 127.0.0.1 free right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def wait_ready(process: asyncio.subprocess.Process, port: int) -> None:
    """Wait for the bot's `/readyz` to answer 200 (about 30 s at most)."""
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


async def start_bot(
    emu: LoopbackDiscord,
    data_dir: Path,
    bots: list[asyncio.subprocess.Process],
    **extra: str,
) -> asyncio.subprocess.Process:
    """Start ``python -m nazh`` against `emu` with its data in `data_dir` and the settings in
    `extra` (a ``PORT`` there is the health port to use), add it to `bots`, and return once it
    is ready; its stderr is piped."""
    port = int(extra["PORT"]) if "PORT" in extra else free_port()
    env = {
        **os.environ,
        "DISCORD_TOKEN": emu.token,
        "NAZH_DISCORD_API_URL": emu.rest_url,
        "NAZH_GUILD_IDS": ",".join(map(str, emu.guild_ids)),
        "NAZH_HEALTH_HOST": "127.0.0.1",
        "NAZH_DATA_DIR": str(data_dir),
        **extra,
        "PORT": str(port),
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
    await wait_ready(process, port)
    return process
