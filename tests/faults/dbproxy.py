"""A TCP proxy in front of PostgreSQL that can refuse, stall or drop connections on demand.

proxy = DatabaseProxy("127.0.0.1", 5432)
await proxy.start()                # then connect to 127.0.0.1:proxy.port
proxy.mode = "stall"               # connections stay open; nothing more is forwarded
proxy.mode = "refuse"              # new connections are closed at once
proxy.drop()                       # every open connection is cut now
proxy.mode = "pass"
await proxy.stop()
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import Literal

__all__ = ("DatabaseProxy", "Mode")

Mode = Literal["pass", "stall", "refuse"]

_CHUNK = 65536


class DatabaseProxy:
    """Forwards bytes between clients and the database while `mode` is ``pass``."""

    def __init__(self, host: str, port: int) -> None:
        self.host = host
        self.target_port = port
        self.mode: Mode = "pass"
        self.port = 0
        self.connections = 0
        """Connections accepted so far."""
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self._flowing = asyncio.Event()
        self._flowing.set()

    async def start(self) -> None:
        """Listen on a free port of 127.0.0.1."""
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", 0)
        self.port = self._server.sockets[0].getsockname()[1]

    def url(self, database: str, user: str = "postgres") -> str:
        """A PostgreSQL URL reaching `database` through the proxy."""
        return f"postgresql://{user}@127.0.0.1:{self.port}/{database}"

    def set_mode(self, mode: Mode) -> None:
        """Change the mode; leaving ``stall`` lets the held bytes flow again."""
        self.mode = mode
        if mode == "stall":
            self._flowing.clear()
        else:
            self._flowing.set()

    def drop(self) -> None:
        """Cut every open connection (the database sees them reset)."""
        for writer in list(self._writers):
            writer.transport.abort()
        self._writers.clear()

    async def stop(self) -> None:
        """Cut everything and stop listening."""
        self.drop()
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
        for task in list(self._links):
            task.cancel()
        for task in list(self._links):
            with contextlib.suppress(asyncio.CancelledError):
                await task

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.connections += 1
        if self.mode == "refuse":
            writer.transport.abort()
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(
                self.host, self.target_port
            )
        except OSError:
            writer.transport.abort()
            return
        self._writers.update((writer, upstream_writer))
        pipes = [
            asyncio.create_task(self._pipe(reader, upstream_writer)),
            asyncio.create_task(self._pipe(upstream_reader, writer)),
        ]
        self._links.update(pipes)
        try:
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pipe in pipes:
                pipe.cancel()
                self._links.discard(pipe)
            for side in (writer, upstream_writer):
                self._writers.discard(side)
                side.transport.abort()

    async def _pipe(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        while True:
            data = await reader.read(_CHUNK)
            if not data:
                return
            await self._flowing.wait()
            writer.write(data)
            await writer.drain()
