"""A real NazhApp against the loopback emulator, with ``plugins`` resolved to a temporary copy."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from admin_support import probe_source

from nazh.app import NazhApp
from nazh.config import Settings
from nazh.loopback import LoopbackDiscord

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator


@pytest.fixture
def plugin_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of the ``plugins`` package plus ``probe.py``, first on sys.path for the test."""
    spec = importlib.util.find_spec("plugins")
    assert spec is not None
    assert spec.submodule_search_locations is not None
    source = Path(next(iter(spec.submodule_search_locations)))
    copy = tmp_path / "pkgs" / "plugins"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "probe.py").write_text(probe_source("v1"), encoding="utf-8")
    saved = {n: m for n, m in sys.modules.items() if n == "plugins" or n.startswith("plugins.")}
    for name in saved:
        del sys.modules[name]
    monkeypatch.syspath_prepend(str(copy.parent))
    yield copy
    for name in [n for n in sys.modules if n == "plugins" or n.startswith("plugins.")]:
        del sys.modules[name]
    sys.modules.update(saved)


@pytest.fixture
async def emulator() -> AsyncIterator[LoopbackDiscord]:
    """A running emulator with one guild."""
    emu = LoopbackDiscord(guilds=1, users=3)
    await emu.start()
    yield emu
    await emu.stop()


def settings_for(emu: LoopbackDiscord, data_dir: Path, *, owner_ids: frozenset[int]) -> Settings:
    """Settings that point the bot at ``emu`` with the health server off."""
    return Settings(
        token=emu.token,
        api_url=emu.rest_url,
        data_dir=data_dir,
        owner_ids=owner_ids,
        log_level="WARNING",
    )


@pytest.fixture
async def app(
    emulator: LoopbackDiscord, plugin_dir: Path, tmp_path: Path
) -> AsyncIterator[NazhApp]:
    """The real bot with the admin and probe plugins; ``users[1]`` is an owner by NAZH_OWNER_IDS."""
    settings = settings_for(emulator, tmp_path, owner_ids=frozenset({emulator.users[1].id}))
    bot = NazhApp(settings, plugins=("admin", "probe"), health=False)
    await bot.start()
    await emulator.wait_ready()
    await emulator.wait_commands({"admin", "probe"})
    yield bot
    await bot.stop()
    assert emulator.violations == []
