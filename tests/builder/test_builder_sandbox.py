"""The sandbox console drives the builder: numbered components, select by label, a modal."""

from __future__ import annotations

import io
from typing import TYPE_CHECKING

from nazh.sandbox.console import Console, LoopThread
from nazh.sandbox.session import Sandbox

if TYPE_CHECKING:
    from pathlib import Path


def test_the_console_builds_and_rolls_with_clicks_and_selects(tmp_path: Path) -> None:
    runner = LoopThread()
    runner.start()
    sandbox = Sandbox(tmp_path, plugins=("roll", "builder"), validate=True)
    try:
        runner.call(sandbox.start())
        # Components are numbered in order: [1] die menu, [2-6] count and advantage,
        # [7] keep menu, [8-12] modifiers (+5 is 11) and exploding, [13-17] save, undo, the
        # two rolls and target.
        script = "/build\nselect 1 d20\nclick 4\nselect 1 other\n4\nclick 11\nclick 15\nquit\n"
        out = io.StringIO()
        console = Console(
            sandbox, runner, color=False, source=io.StringIO(script), out=out, interactive=False
        )
        console.run()
        assert sandbox.emulator.violations == []
    finally:
        runner.call(sandbox.stop())
        runner.stop()
    lines = out.getvalue().splitlines()
    shown = [line.strip() for line in lines if line.startswith("  ") and "d20" in line]
    for notation in ("1d20", "2d20kh1", "2d20kh1 + 1d4", "2d20kh1 + 1d4 + 5"):
        assert notation in shown, lines
    assert "▣ Roll a die of any size" in lines
    assert "  [7] Keep some dice ▾" in lines
    rolled = lines[lines.index("#general › click 15") + 1 :]
    assert rolled[0] == "Nazh"
    assert rolled[2].startswith("  2d20kh1 (")
    line = rolled[2].removesuffix(" · critical!").removesuffix(" · fumble!")
    assert line.endswith(tuple(f"= {total}" for total in range(7, 30)))
