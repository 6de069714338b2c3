"""The keep-alive and health HTTP server: ping, liveness, readiness and metrics."""

from __future__ import annotations

import errno
import logging
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from aiohttp import web
from aiohttp.http_exceptions import HttpProcessingError
from prometheus_client import CONTENT_TYPE_LATEST

from nazh import __version__

if TYPE_CHECKING:
    from aiohttp.typedefs import Handler

    from nazh.hosting.selfping import SelfPinger
    from nazh.metrics import Metrics

__all__ = ("HealthServer", "Readiness", "StartupError")

Readiness = Callable[[], str | None]
"""Returns None when the bot is ready to serve, else the reason it is not."""


_log = logging.getLogger("nazh.health")


class _MalformedRequests(logging.Filter):
    """Turns aiohttp's traceback for an unparsable request into one debug line.

    aiohttp already answers such a request with a 400; a port scanner or a confused client
    should not fill the error log.
    """

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, HttpProcessingError):
            summary = error.message.strip().splitlines()[0].rstrip(":") if error.message else "?"
            _log.debug("answered a malformed HTTP request with %s: %s", error.code, summary)
            return False
        return True


_server_log = logging.getLogger("nazh.health.server")
_server_log.addFilter(_MalformedRequests())


class StartupError(Exception):
    """The server could not start; ``str(error)`` is one line fit to print."""


class HealthServer:
    """Serves ``/`` (uptime pingers), ``/healthz``, ``/readyz`` and ``/metrics``.

    ``/healthz`` includes the last successful self-ping when ``self_ping`` is given.
    """

    __slots__ = ("_runner", "_started", "host", "metrics", "port", "readiness", "self_ping")

    def __init__(
        self,
        host: str,
        port: int,
        *,
        readiness: Readiness,
        metrics: Metrics,
        self_ping: SelfPinger | None = None,
    ) -> None:
        self.host = host
        self.port = port
        self.readiness = readiness
        self.metrics = metrics
        self.self_ping = self_ping
        self._runner: web.AppRunner | None = None
        self._started = time.monotonic()

    async def start(self) -> None:
        """Bind and serve; raises :class:`StartupError` when the port cannot be bound."""
        app = web.Application(middlewares=[_only_get])
        app.router.add_get("/", self._alive)
        app.router.add_get("/healthz", self._healthz)
        app.router.add_get("/readyz", self._readyz)
        app.router.add_get("/metrics", self._metrics)
        runner = web.AppRunner(app, access_log=None, handle_signals=False, logger=_server_log)
        await runner.setup()
        site = web.TCPSite(runner, self.host, self.port, reuse_address=True)
        try:
            await site.start()
        except OSError as error:
            await runner.cleanup()
            if error.errno == errno.EADDRINUSE:
                raise StartupError(
                    f"port {self.port} is already in use: set PORT to a free port"
                ) from None
            raise StartupError(
                f"cannot listen on {self.host}:{self.port}: {error.strerror}"
            ) from None
        if self.port == 0:
            self.port = runner.addresses[0][1]
        self._runner = runner

    async def stop(self) -> None:
        """Stop serving."""
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _alive(self, _: web.Request) -> web.Response:
        return web.Response(text="alive\n")

    async def _healthz(self, _: web.Request) -> web.Response:
        return web.json_response(
            {
                "status": "ok",
                "version": __version__,
                "uptime_seconds": round(time.monotonic() - self._started, 1),
                "self_ping": self.self_ping.status() if self.self_ping is not None else None,
            }
        )

    async def _readyz(self, _: web.Request) -> web.Response:
        reason = self.readiness()
        if reason is None:
            return web.json_response({"status": "ready"})
        return web.json_response({"status": "not ready", "reason": reason}, status=503)

    async def _metrics(self, _: web.Request) -> web.Response:
        body = self.metrics.render()
        return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE_LATEST})


@web.middleware
async def _only_get(request: web.Request, handler: Handler) -> web.StreamResponse:
    if request.method not in ("GET", "HEAD"):
        return web.json_response(
            {"error": "method not allowed"}, status=405, headers={"Allow": "GET, HEAD"}
        )
    try:
        return await handler(request)
    except web.HTTPNotFound:
        return web.json_response({"error": "not found"}, status=404)
