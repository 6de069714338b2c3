"""/settings notation: managers set the server's dialect, players their own, everyone sees both."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord


async def test_managers_set_the_server_dialect_and_players_their_own(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    player, manager = emu.users[0], emu.owner
    shown = await emu.slash("settings notation", user=player)
    assert shown.ephemeral
    assert "read as **Nazh** notation" in shown.content

    refused = await emu.slash("settings notation", {"dialect": "roll20"}, user=player)
    assert "Manage Server" in refused.content
    changed = await emu.slash("settings notation", {"dialect": "roll20"}, user=manager)
    assert "this server are now read as **Roll20**" in changed.content
    assert "read as **Roll20** notation" in (await emu.slash("settings notation")).content

    mine = await emu.slash("settings notation", {"dialect": "foundry", "scope": "me"}, user=player)
    assert "now read as **Foundry VTT** notation, on every server" in mine.content
    shown = await emu.slash("settings notation", user=player)
    assert "read as **Foundry VTT** notation" in shown.content
    assert "This server's notation: Roll20" in shown.content

    back = await emu.slash("settings notation", {"dialect": "default", "scope": "me"}, user=player)
    assert "follow the server's" in back.content
    assert "read as **Roll20**" in (await emu.slash("settings notation", user=player)).content
    await emu.slash("settings notation", {"dialect": "default"}, user=manager)
    assert "read as **Nazh**" in (await emu.slash("settings notation", user=player)).content


async def test_prefix_settings_change_only_the_players_own(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    server = await emu.send_message("!settings notation avrae")
    assert "/settings notation" in server.content
    assert "read as **Nazh**" in (await emu.send_message("!settings notation")).content
    mine = await emu.send_message("!settings notation dice-maiden me")
    assert "**Dice Maiden** notation" in mine.content
    unknown = await emu.send_message("!settings notation roll21 me")
    assert "roll20" in unknown.content
    assert "Usage" in (await emu.send_message("!settings colour red")).content


async def test_in_dms_the_setting_is_the_players_own(emu: LoopbackDiscord, app: NazhApp) -> None:
    set_in_dm = await emu.send_message("!settings notation avrae", dm=True)
    assert "**Avrae** notation, on every server" in set_in_dm.content
    assert "read as **Avrae**" in (await emu.slash("settings notation")).content
