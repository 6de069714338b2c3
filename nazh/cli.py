"""The ``nazh`` command line: ``run`` (the default) the bot, ``sandbox`` offline, ``roll`` once."""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import random
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from nazh import __version__
from nazh.compat import SingleDashPositionalParser
from nazh.config import ConfigError, load_settings, read_environment

if TYPE_CHECKING:
    from collections.abc import Sequence

__all__ = ("entry_point", "main", "roll_once", "run_bot", "use_color")

_TERMINAL_LENGTH = 8000


_EXAMPLES = """\
examples:
  nazh                          run the bot (same as `nazh run`)
  nazh sandbox                  try the bot offline in a console that plays a Discord channel
  nazh roll 4d6kh3 stats        roll once in the terminal
  nazh roll "1d20+5 attack" --color never
  nazh roll --dialect roll20 "3d6>3"
"""


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nazh",
        description="Nazh, a Discord dice bot. Without a command, `nazh` runs the bot.",
        epilog=_EXAMPLES,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"nazh {__version__}")
    commands = parser.add_subparsers(
        dest="command", metavar="COMMAND", title="commands", parser_class=SingleDashPositionalParser
    )
    commands.add_parser(
        "run",
        help="run the bot on Discord (settings from the environment or .env)",
        description="Run the bot with the settings from the environment and .env "
        "(every key is documented in .env.example). Stop it with Ctrl-C or SIGTERM.",
    )
    sandbox = commands.add_parser(
        "sandbox",
        help="try the bot offline: a console that plays a Discord channel",
        description="Start a loopback Discord and the real bot in this process, then type what "
        "you would type in Discord: /roll 4d6kh3, !roll 1d20+5 attack, /admin plugins, "
        "click 1, select 3 d8. Needs no token and no network. Type `help` inside for more.",
    )
    sandbox.add_argument(
        "--data-dir",
        type=Path,
        metavar="DIR",
        help="keep the bot's data and the log here (default: a temporary directory, removed "
        "at exit)",
    )
    sandbox.add_argument(
        "--downloads",
        type=Path,
        metavar="DIR",
        help="save the files the bot sends (exports, charts) here (default: a new temporary "
        "directory, named when the first file arrives and kept at exit)",
    )
    _add_color(sandbox)
    roll = commands.add_parser(
        "roll",
        help="roll dice once and print the result",
        description="Roll an expression, like on Discord, and print the result. "
        "Exit code 2 and the error on invalid notation.",
        epilog='example: nazh roll 4d6kh3 stats   (or quoted: nazh roll "1d20+5 attack")',
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    roll.add_argument("expression", nargs="+", help="dice notation, then an optional comment")
    roll.add_argument(
        "--seed",
        type=int,
        metavar="N",
        help="roll with a seeded pseudo-random generator (repeatable; not for real games)",
    )
    roll.add_argument(
        "--dialect",
        default="nazh",
        metavar="NAME",
        help="read the notation as another roller does: nazh (default), avrae, roll20, "
        "foundry, dicemaiden, rpg-dice-roller",
    )
    _add_color(roll)
    return parser


def _add_color(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--color",
        choices=("auto", "always", "never"),
        default="auto",
        help="colour the output: auto (default) colours a terminal unless NO_COLOR is set",
    )


def use_color(choice: str, stream: TextIO) -> bool:
    """Whether to write ANSI colours to ``stream`` for a ``--color`` choice."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return False
    return stream.isatty()


def _configure_logging(level: str) -> None:
    logging.basicConfig(
        level=level,
        format="%(asctime)s %(levelname)-7s %(name)s: %(message)s",
        datefmt="%Y-%m-%d %H:%M:%S",
    )


def _fail(message: str, code: int = 1) -> int:
    print(f"nazh: error: {message}", file=sys.stderr)
    return code


def run_bot() -> int:
    """Run the bot until it is stopped; the process exit code."""
    import aiohttp
    import hikari

    from nazh.app import NazhApp
    from nazh.health import StartupError

    try:
        settings = load_settings(read_environment())
    except ConfigError as error:
        return _fail(str(error), 2)
    _configure_logging(settings.log_level)
    app = NazhApp(settings)
    try:
        asyncio.run(app.run())
    except StartupError as error:
        return _fail(str(error))
    except hikari.UnauthorizedError:
        return _fail("Discord refused DISCORD_TOKEN (401 Unauthorized): check the bot token")
    except hikari.GatewayServerClosedConnectionError as error:
        return _fail(f"the gateway closed the connection: {error}")
    except (hikari.HTTPError, aiohttp.ClientError, OSError) as error:
        return _fail(f"cannot reach Discord at {settings.api_url}: {error}")
    except KeyboardInterrupt:
        return 130
    return 0


def roll_once(expression: str, *, seed: int | None, color: bool, dialect: str = "nazh") -> int:
    """Print one roll of ``expression`` and how it was read; exit code 2 on invalid notation."""
    from nazh import dice
    from nazh.sandbox.markdown import to_terminal

    try:
        result = dice.roll(
            expression,
            rng=random.Random(seed) if seed is not None else None,
            dialect=dialect,
        )
    except dice.DiceError as error:
        first, _, hint = str(error).partition("\n")
        print(f"nazh roll: error: {first}", file=sys.stderr)
        if hint:
            print(textwrap.indent(hint, "  "), file=sys.stderr)
        return 2
    try:
        notes = "".join(f"\n-# {note}" for note in result.notes)
        text = result.render(max_length=_TERMINAL_LENGTH) + notes
        print(to_terminal(text, color=color), flush=True)
    except BrokenPipeError:
        # The reader left (`nazh roll 1d6 | head -0`); point stdout at nothing so the exit
        # flush does not fail again.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nazh`` console script."""
    args = _parser().parse_args(argv)
    if args.command in (None, "run"):
        return run_bot()
    if args.command == "roll":
        expression = " ".join(args.expression)
        color = use_color(args.color, sys.stdout)
        return roll_once(expression, seed=args.seed, color=color, dialect=args.dialect)
    if args.command == "sandbox":
        from nazh.sandbox.console import run_sandbox

        return run_sandbox(
            data_dir=args.data_dir,
            color=use_color(args.color, sys.stdout),
            downloads=args.downloads,
        )
    return _fail(f"unknown command {args.command!r}", 2)


def entry_point() -> None:
    """The console script: exit with :func:`main`'s code."""
    sys.exit(main())
