"""Files in the sandbox: ``file:@path`` uploads a local file, the bot's files are saved."""

from __future__ import annotations

import io
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sandbox_support import EXPORTED

from nazh.loopback import Upload
from nazh.loopback.protocol import ApplicationCommandType, OptionType
from nazh.sandbox.console import Console, LoopThread
from nazh.sandbox.parsing import ConsoleError, Slash, parse_line
from nazh.sandbox.session import Sandbox

if TYPE_CHECKING:
    from collections.abc import Iterator

    from nazh.loopback import JsonObject

_ROLLS = b'{"rolls": ["1d20+5"]}'
_IMPORT: JsonObject = {
    "name": "files",
    "type": ApplicationCommandType.CHAT_INPUT,
    "options": [
        {
            "name": "import",
            "type": OptionType.SUB_COMMAND,
            "options": [
                {"name": "file", "type": OptionType.ATTACHMENT, "required": True},
                {"name": "replace", "type": OptionType.BOOLEAN},
            ],
        }
    ],
}


@pytest.fixture
def local_files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with rolls.json, 'my rolls.json' and a folder."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "rolls.json").write_bytes(_ROLLS)
    (tmp_path / "my rolls.json").write_bytes(b"[]")
    (tmp_path / "folder").mkdir()
    return tmp_path


@pytest.mark.parametrize(
    ("line", "options"),
    [
        ("/files import file:@rolls.json", {"file": Upload("rolls.json", _ROLLS)}),
        (
            "/files import @rolls.json replace:yes",
            {"file": Upload("rolls.json", _ROLLS), "replace": True},
        ),
        ("/files import file:@my rolls.json", {"file": Upload("my rolls.json", b"[]")}),
        ("/files import file:@'my rolls.json'", {"file": Upload("my rolls.json", b"[]")}),
        (
            '/files import @"./my rolls.json" replace:no',
            {"file": Upload("my rolls.json", b"[]"), "replace": False},
        ),
    ],
)
def test_at_path_reads_a_local_file(local_files: Path, line: str, options: JsonObject) -> None:
    assert parse_line(line, [_IMPORT]) == Slash("files import", options)


def test_at_path_expands_the_home_directory(
    local_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HOME", str(local_files))

    action = parse_line("/files import file:@~/rolls.json", [_IMPORT])

    assert action == Slash("files import", {"file": Upload("rolls.json", _ROLLS)})


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("/files import file:@missing.json", "cannot read missing.json: No such file or directory"),
        ("/files import file:@folder", "cannot read folder: Is a directory"),
        ("/files import file:rolls.json", "option file takes a local file: file:@path/to/file"),
        ("/files import file:@", "option file takes a local file: file:@path/to/file"),
        ("/files import file:@''", "option file takes a local file: file:@path/to/file"),
    ],
)
def test_unreadable_files_are_explained(local_files: Path, line: str, error: str) -> None:
    with pytest.raises(ConsoleError) as raised:
        parse_line(line, [_IMPORT])

    assert str(raised.value) == error


def test_a_file_larger_than_discord_takes_is_refused(
    local_files: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("nazh.sandbox.parsing.USER_UPLOAD_LIMIT", len(_ROLLS) - 1)

    with pytest.raises(ConsoleError) as raised:
        parse_line("/files import @rolls.json", [_IMPORT])

    assert str(raised.value) == (
        f"rolls.json is {len(_ROLLS)} bytes, more than Discord lets you upload"
    )


@pytest.fixture
def running(sandbox_plugins: Path, local_files: Path) -> Iterator[tuple[Sandbox, LoopThread]]:
    runner = LoopThread()
    runner.start()
    sandbox = Sandbox(local_files / "data", plugins=("filetest",), validate=True)
    runner.call(sandbox.start())
    yield sandbox, runner
    runner.call(sandbox.stop())
    runner.stop()
    assert sandbox.emulator.violations == []


def _transcript(
    sandbox: Sandbox, runner: LoopThread, script: str, downloads: Path | None
) -> list[str]:
    out = io.StringIO()
    console = Console(
        sandbox,
        runner,
        color=False,
        source=io.StringIO(script),
        out=out,
        interactive=False,
        downloads=downloads,
    )
    console.run()
    return out.getvalue().splitlines()


def _after(lines: list[str], typed: str) -> list[str]:
    """The lines printed after the prompt line with ``typed`` up to the next prompt."""
    start = lines.index(f"#general › {typed}") + 1
    end = next((i for i in range(start, len(lines)) if lines[i].startswith("#general › ")), None)
    return lines[start : end if end is not None else len(lines)]


def test_a_local_file_reaches_the_bot_and_a_missing_one_sends_nothing(
    running: tuple[Sandbox, LoopThread],
) -> None:
    sandbox, runner = running
    script = (
        "/files import file:@rolls.json replace:true\n"
        "/files import @my rolls.json\n"
        "/files import file:@nowhere/rolls.json\n"
        "quit\n"
    )

    lines = _transcript(sandbox, runner, script, None)

    assert _after(lines, "/files import file:@rolls.json replace:true") == [
        "Nazh (only you can see this)",
        f"  Read rolls.json: {_ROLLS.decode()} replace=True",
    ]
    assert _after(lines, "/files import @my rolls.json") == [
        "Nazh (only you can see this)",
        "  Read my_rolls.json: [] replace=False",
    ]
    assert _after(lines, "/files import file:@nowhere/rolls.json") == [
        "error: cannot read nowhere/rolls.json: No such file or directory"
    ]
    assert [d.status for d in sandbox.emulator.downloads] == [200, 200]
    assert len(sandbox.emulator.messages) == 2


def test_files_the_bot_sends_are_shown_and_saved(
    running: tuple[Sandbox, LoopThread], tmp_path: Path
) -> None:
    sandbox, runner = running
    downloads = tmp_path / "downloads"

    lines = _transcript(sandbox, runner, "help\n/files export\n/files export\nquit\n", downloads)

    assert f"Files the bot sends are saved in {downloads}, and kept." in _after(lines, "help")
    first, second = downloads / "rolls.json", downloads / "rolls-2.json"
    assert _after(lines, "/files export") == [
        "Nazh",
        "  Your rolls",
        f"  📎 rolls.json ({len(EXPORTED)} bytes) saved as {first}",
    ]
    again = [i for i, line in enumerate(lines) if line == "#general › /files export"][1]
    assert _after(lines[again:], "/files export") == [
        "Nazh",
        "  Your rolls",
        f"  📎 rolls.json ({len(EXPORTED)} bytes) saved as {second}",
    ]
    assert first.read_bytes() == second.read_bytes() == EXPORTED
    assert sorted(path.name for path in downloads.iterdir()) == ["rolls-2.json", "rolls.json"]


def test_without_a_directory_files_go_to_a_new_temporary_one(
    running: tuple[Sandbox, LoopThread],
) -> None:
    sandbox, runner = running

    lines = _transcript(sandbox, runner, "help\n/files export\nquit\n", None)

    assert "Files the bot sends are saved in a new temporary directory, and kept." in lines
    shown = _after(lines, "/files export")[-1]
    prefix = f"  📎 rolls.json ({len(EXPORTED)} bytes) saved as "
    assert shown.startswith(prefix)
    saved = Path(shown.removeprefix(prefix))
    try:
        assert saved.parent.name.startswith("nazh-downloads-")
        assert saved.read_bytes() == EXPORTED
    finally:
        saved.unlink()
        saved.parent.rmdir()
