"""``nazh --help`` and friends: readable help and conventional exit codes."""

from __future__ import annotations

import pytest

from nazh.cli import main


def _exit_code(args: list[str]) -> int:
    with pytest.raises(SystemExit) as exited:
        main(args)
    code = exited.value.code
    assert isinstance(code, int)
    return code


def test_top_level_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_code(["--help"]) == 0

    out = capsys.readouterr().out
    assert out.startswith("usage: nazh ")
    for command in ("run", "sandbox", "roll"):
        assert f"\n    {command} " in out
    assert "nazh roll 4d6kh3 stats" in out


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("run", ".env.example"),
        ("sandbox", "Needs no token and no network"),
        ("roll", "--seed N"),
    ],
)
def test_each_command_has_help(
    command: str, expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _exit_code([command, "--help"]) == 0

    out = capsys.readouterr().out
    assert out.startswith(f"usage: nazh {command}")
    assert expected in " ".join(out.split())


def test_an_unknown_command_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_code(["fly"]) == 2

    err = capsys.readouterr().err
    assert "invalid choice: 'fly'" in err


def test_roll_without_an_expression_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_code(["roll"]) == 2

    assert "the following arguments are required: expression" in capsys.readouterr().err


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert _exit_code(["--version"]) == 0

    assert capsys.readouterr().out.startswith("nazh ")
