"""The running bot: hikari, lightbulb and miru wired together with Nazh's services."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import signal
import socket
import uuid
from typing import TYPE_CHECKING

import hikari
import lightbulb
import miru

from nazh import __version__
from nazh.cluster import ShardCoordinator, Timing
from nazh.cluster.shards import BotShards
from nazh.errors import first_line
from nazh.extensions import PluginError, PluginManager, available_plugins
from nazh.health import HealthServer, StartupError
from nazh.hosting.report import log_hosting
from nazh.hosting.selfping import SelfPinger
from nazh.metrics import Metrics
from nazh.prefix import PrefixRouter
from nazh.ratelimit import SlidingWindowLimiter
from nazh.services import Services
from nazh.stats.odds import warm_up
from nazh.stats.offload import OffloadPool
from nazh.storage import SchemaTooNewError, Storage, resolve_url
from nazh.storage.leases import MemberInfo

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nazh.config import Settings
    from nazh.storage.leases import ClusterView

__all__ = ("BASE_INTENTS", "PREFIX_INTENTS", "NazhApp")

_LOGGER = logging.getLogger("nazh")

BASE_INTENTS = hikari.Intents.GUILDS | hikari.Intents.GUILD_MESSAGES | hikari.Intents.DM_MESSAGES
"""Slash commands, guild bookkeeping, prefix commands in DMs and those that mention the bot."""
PREFIX_INTENTS = BASE_INTENTS | hikari.Intents.MESSAGE_CONTENT
"""Adds the privileged message content intent that ``!roll`` needs."""

_CACHE = hikari.impl.CacheSettings(
    components=hikari.api.CacheComponents.GUILDS | hikari.api.CacheComponents.ME
)


class NazhApp:
    """One Nazh process: the gateway bot, its command clients and the health server."""

    __slots__ = (
        "_closing",
        "_cluster",
        "_metrics",
        "_offload",
        "_ready",
        "_self_ping",
        "_telemetry",
        "bot",
        "client",
        "health",
        "miru",
        "plugin_manager",
        "plugins",
        "router",
        "services",
        "settings",
        "storage",
    )

    def __init__(
        self,
        settings: Settings,
        *,
        plugins: Sequence[str] | None = None,
        health: bool = True,
    ) -> None:
        self.settings = settings
        self.plugins = tuple(plugins) if plugins is not None else available_plugins()
        self._metrics = Metrics()
        self._metrics.watch_gateway(self._gateway_status)
        self._metrics.watch_cluster(self._cluster_status)
        self._self_ping = SelfPinger.from_settings(settings, self._metrics) if health else None
        self.health = (
            HealthServer(
                settings.health_host,
                settings.port,
                readiness=self.not_ready,
                metrics=self._metrics,
                self_ping=self._self_ping,
            )
            if health
            else None
        )
        self._closing = asyncio.Event()
        self._ready = False
        self._telemetry: asyncio.Task[None] | None = None
        self._cluster: ShardCoordinator | None = None
        self.storage: Storage | None = None
        self._offload = OffloadPool(initializer=warm_up)
        self.bot: hikari.GatewayBot
        self.client: lightbulb.GatewayEnabledClient
        self.miru: miru.Client
        self.plugin_manager: PluginManager
        self.router: PrefixRouter
        self.services: Services

    @property
    def metrics(self) -> Metrics:
        """This process's metrics."""
        return self._metrics

    @property
    def cluster(self) -> ShardCoordinator | None:
        """This process's part of the shard cluster (`NAZH_SHARD_IDS=auto`), once started."""
        return self._cluster

    def not_ready(self) -> str | None:
        """None when every shard this process runs (or, in a cluster, claimed) is connected and
        commands are synced, else why not."""
        if not self._ready:
            return "starting: commands not synced yet"
        if self._closing.is_set():
            return "shutting down"
        if self._cluster is not None:
            return self._cluster.not_ready()
        shards = self.bot.shards
        if not shards:
            return "no gateway shard"
        down = [str(i) for i, shard in sorted(shards.items()) if not shard.is_connected]
        if down:
            return f"gateway shard {', '.join(down)} disconnected"
        return None

    async def start(self) -> None:
        """Open storage, start the health server, then the bot; returns once shards are ready."""
        self.storage = await _open_storage(self.settings)
        log_hosting(self.settings, _LOGGER)
        try:
            if self.health is not None:
                await self.health.start()
            if self._self_ping is not None:
                await self._self_ping.start()
            await self._build(PREFIX_INTENTS)
            try:
                await self._start_bot()
            except hikari.GatewayServerClosedConnectionError as error:
                if error.code != hikari.ShardCloseCode.DISALLOWED_INTENT:
                    raise
                _LOGGER.warning(
                    "Discord refused the message content intent: prefix commands like !roll are "
                    "off (mentioning the bot still works); enable it in the Developer Portal"
                )
                await self._close_bot()
                await self._build(BASE_INTENTS)
                await self._start_bot()
        except BaseException:
            await self._leave_cluster(0.0)
            await self._close_bot()
            if self._self_ping is not None:
                await self._self_ping.stop()
            if self.health is not None:
                await self.health.stop()
            await self.storage.close()
            raise

    async def stop(self) -> None:
        """Disconnect from Discord, stop serving health checks, then save the last statistics
        (journaled when the database does not take them in time, see `Storage.close`)."""
        self._closing.set()
        if self._telemetry is not None:
            self._telemetry.cancel()
        await self._leave_cluster(self.settings.handover_timeout)
        await self._close_bot()
        await self._offload.close()
        if self._self_ping is not None:
            await self._self_ping.stop()
        if self.health is not None:
            await self.health.stop()
        if self.storage is not None:
            try:
                closed = await self.storage.close()
            except Exception as error:
                _LOGGER.error("could not save the last roll statistics: %s", first_line(error))
            else:
                if closed.lost:
                    _LOGGER.error("%s", closed)
                elif not closed.saved:
                    _LOGGER.warning("%s", closed)
        _LOGGER.info("Nazh stopped")

    async def run(self) -> None:
        """Run until SIGINT or SIGTERM, then shut down cleanly."""
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, self._closing.set)
        try:
            starting = asyncio.ensure_future(self.start())
            closing = asyncio.ensure_future(self._closing.wait())
            try:
                await asyncio.wait({starting, closing}, return_when=asyncio.FIRST_COMPLETED)
                if not starting.done():
                    starting.cancel()
                    await asyncio.wait({starting})
                    if not starting.cancelled():
                        starting.result()
                    await self.stop()
                    return
                starting.result()
                try:
                    await closing
                finally:
                    await self.stop()
            finally:
                starting.cancel()
                closing.cancel()
        finally:
            for sig in (signal.SIGINT, signal.SIGTERM):
                loop.remove_signal_handler(sig)

    def request_stop(self) -> None:
        """Ask :meth:`run` to shut down."""
        self._closing.set()

    async def _build(self, intents: hikari.Intents) -> None:
        self._ready = False
        self.bot = hikari.GatewayBot(
            self.settings.token,
            intents=intents,
            rest_url=self.settings.api_url,
            cache_settings=_CACHE,
            logs=None,
            banner=None,
            suppress_optimization_warning=True,
        )
        limit, window = self.settings.roll_rate
        self.services = Services(
            settings=self.settings,
            bot=self.bot,
            metrics=self._metrics,
            roll_limiter=SlidingWindowLimiter(limit, window),
            storage=self._storage,
            offload=self._offload,
        )
        self.client = lightbulb.client_from_app(
            self.bot, default_enabled_guilds=self.settings.guild_ids
        )
        self.miru = miru.Client(self.bot)
        self.router = PrefixRouter(self.services)
        self.plugin_manager = PluginManager(self.client)
        registry = self.client.di.registry_for(lightbulb.di.Contexts.DEFAULT)
        registry.register_value(Services, self.services)
        registry.register_value(PrefixRouter, self.router)
        registry.register_value(miru.Client, self.miru)
        registry.register_value(PluginManager, self.plugin_manager)
        self.client.error_handler(self._on_command_error)
        self.bot.subscribe(hikari.MessageCreateEvent, self.router.on_message)
        self.bot.subscribe(hikari.StoppingEvent, self.client.stop)
        for name in self.plugins:
            try:
                await self.plugin_manager.load(name)
            except PluginError as error:
                _LOGGER.error("%s; starting without it (see /admin plugins)", error)

    @property
    def _storage(self) -> Storage:
        if self.storage is None:
            raise RuntimeError("storage is opened by start()")
        return self.storage

    async def _start_bot(self) -> None:
        settings = self.settings
        if settings.cluster:
            # The cluster coordinator starts the shards this process claims, one at a time.
            await self.bot.start(check_for_updates=False, shard_ids=(), shard_count=1)
            await self._join_cluster()
        else:
            await self.bot.start(
                check_for_updates=False,
                shard_ids=settings.shard_ids or None,
                shard_count=settings.shard_count,
            )
        await self.client.start()
        self._ready = True
        self._telemetry = asyncio.create_task(self._log_telemetry())

    async def _join_cluster(self) -> None:
        gateway = await self.bot.rest.fetch_gateway_bot_info()
        leases = self._storage.leases
        member_id = uuid.uuid4().hex
        try:
            running = await leases.running_shard_count(Timing().ttl, excluding=member_id)
        except Exception as error:
            raise StartupError(f"cannot join the shard cluster: {first_line(error)}") from None
        wanted = self.settings.shard_count
        if wanted is not None and running is not None and wanted != running:
            raise StartupError(
                f"NAZH_SHARD_COUNT is {wanted} but the running cluster uses {running} shards: "
                "stop every process before changing it (or set NAZH_SHARD_COUNT=auto)"
            )
        shard_count = running or wanted or gateway.shard_count
        member = MemberInfo(
            member_id=member_id,
            host=socket.gethostname(),
            pid=os.getpid(),
            shard_count=shard_count,
            shards_max=self.settings.shards_per_process,
        )
        control = BotShards(self.bot, shard_count=shard_count, url=gateway.url)
        cluster = ShardCoordinator(
            leases,
            control,
            member,
            lock=leases.member_lock(member_id),
            max_concurrency=gateway.session_start_limit.max_concurrency,
        )
        try:
            await cluster.start()
        except Exception as error:
            raise StartupError(f"cannot join the shard cluster: {first_line(error)}") from None
        self._cluster = cluster
        self.services.cluster = cluster
        self.bot.subscribe(hikari.ShardReadyEvent, self._on_shard_ready)
        _LOGGER.info(
            "joined the shard cluster as %s (pid %d): %d shards, claimed through the database",
            member.host,
            member.pid,
            shard_count,
        )

    async def _on_shard_ready(self, event: hikari.ShardReadyEvent) -> None:
        if self._cluster is not None:
            await self._cluster.identified(event.shard.id)

    async def _leave_cluster(self, within: float) -> None:
        cluster, self._cluster = self._cluster, None
        if cluster is not None:
            await cluster.hand_over(within)

    async def _close_bot(self) -> None:
        self._ready = False
        if hasattr(self, "bot"):
            with contextlib.suppress(hikari.ComponentStateConflictError):
                await self.bot.close()

    def _cluster_status(self) -> ClusterView | None:
        return self._cluster.last_view if self._cluster is not None else None

    def _gateway_status(self) -> tuple[float, int, dict[int, bool]]:
        bot = getattr(self, "bot", None)
        if bot is None:
            return math.nan, 0, {}
        shards = {i: shard.is_connected for i, shard in bot.shards.items()}
        return bot.heartbeat_latency, len(bot.cache.get_guilds_view()), shards

    async def _log_telemetry(self) -> None:
        for _ in range(600):
            if math.isfinite(self.bot.heartbeat_latency):
                break
            await asyncio.sleep(0.1)
        latency = self.bot.heartbeat_latency
        _LOGGER.info(
            "Nazh %s ready: %d guilds, %d shard(s), gateway latency %s, plugins: %s",
            __version__,
            len(self.bot.cache.get_guilds_view()),
            len(self.bot.shards),
            f"{latency * 1000:.0f} ms" if math.isfinite(latency) else "not measured yet",
            ", ".join(self.plugin_manager.loaded) or "none",
        )

    async def _on_command_error(
        self, failure: lightbulb.exceptions.ExecutionPipelineFailedException
    ) -> bool:
        _LOGGER.error(
            "command %s failed", failure.context.command_data.name, exc_info=failure.causes[0]
        )
        self.services.metrics.errors.labels("slash").inc()
        with contextlib.suppress(hikari.HikariError):
            await failure.context.respond(
                "Something went wrong on my side; the error is logged.", ephemeral=True
            )
        return True


async def _open_storage(settings: Settings) -> Storage:
    url = settings.resolved_database_url
    try:
        where = resolve_url(url, settings.data_dir).render_as_string(hide_password=True)
    except ValueError as error:
        raise StartupError(f"NAZH_DATABASE_URL is invalid: {error}") from None
    try:
        return await Storage.open(url, data_dir=settings.data_dir, result_ttl=settings.result_ttl)
    except SchemaTooNewError as error:
        raise StartupError(str(error)) from None
    except Exception as error:
        raise StartupError(f"cannot open the database {where}: {first_line(error)}") from None
