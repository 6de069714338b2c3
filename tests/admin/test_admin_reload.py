"""Hot reload, load and unload through /admin and !admin, against the emulator."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from admin_support import answer, command_names, probe_source

if TYPE_CHECKING:
    from pathlib import Path

    import pytest

    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord


async def _probe_says(emu: LoopbackDiscord) -> str:
    return (await emu.slash("probe")).content


async def test_reload_runs_the_edited_source_without_duplicates(
    app: NazhApp, emulator: LoopbackDiscord, plugin_dir: Path
) -> None:
    assert await _probe_says(emulator) == "probe v1"
    (plugin_dir / "probe.py").write_text(probe_source("v2"), encoding="utf-8")

    reloaded = await emulator.slash("admin reload", {"plugin": "probe"}, user=emulator.owner)

    reply = answer(reloaded)
    assert reply.ephemeral
    assert reply.content == "Reloaded `probe` and synced the commands."
    assert await _probe_says(emulator) == "probe v2"
    pong = await emulator.send_message("ping probe")
    assert [m.content for m in pong.messages] == ["pong v2"]
    prefixed = await emulator.send_message("!probe")
    assert [m.content for m in prefixed.messages] == ["prefix probe v2"]
    assert app.plugin_manager.loaded == ("admin", "probe")


async def test_reloading_twice_keeps_one_listener(
    app: NazhApp, emulator: LoopbackDiscord, plugin_dir: Path
) -> None:
    for version in ("v2", "v3"):
        (plugin_dir / "probe.py").write_text(probe_source(version), encoding="utf-8")
        await emulator.slash("admin reload", {"plugin": "probe"}, user=emulator.owner)
    pong = await emulator.send_message("ping probe")
    assert [m.content for m in pong.messages] == ["pong v3"]


async def test_a_syntax_error_keeps_the_old_version(
    app: NazhApp, emulator: LoopbackDiscord, plugin_dir: Path
) -> None:
    (plugin_dir / "probe.py").write_text(
        probe_source("v2").replace("VERSION = ", "VERSION = ("), encoding="utf-8"
    )

    reloaded = await emulator.slash("admin reload", {"plugin": "probe"}, user=emulator.owner)

    reply = answer(reloaded)
    assert reply.ephemeral
    assert reply.content.startswith("Could not reload `probe`: plugin 'probe' failed to import: ")
    assert "SyntaxError" in reply.content
    assert reply.content.endswith("The old version keeps running.")
    assert "Traceback" not in reply.content
    assert await _probe_says(emulator) == "probe v1"
    pong = await emulator.send_message("ping probe")
    assert [m.content for m in pong.messages] == ["pong v1"]


async def test_an_error_at_import_keeps_the_old_version_and_logs_the_traceback(
    app: NazhApp, emulator: LoopbackDiscord, plugin_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    broken = probe_source("v2", extra="raise RuntimeError('the dragon ate the plugin')")
    (plugin_dir / "probe.py").write_text(broken, encoding="utf-8")

    with caplog.at_level(logging.ERROR, logger="nazh.extensions"):
        reloaded = await emulator.slash("admin reload", {"plugin": "probe"}, user=emulator.owner)

    assert "RuntimeError: the dragon ate the plugin" in answer(reloaded).content
    tracebacks = [r.exc_info[1] for r in caplog.records if r.exc_info is not None]
    assert [str(error) for error in tracebacks] == ["the dragon ate the plugin"]
    assert await _probe_says(emulator) == "probe v1"


async def test_an_error_while_loading_restores_the_old_features(
    app: NazhApp, emulator: LoopbackDiscord, plugin_dir: Path
) -> None:
    (plugin_dir / "probe.py").write_text(probe_source("v2", prefix_name="admin"), encoding="utf-8")

    reloaded = await emulator.slash("admin reload", {"plugin": "probe"}, user=emulator.owner)

    assert "failed to load: ValueError" in answer(reloaded).content
    assert await _probe_says(emulator) == "probe v1"
    prefixed = await emulator.send_message("!probe")
    assert [m.content for m in prefixed.messages] == ["prefix probe v1"]
    listing = await emulator.send_message("!admin plugins", user=emulator.owner)
    assert "- `probe`: loaded" in listing.content


async def test_unload_and_load_change_the_synced_commands(
    app: NazhApp, emulator: LoopbackDiscord
) -> None:
    unloaded = await emulator.slash("admin unload", {"plugin": "probe"}, user=emulator.owner)

    assert answer(unloaded).content == "Unloaded `probe` and synced the commands."
    assert command_names(emulator.commands) == {"admin"}
    assert (await emulator.send_message("!probe", max_wait=0.5)).messages == []
    assert (await emulator.send_message("ping probe", max_wait=0.5)).messages == []

    loaded = await emulator.slash("admin load", {"plugin": "probe"}, user=emulator.owner)

    assert answer(loaded).content == "Loaded `probe` and synced the commands."
    assert command_names(emulator.commands) == {"admin", "probe"}
    assert await _probe_says(emulator) == "probe v1"


async def test_load_of_a_new_plugin_file(
    app: NazhApp, emulator: LoopbackDiscord, plugin_dir: Path
) -> None:
    source = probe_source("new").replace('name="probe"', 'name="fresh"')
    (plugin_dir / "fresh.py").write_text(source.replace('"probe"', '"fresh"'), encoding="utf-8")

    loaded = await emulator.slash("admin load", {"plugin": "fresh"}, user=emulator.owner)

    assert answer(loaded).content == "Loaded `fresh` and synced the commands."
    assert command_names(emulator.commands) == {"admin", "fresh", "probe"}
    assert (await emulator.slash("fresh")).content == "probe new"


async def test_a_reload_without_changes_sends_no_command_put(
    app: NazhApp, emulator: LoopbackDiscord
) -> None:
    puts_before = len([r for r in emulator.requests if r.method == "PUT"])

    await emulator.slash("admin reload", {"plugin": "probe"}, user=emulator.owner)

    assert len([r for r in emulator.requests if r.method == "PUT"]) == puts_before


async def test_prefix_reload_for_an_owner(
    app: NazhApp, emulator: LoopbackDiscord, plugin_dir: Path
) -> None:
    (plugin_dir / "probe.py").write_text(probe_source("v2"), encoding="utf-8")

    replied = await emulator.send_message("!admin reload probe", user=emulator.owner)

    assert [m.content for m in replied.messages] == ["Reloaded `probe` and synced the commands."]
    assert await _probe_says(emulator) == "probe v2"


async def test_the_admin_plugin_reloads_itself(app: NazhApp, emulator: LoopbackDiscord) -> None:
    reloaded = await emulator.slash("admin reload", {"plugin": "admin"}, user=emulator.owner)

    assert answer(reloaded).content == "Reloaded `admin` and synced the commands."
    listing = await emulator.slash("admin plugins", user=emulator.owner)
    assert "- `admin`: loaded" in listing.content
    prefixed = await emulator.send_message("!admin plugins", user=emulator.owner)
    assert len(prefixed.messages) == 1
