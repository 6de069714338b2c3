"""``nazh roll``: one roll printed in the terminal."""

from __future__ import annotations

import os
import pty
import re
import subprocess
import sys

import pytest

from nazh.cli import main

_ANSI = re.compile(r"\x1b\[[0-9;]*m")
_ROLL = re.compile(r"^stats: 4d6kh3 \((?P<dice>[^)]*)\) = (?P<total>\d+)$")


def _nazh(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "nazh", *args],
        capture_output=True,
        text=True,
        timeout=30,
        env=env,
        check=False,
    )


def _check_4d6kh3(line: str) -> None:
    match = _ROLL.match(line)
    assert match, line
    dice = match["dice"].split(", ")
    dropped = [int(d.strip("~")) for d in dice if d.startswith("~~")]
    kept = [int(d) for d in dice if not d.startswith("~~")]
    assert len(dropped) == 1
    assert len(kept) == 3
    assert all(1 <= d <= 6 for d in dropped + kept)
    assert dropped[0] <= min(kept)
    assert int(match["total"]) == sum(kept)


@pytest.mark.parametrize("seed", range(20))
def test_a_roll_prints_plain_text_when_piped(seed: int, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["roll", "4d6kh3", "stats", "--seed", str(seed)])

    out, err = capsys.readouterr()
    assert code == 0
    assert err == ""
    assert "\x1b" not in out
    _check_4d6kh3(out.rstrip("\n"))


def test_the_seed_repeats_a_roll(capsys: pytest.CaptureFixture[str]) -> None:
    outputs = []
    for seed in (7, 7, 8):
        main(["roll", "20d20", "--seed", str(seed)])
        outputs.append(capsys.readouterr().out)

    assert outputs[0] == outputs[1]
    assert outputs[0] != outputs[2]


def test_python_dash_m_rolls_with_quoted_text() -> None:
    done = _nazh("roll", "4d6kh3 stats")

    assert done.returncode == 0
    assert done.stderr == ""
    _check_4d6kh3(done.stdout.rstrip("\n"))


def test_bad_notation_exits_2_with_the_error(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["roll", "4d6k>"])

    out, err = capsys.readouterr()
    assert code == 2
    assert out == ""
    assert err.splitlines() == [
        "nazh roll: error: unexpected end of input at column 6, expected a number",
        "  4d6k>",
        "       ^",
    ]


def test_bad_notation_exit_code_of_the_process() -> None:
    done = _nazh("roll", "1d0")

    assert done.returncode == 2
    assert done.stdout == ""
    assert done.stderr.startswith("nazh roll: error: ")
    assert "Traceback" not in done.stderr


def test_color_always_styles_the_same_text(capsys: pytest.CaptureFixture[str]) -> None:
    main(["roll", "4d6kh3", "stats", "--seed", "3", "--color", "never"])
    plain = capsys.readouterr().out
    main(["roll", "4d6kh3", "stats", "--seed", "3", "--color", "always"])
    colored = capsys.readouterr().out

    assert "\x1b[" in colored
    assert "\x1b[9m" in colored
    struck = re.sub(r"\x1b\[9m(\d+)", r"~~\1~~", colored)
    assert _ANSI.sub("", struck) == plain


def _run_in_pty(*args: str, env: dict[str, str]) -> str:
    leader, follower = pty.openpty()
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "nazh", *args],
            stdin=follower,
            stdout=follower,
            stderr=follower,
            env=env,
        )
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=30) == 0
    finally:
        os.close(leader)
    return b"".join(chunks).decode()


def test_a_terminal_gets_colour_unless_no_color() -> None:
    env = {k: v for k, v in os.environ.items() if k != "NO_COLOR"} | {"TERM": "xterm"}

    colored = _run_in_pty("roll", "4d6kh3", "stats", env=env)
    plain = _run_in_pty("roll", "4d6kh3", "stats", env=env | {"NO_COLOR": "1"})

    assert "\x1b[1;36m" in colored
    assert "\x1b" not in plain
    _check_4d6kh3(plain.strip())


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-d20", "--seed", "4"], ["-d20"]),
        (["-1d4+2", "fire", "--seed", "4"], ["-1d4+2 fire"]),
        (["--seed", "4", "1d20", "-d4"], ["1d20 -d4"]),
        (["--seed", "4", "--", "-1d4"], ["-1d4"]),
        (["--seed=4", "-5"], ["-5"]),
    ],
)
def test_a_leading_minus_is_notation_not_an_option(
    args: list[str], expected: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["roll", *args])

    out, err = capsys.readouterr()
    assert (code, err) == (0, "")
    main(["roll", "--seed", "4", *expected])
    assert capsys.readouterr().out == out


def test_roll_still_takes_its_options(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        main(["roll", "-h"])
    assert exited.value.code == 0
    assert "--seed" in capsys.readouterr().out
    with pytest.raises(SystemExit) as exited:
        main(["roll", "1d20", "--colour", "never"])
    assert exited.value.code == 2


def test_a_reader_that_leaves_early_gets_no_traceback() -> None:
    reader, writer = os.pipe()
    os.close(reader)
    try:
        process = subprocess.Popen(
            [sys.executable, "-m", "nazh", "roll", "1000d6"],
            stdout=writer,
            stderr=subprocess.PIPE,
            text=True,
        )
    finally:
        os.close(writer)
    _, err = process.communicate(timeout=30)

    assert err == ""
    assert process.returncode == 1


def test_dialect_reads_the_roll_as_that_roller_and_says_so(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["roll", "--dialect", "roll20", "3d6>3", "--seed", "3"]) == 0
    out, _ = capsys.readouterr()
    result, note = out.splitlines()
    assert result.startswith("3d6>=3 (")
    assert note == '>3 read as "3 or more"; Nazh reads "more than 3"'

    assert main(["roll", "3d6>3", "--seed", "3"]) == 0
    assert capsys.readouterr().out.startswith("3d6>3 (")


def test_an_unknown_dialect_exits_2_naming_the_dialects(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["roll", "--dialect", "roll21", "1d20"]) == 2
    _, err = capsys.readouterr()
    assert "unknown dialect `roll21`" in err
    assert "rpg-dice-roller" in err
