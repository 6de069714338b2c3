"""The ``nazh`` command line: ``nazh run`` (the default) starts the bot."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Sequence

import aiohttp
import hikari

from nazh import __version__
from nazh.config import ConfigError, load_settings, read_environment
from nazh.health import StartupError

__all__ = ("entry_point", "main")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="nazh",
        description="Nazh, a Discord dice bot. Without a command, `nazh` runs the bot.",
    )
    parser.add_argument("--version", action="version", version=f"nazh {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")
    commands.add_parser(
        "run",
        help="run the bot on Discord (settings from the environment or .env)",
        description="Run the bot with the settings from the environment and .env "
        "(every key is documented in .env.example).",
    )
    return parser


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
    from nazh.app import NazhApp

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


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``nazh`` console script."""
    args = _parser().parse_args(argv)
    if args.command in (None, "run"):
        return run_bot()
    return _fail(f"unknown command {args.command!r}", 2)


def entry_point() -> None:
    """The console script: exit with :func:`main`'s code."""
    sys.exit(main())
