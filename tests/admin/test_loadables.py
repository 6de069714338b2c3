"""lightbulb's Loadable contract: loading or unloading a feature twice is harmless."""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

import pytest
from admin_support import answer

from nazh.commands.admin import Admin
from nazh.prefix import PrefixCommand

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.invocation import Invocation
    from nazh.loopback import LoopbackDiscord


async def _echo(invocation: Invocation, text: str) -> None:
    await invocation.respond(f"echo {text}")


async def test_a_prefix_command_loaded_twice_answers_once(
    app: NazhApp, emulator: LoopbackDiscord
) -> None:
    command = PrefixCommand("echo", _echo, aliases=("e",))

    await command.load(app.client)
    await command.load(app.client)

    replied = await emulator.send_message("!e hi")
    assert [m.content for m in replied.messages] == ["echo hi"]


async def test_a_prefix_command_unloaded_twice_is_gone(
    app: NazhApp, emulator: LoopbackDiscord
) -> None:
    command = PrefixCommand("echo", _echo)
    await command.load(app.client)

    await command.unload(app.client)
    await command.unload(app.client)

    assert "echo" not in app.router.commands
    assert (await emulator.send_message("!echo hi")).messages == []


async def test_another_command_cannot_take_a_routed_name(app: NazhApp) -> None:
    await PrefixCommand("echo", _echo).load(app.client)

    with pytest.raises(ValueError, match="already registered: echo"):
        await PrefixCommand("echo", _echo).load(app.client)


async def test_the_admin_tools_load_and_unload_twice(
    app: NazhApp, emulator: LoopbackDiscord
) -> None:
    tools = vars(sys.modules["plugins.admin"])["tools"]
    assert isinstance(tools, Admin)

    await tools.load(app.client)
    listed = await emulator.send_message("!admin plugins", user=emulator.owner)
    await tools.unload(app.client)
    await tools.unload(app.client)
    unloaded = await emulator.send_message("!admin plugins", user=emulator.owner)
    await tools.load(app.client)
    again = await emulator.send_message("!admin plugins", user=emulator.owner)

    assert [m.content.partition("\n")[0] for m in listed.messages] == ["**Plugins**"]
    assert unloaded.messages == []
    assert answer(again).content == answer(listed).content
