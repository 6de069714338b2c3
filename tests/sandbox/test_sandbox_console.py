"""The console in-process: scripted input, a real bot, components, a modal and edits."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

import pytest
from sandbox_support import strip_ansi

from nazh.sandbox.console import Console, LoopThread
from nazh.sandbox.session import Sandbox

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path


@pytest.fixture
def running(sandbox_plugins: Path, tmp_path: Path) -> Iterator[tuple[Sandbox, LoopThread]]:
    runner = LoopThread()
    runner.start()
    sandbox = Sandbox(tmp_path / "data", plugins=("admin", "roll", "widgets"), validate=True)
    runner.call(sandbox.start())
    yield sandbox, runner
    runner.call(sandbox.stop())
    runner.stop()
    assert sandbox.emulator.violations == []


def _transcript(
    sandbox: Sandbox, runner: LoopThread, script: str, *, color: bool = False
) -> list[str]:
    out = io.StringIO()
    console = Console(
        sandbox, runner, color=color, source=io.StringIO(script), out=out, interactive=False
    )
    console.run()
    return out.getvalue().splitlines()


def _after(lines: list[str], typed: str) -> list[str]:
    """The lines printed after the prompt line with ``typed`` up to the next prompt."""
    start = lines.index(f"#general › {typed}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("#general › ")), None)
    return lines[start : end if end is not None else len(lines)]


def test_components_are_numbered_clicked_selected_and_edits_shown(
    running: tuple[Sandbox, LoopThread],
) -> None:
    sandbox, runner = running
    script = "/widgets\nclick 1\nselect 4\nselect 4 d8\nclick 3\nclick 9\nclick 4\nquit\n"

    lines = _transcript(sandbox, runner, script)

    assert _after(lines, "/widgets") == [
        "Nazh",
        "  Pick one",
        "  ▌ Widgets",
        "  ▌ A test panel",
        "  ▌ Die: d20",
        "  ▌ made for tests",
        "  [1] Roll  [2] Form  [3] Off (disabled)",
        "  [4] d20 ▾",
    ]
    assert _after(lines, "click 1")[:2] == ["Nazh (edited)", "  Rolled a 4"]
    assert _after(lines, "click 1")[-2:] == [
        "  [1] Roll  [2] Form  [3] Off (disabled)",
        "  [4] d20 ▾",
    ]
    assert _after(lines, "select 4") == [
        "Options:",
        "  d4 - 4 sides",
        "  d8 - 8 sides",
        "  d20 - 20 sides",
    ]
    assert _after(lines, "select 4 d8")[:2] == ["Nazh (edited)", "  Die: d8"]
    assert _after(lines, "click 3") == ["error: component 'w:off' is disabled"]
    assert _after(lines, "click 9") == ["error: there is no component 9 (1 to 4)"]
    assert _after(lines, "click 4") == ["error: 4 is a menu: select 4 VALUE"]
    assert lines[-1] == "Bye."


def test_a_modal_asks_for_its_fields_in_turn(running: tuple[Sandbox, LoopThread]) -> None:
    sandbox, runner = running

    lines = _transcript(sandbox, runner, "/widgets\nclick 2\nAragorn\n\nquit\n")

    assert _after(lines, "click 2") == [
        "▣ Character",
        "  Name: Aragorn",
        "  Level (optional, default 1): ",
        "Nazh (only you can see this)",
        "  Created Aragorn at level 1",
    ]


def test_slash_forms_prefix_and_errors(running: tuple[Sandbox, LoopThread]) -> None:
    sandbox, runner = running
    script = (
        "/roll expression:2d6+3 fire private:true\n"
        "/roll 1d20 sneak\n"
        "!r 3d6\n"
        "/roll 1d\n"
        "/roll private:maybe\n"
        "/admin\n"
        "/admin reload roll\n"
        "/nope\n"
        "click\n"
        "just chatting\n"
        "quit\n"
    )

    lines = _transcript(sandbox, runner, script)

    private = _after(lines, "/roll expression:2d6+3 fire private:true")
    assert private[0] == "Nazh (only you can see this)"
    assert private[1] == "  @The Owner 🎲"
    assert private[2].startswith("  fire: 2d6 (")
    assert _after(lines, "/roll 1d20 sneak")[0] == "Nazh"
    assert _after(lines, "/roll 1d20 sneak")[2].startswith("  sneak: 1d20 (")
    assert _after(lines, "!r 3d6")[2].startswith("  3d6 (")
    assert _after(lines, "/roll 1d")[:2] == [
        "Nazh (only you can see this)",
        "  I couldn't roll that: unexpected end of input at column 3, expected the number "
        "of sides, like d20",
    ]
    assert _after(lines, "/roll private:maybe") == [
        "error: option private takes true or false, not 'maybe'"
    ]
    assert _after(lines, "/admin") == [
        "error: /admin needs one of: plugins | reload | load | unload | sync"
    ]
    assert _after(lines, "/admin reload roll") == [
        "Nazh is thinking…",
        "Nazh (only you can see this)",
        "  Reloaded roll and synced the commands.",
    ]
    assert _after(lines, "/nope") == [
        "error: there is no command /nope; the bot has /admin, /roll, /where, /widgets"
    ]
    assert _after(lines, "click") == ["error: usage: click N (the number shown next to a button)"]
    assert _after(lines, "just chatting") == []


def test_options_by_name_and_messages_in_other_channels_and_dms(
    running: tuple[Sandbox, LoopThread],
) -> None:
    sandbox, runner = running
    script = (
        "/where channel:#dice-rolls role:@Adventurers\n"
        "/where channel:#nowhere\n"
        "/where channel:@dice-rolls\n"
        "quit\n"
    )

    lines = _transcript(sandbox, runner, script)

    assert _after(lines, "/where channel:#dice-rolls role:@Adventurers") == [
        "→ in #dice-rolls",
        "Nazh",
        "  For @Adventurers",
        "→ in your DMs",
        "Nazh",
        "  Sent to #dice-rolls",
        "Nazh",
        "  Posted in #dice-rolls",
    ]
    assert _after(lines, "/where channel:#nowhere") == [
        "error: Loopback Guild 1 has no channel #nowhere"
    ]
    assert _after(lines, "/where channel:@dice-rolls") == [
        "error: option channel takes #name, an id or <#id>, not '@dice-rolls'"
    ]
    second = sandbox.emulator.guilds[0].second_channel_id
    assert [m.content for m in sandbox.emulator.channel_messages(second)] == [
        f"For <@&{sandbox.emulator.guilds[0].member_role_id}>"
    ]


def test_colour_marks_styles(running: tuple[Sandbox, LoopThread]) -> None:
    sandbox, runner = running

    lines = _transcript(sandbox, runner, "/roll 4d6kh3\nquit\n", color=True)

    text = "\n".join(lines)
    assert "\x1b[9m" in text
    assert "\x1b[1;36m" in text
    plain = [strip_ansi(line) for line in lines]
    assert any(line.startswith("  4d6kh3 (") for line in plain)


def test_an_unexpected_failure_is_reported_and_the_console_carries_on(
    running: tuple[Sandbox, LoopThread], monkeypatch: pytest.MonkeyPatch
) -> None:
    sandbox, runner = running

    async def broken_say(_: Sandbox, text: str) -> None:
        raise RuntimeError(f"emulator lost {text!r}")

    monkeypatch.setattr(Sandbox, "say", broken_say)
    lines = _transcript(sandbox, runner, "!roll 1d20\n/roll 1d4\nquit\n")

    assert _after(lines, "!roll 1d20") == [
        "error: that failed unexpectedly (RuntimeError: emulator lost '!roll 1d20'); carrying on"
    ]
    assert _after(lines, "/roll 1d4")[2].startswith("  1d4 (")
    assert lines[-1] == "Bye."


def test_slash_help_reaches_the_bot_and_at_nazh_is_a_mention(tmp_path: Path) -> None:
    runner = LoopThread()
    runner.start()
    sandbox = Sandbox(tmp_path / "data", plugins=("help", "roll"))
    runner.call(sandbox.start())
    try:
        lines = _transcript(sandbox, runner, "/help notation\n@Nazh roll 1d4\n@nazh\nquit\n")
    finally:
        runner.call(sandbox.stop())
        runner.stop()

    assert _after(lines, "/help notation")[:2] == [
        "Nazh (only you can see this)",
        "  ▌ Nazh: dice notation",
    ]
    assert _after(lines, "@Nazh roll 1d4")[2].startswith("  1d4 (")
    assert _after(lines, "@nazh")[1] == "  ▌ Nazh: commands"
