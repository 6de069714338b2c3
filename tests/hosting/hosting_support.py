"""Helpers for the hosting tests: a fake filesystem probe and a stand-in for the public URL."""

from __future__ import annotations

import asyncio
import re
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from aiohttp import web

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Mapping

__all__ = ("ROOT", "DockerIgnore", "FakeProbe", "PublicURL", "mountinfo", "public_url")

ROOT = Path(__file__).resolve().parents[2]
"""The repository root."""


class FakeProbe:
    """A filesystem of a few files, for platform detection."""

    __slots__ = ("files",)

    def __init__(self, files: Mapping[str, str] | None = None) -> None:
        self.files = dict(files or {})

    def exists(self, path: str) -> bool:
        return path in self.files

    def read_text(self, path: str) -> str | None:
        return self.files.get(path)


def mountinfo(*mounts: tuple[str, str]) -> str:
    """A ``/proc/self/mountinfo`` text with ``(mount point, filesystem type)`` entries."""
    return "".join(
        f"{20 + i} 1 0:{i} / {point.replace(' ', chr(92) + '040')} rw,relatime - {fs} src rw\n"
        for i, (point, fs) in enumerate(mounts)
    )


class DockerIgnore:
    """The patterns of a ``.dockerignore``: which paths stay out of the build context.

    Follows Docker's rules for what the file uses: ``*`` and ``?`` within one path segment,
    ``**`` across segments, ``!`` to take a path back, and a matched directory taking its
    contents with it.
    """

    __slots__ = ("_rules",)

    def __init__(self, text: str) -> None:
        self._rules: list[tuple[bool, re.Pattern[str]]] = []
        for raw in text.splitlines():
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            keep = line.startswith("!")
            pattern = line.removeprefix("!").strip().strip("/")
            self._rules.append((keep, re.compile(_glob_to_regex(pattern))))

    def excludes(self, path: str) -> bool:
        """Whether ``path`` (relative, with ``/``) is left out of the build context."""
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        excluded = False
        for keep, rule in self._rules:
            if any(rule.fullmatch(prefix) for prefix in prefixes):
                excluded = not keep
        return excluded


def _glob_to_regex(pattern: str) -> str:
    out: list[str] = []
    i = 0
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return "".join(out)


class PublicURL:
    """A local HTTP server standing in for the bot's public URL: records each ``GET /``."""

    def __init__(self) -> None:
        self.hits: list[float] = []
        """``time.monotonic()`` of each request, in order."""
        self.status = 200
        """The status the next requests are answered with."""
        self.url = ""
        self.arrived = asyncio.Event()
        self._runner: web.AppRunner | None = None

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/", self._answer)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def wait_hits(self, count: int) -> None:
        """Wait until ``count`` requests have arrived in all (a generous 30 s at most)."""
        async with asyncio.timeout(30):
            while len(self.hits) < count:
                self.arrived.clear()
                await self.arrived.wait()

    async def _answer(self, _: web.Request) -> web.Response:
        self.hits.append(time.monotonic())
        self.arrived.set()
        return web.Response(status=self.status, text="alive\n")


@pytest.fixture
async def public_url() -> AsyncIterator[PublicURL]:
    """A started :class:`PublicURL`."""
    server = PublicURL()
    await server.start()
    yield server
    await server.stop()
