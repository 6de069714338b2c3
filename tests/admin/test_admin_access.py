"""Who may use /admin and !admin, and which plugin names are accepted."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest
from admin_support import answer, command_names, probe_source

from nazh.commands.admin import REFUSAL
from nazh.extensions import available_plugins

if TYPE_CHECKING:
    from pathlib import Path

    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord


async def test_a_non_owner_is_refused_and_nothing_happens(
    app: NazhApp, emulator: LoopbackDiscord, plugin_dir: Path
) -> None:
    stranger = emulator.users[0]
    (plugin_dir / "probe.py").write_text(probe_source("v2"), encoding="utf-8")

    for name, options in (
        ("admin reload", {"plugin": "probe"}),
        ("admin unload", {"plugin": "probe"}),
        ("admin plugins", {}),
        ("admin sync", {}),
    ):
        refused = await emulator.slash(name, options, user=stranger)
        assert answer(refused).content == REFUSAL
        assert answer(refused).ephemeral
    replied = await emulator.send_message("!admin unload probe", user=stranger)

    assert [m.content for m in replied.messages] == [REFUSAL]
    assert app.plugin_manager.loaded == ("admin", "probe")
    assert command_names(emulator.commands) == {"admin", "probe"}
    assert (await emulator.slash("probe")).content == "probe v1"


async def test_nazh_owner_ids_grant_access(app: NazhApp, emulator: LoopbackDiscord) -> None:
    listing = await emulator.slash("admin plugins", user=emulator.users[1])

    assert listing.content.startswith("**Plugins**")


async def test_admin_is_hidden_from_non_admins_by_default(
    app: NazhApp, emulator: LoopbackDiscord
) -> None:
    command = emulator.command("admin")

    assert int(command["default_member_permissions"]) == 8
    subcommands = {option["name"] for option in command["options"]}
    assert subcommands == {"plugins", "reload", "load", "unload", "sync"}


@pytest.mark.parametrize(
    "name", ["../x", "os", "plugins.roll.x", "roll.x", "PROBE", "sys", "__init__", "a" * 40]
)
async def test_names_outside_the_plugins_package_are_refused(
    app: NazhApp, emulator: LoopbackDiscord, name: str
) -> None:
    before = set(sys.modules)

    loaded = await emulator.slash("admin load", {"plugin": name[:32]}, user=emulator.owner)

    reply = answer(loaded).content
    assert reply.startswith(f"Could not load `{name[:32]}`: there is no plugin named")
    assert app.plugin_manager.loaded == ("admin", "probe")
    assert {m for m in set(sys.modules) - before if "plugins" in m or m in ("os", "sys")} == set()


async def test_prefix_names_are_checked_too(app: NazhApp, emulator: LoopbackDiscord) -> None:
    replied = await emulator.send_message("!admin reload ../roll", user=emulator.owner)

    assert replied.content.startswith("Could not reload `../roll`: there is no plugin named")


async def test_admin_cannot_unload_itself(app: NazhApp, emulator: LoopbackDiscord) -> None:
    refused = await emulator.slash("admin unload", {"plugin": "admin"}, user=emulator.owner)

    assert answer(refused).content.startswith("I can't unload `admin`")
    assert "admin" in app.plugin_manager.loaded
    assert "admin" in command_names(emulator.commands)


async def test_listing_shows_failed_plugins_with_their_error(
    app: NazhApp, emulator: LoopbackDiscord, plugin_dir: Path
) -> None:
    (plugin_dir / "broken.py").write_text("import lightbulb\nloader = (\n", encoding="utf-8")

    failed = await emulator.slash("admin load", {"plugin": "broken"}, user=emulator.owner)
    listing = await emulator.slash("admin plugins", user=emulator.owner)

    assert "SyntaxError" in answer(failed).content
    lines = listing.content.splitlines()
    assert lines[0] == "**Plugins**"
    assert "- `admin`: loaded" in lines
    assert "- `probe`: loaded" in lines
    assert "- `roll`: unloaded" in lines
    broken = next(line for line in lines if line.startswith("- `broken`"))
    assert broken.startswith("- `broken`: failed (SyntaxError: ")


async def test_autocomplete_offers_fitting_plugin_names_to_owners(
    app: NazhApp, emulator: LoopbackDiscord, plugin_dir: Path
) -> None:
    owner = emulator.owner

    reload_all = await emulator.autocomplete(
        "admin reload", {"plugin": ""}, focused="plugin", user=owner
    )
    unload_p = await emulator.autocomplete(
        "admin unload", {"plugin": "p"}, focused="plugin", user=owner
    )
    unload_all = await emulator.autocomplete(
        "admin unload", {"plugin": ""}, focused="plugin", user=owner
    )
    load_all = await emulator.autocomplete(
        "admin load", {"plugin": ""}, focused="plugin", user=owner
    )
    stranger = await emulator.autocomplete(
        "admin reload", {"plugin": ""}, focused="plugin", user=emulator.users[0]
    )

    assert [c["value"] for c in reload_all] == ["admin", "probe"]
    assert [c["value"] for c in unload_p] == ["probe"]
    assert [c["value"] for c in unload_all] == ["probe"]
    unloaded = [name for name in available_plugins() if name not in ("admin", "probe")]
    assert "roll" in unloaded
    assert [c["value"] for c in load_all] == unloaded
    assert stranger == []


async def test_prefix_usage_and_sync(app: NazhApp, emulator: LoopbackDiscord) -> None:
    usage = await emulator.send_message("!admin", user=emulator.owner)
    missing = await emulator.send_message("!admin reload", user=emulator.owner)
    synced = await emulator.send_message("!admin sync", user=emulator.owner)
    slash_synced = await emulator.slash("admin sync", user=emulator.owner)

    assert usage.content.startswith("Usage: `admin plugins`")
    assert missing.content.startswith("Usage: ")
    assert synced.content == "Synced the commands."
    assert answer(slash_synced).content == "Synced the commands."
    assert answer(slash_synced).ephemeral


async def test_a_failed_sync_is_reported_short(app: NazhApp, emulator: LoopbackDiscord) -> None:
    emulator.fail_next("GET", "/applications/{application_id}/commands", status=403)

    synced = await emulator.slash("admin sync", user=emulator.owner)

    reply = answer(synced).content
    assert reply.startswith("The command sync failed: ForbiddenError")
    assert reply.endswith("(details in the log).")
