"""``nazh sandbox`` as a process: piped stdin, and a pseudo-terminal as a person uses it."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import subprocess
import sys
import time
from typing import TYPE_CHECKING

from sandbox_support import strip_ansi

if TYPE_CHECKING:
    from pathlib import Path

_SCRIPT = """\
/roll 4d6kh3 stats
!roll 1d20+5 attack
/roll 4d6k>
/admin plugins
help
quit
"""


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "DISCORD_TOKEN")}
    return env | {"TERM": "xterm", "LOG_LEVEL": "INFO"}


def test_piped_stdin_is_a_transcript(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nazh", "sandbox", "--data-dir", str(tmp_path)],
        input=_SCRIPT,
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
        cwd=tmp_path,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    out = done.stdout
    assert "\x1b" not in out
    assert re.search(
        r"^#general › /roll 4d6kh3 stats\nNazh\n  @The Owner 🎲\n  stats: 4d6kh3 \(.+\) = \d+$",
        out,
        re.MULTILINE,
    )
    assert re.search(
        r"^#general › !roll 1d20\+5 attack\nNazh\n  @The Owner 🎲\n"
        r"  attack: 1d20 \(\d+\) \+ 5 = \d+( · critical!| · fumble!)?$",
        out,
        re.MULTILINE,
    )
    assert (
        "#general › /roll 4d6k>\nNazh (only you can see this)\n"
        "  I couldn't roll that: unexpected end of input at column 6, expected a number\n"
    ) in out
    assert "#general › /admin plugins\nNazh (only you can see this)\n  Plugins\n" in out
    assert "\n  - admin: loaded\n" in out
    assert "\n  - roll: loaded\n" in out
    assert "Commands the bot has synced:\n" in out
    assert out.endswith("#general › quit\nBye.\n")
    log = (tmp_path / "sandbox.log").read_text(encoding="utf-8")
    assert "INFO" in log
    assert "INFO" not in out
    assert not (tmp_path / "data").exists()


def test_end_of_input_ends_the_session(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "nazh", "sandbox"],
        input="/roll 1d6\n",
        capture_output=True,
        text=True,
        timeout=60,
        env=_env(),
        cwd=tmp_path,
        check=False,
    )

    assert done.returncode == 0, done.stderr
    assert re.search(r"^  1d6 \([1-6]\) = [1-6]$", done.stdout, re.MULTILINE)
    assert done.stdout.endswith("Bye.\n")
    assert list(tmp_path.iterdir()) == []


class _Terminal:
    """``nazh sandbox`` on a pseudo-terminal, read as a person would see it."""

    def __init__(self, cwd: Path) -> None:
        pid, self.fd = pty.fork()
        if pid == 0:
            os.chdir(cwd)
            os.execve(sys.executable, [sys.executable, "-m", "nazh", "sandbox"], _env())
        self.pid = pid
        self.raw = b""

    @property
    def screen(self) -> str:
        return strip_ansi(self.raw.decode(errors="replace"))

    def wait_prompt(self) -> None:
        """Wait until the prompt is shown and waiting for keys."""
        self.wait_for(r"#general › \Z")

    def wait_for(self, pattern: str, *, count: int = 1, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while len(re.findall(pattern, self.screen)) < count:
            remaining = deadline - time.monotonic()
            assert remaining > 0, f"no {pattern!r} x{count} in:\n{self.screen}"
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                try:
                    chunk = os.read(self.fd, 4096)
                except OSError:
                    chunk = b""
                assert chunk, f"the sandbox ended before {pattern!r}:\n{self.screen}"
                self.raw += chunk

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def close(self) -> int:
        deadline = time.monotonic() + 15
        try:
            while True:
                pid, status = os.waitpid(self.pid, os.WNOHANG)
                if pid:
                    return os.waitstatus_to_exitcode(status)
                if time.monotonic() > deadline:
                    os.kill(self.pid, signal.SIGKILL)
                    os.waitpid(self.pid, 0)
                    raise AssertionError(f"the sandbox did not exit:\n{self.screen}")
                time.sleep(0.05)
        finally:
            os.close(self.fd)


def test_a_person_at_a_terminal(tmp_path: Path) -> None:
    terminal = _Terminal(tmp_path)
    try:
        terminal.wait_prompt()
        terminal.type("/roll 1d20 hit\r")
        terminal.wait_for(r"hit: 1d20 \(\d+\) = \d+")
        terminal.wait_prompt()
        terminal.type("\x1b[A")
        terminal.wait_for(r"#general › /roll 1d20 hit\Z")
        terminal.type("\r")
        terminal.wait_for(r"hit: 1d20 \(\d+\) = \d+", count=2)
        terminal.wait_prompt()
        terminal.type("/roll 2d6 secret private:true\r")
        terminal.wait_for(r"Nazh \(only you can see this\)\s+@The Owner 🎲\s+secret: 2d6")
        terminal.wait_prompt()
        terminal.type("\x04")
        terminal.wait_for("Bye.")
    finally:
        code = terminal.close()

    assert code == 0
    assert "\x1b[1;36m" in terminal.raw.decode()
    assert "^[" not in terminal.screen
    assert "Traceback" not in terminal.screen


def test_ctrl_c_at_the_prompt_ends_cleanly(tmp_path: Path) -> None:
    terminal = _Terminal(tmp_path)
    try:
        terminal.wait_prompt()
        terminal.type("/roll 1d4")
        terminal.wait_for(r"#general › /roll 1d4\Z")
        # As at Python's own prompt, a Ctrl-C landing between readline's select() calls waits
        # for the next key; a person's keystroke never comes that fast after the echo.
        time.sleep(0.3)
        terminal.type("\x03")
        terminal.wait_for("Bye.")
    finally:
        code = terminal.close()

    assert code == 0
    assert "Traceback" not in terminal.screen
    assert "KeyboardInterrupt" not in terminal.screen
