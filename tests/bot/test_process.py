"""``python -m nazh`` as a real process: it connects, serves, and stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from typing import TYPE_CHECKING

import aiohttp

if TYPE_CHECKING:
    from pathlib import Path

    from nazh.loopback import LoopbackDiscord


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def test_sigterm_shuts_the_process_down_cleanly(emu: LoopbackDiscord, tmp_path: Path) -> None:
    port = _free_port()
    env = {
        **os.environ,
        "DISCORD_TOKEN": emu.token,
        "NAZH_DISCORD_API_URL": emu.rest_url,
        "NAZH_GUILD_IDS": ",".join(map(str, emu.guild_ids)),
        "NAZH_HEALTH_HOST": "127.0.0.1",
        "PORT": str(port),
        "NAZH_DATA_DIR": str(tmp_path),
    }
    process = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "nazh",
        cwd=tmp_path,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    try:
        await emu.wait_ready(max_wait=30)
        await emu.wait_commands({"roll"}, max_wait=30)
        async with aiohttp.ClientSession() as http:
            for _ in range(200):
                try:
                    async with http.get(f"http://127.0.0.1:{port}/readyz") as response:
                        if response.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                await asyncio.sleep(0.05)
            else:
                raise AssertionError("the process never became ready")
        outcome = await emu.slash("roll", {"expression": "3d6"})
        assert "3d6 (" in outcome.content, outcome
        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), timeout=10)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
    assert process.stderr is not None
    stderr = (await process.stderr.read()).decode()
    assert code == 0, stderr
    assert "Traceback" not in stderr
    assert "Nazh stopped" in stderr
    assert emu.token not in stderr
    assert 0 not in emu.connected_shards
