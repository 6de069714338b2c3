"""``/stats me|server|bot|forget-me`` and ``!stats``: roll statistics, telemetry and erasure."""

from __future__ import annotations

import logging
import os
import time
from typing import TYPE_CHECKING

import hikari
import lightbulb
import miru

from nazh import __version__
from nazh.hosting.storage import assess_storage
from nazh.owners import Owners
from nazh.results.recent import recent
from nazh.stats.cards import BotInfo, bot_card, server_card, user_card

if TYPE_CHECKING:
    from nazh.cluster import ShardCoordinator
    from nazh.invocation import Invocation
    from nazh.storage.leases import ClusterView

__all__ = (
    "CONFIRM_TIMEOUT",
    "DELETE_ID",
    "KEEP_ID",
    "MIN_D20_RANKED",
    "ForgetMe",
    "ForgetMeView",
    "Scope",
    "prefix_stats",
    "resident_memory",
    "stats_bot",
    "stats_me",
    "stats_server",
)

_LOGGER = logging.getLogger(__name__)

MIN_D20_RANKED = 30
"""d20s a player needs in a server before their average is ranked."""
CONFIRM_TIMEOUT = 120.0
"""Seconds the forget-me confirmation waits for a click."""
DELETE_ID = "stats:forget-me:delete"
KEEP_ID = "stats:forget-me:keep"

Scope = str
"""``"server"`` or ``"everywhere"``."""

_PREFIX_USAGE = (
    "Try `!stats` (you, here), `!stats everywhere`, `!stats server`, `!stats bot` "
    "or `!stats forget-me`."
)


def resident_memory() -> int | None:
    """This process's resident set size in bytes (Linux), else None."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return pages * os.sysconf("SC_PAGE_SIZE")


async def stats_me(
    invocation: Invocation, user: hikari.User | None = None, scope: Scope | None = None
) -> None:
    """Roll statistics of `user` (the caller by default) in this server or everywhere."""
    services = invocation.services
    target = user or invocation.user
    here = invocation.guild_id if scope != "everywhere" else None
    stats = await services.storage.user_stats(target.id, guild_id=here)
    label = "In this server" if here is not None else "Everywhere (all servers and DMs)"
    await invocation.respond(
        embeds=[
            user_card(
                stats,
                target.global_name or target.username,
                label,
                own=target.id == invocation.user.id,
            )
        ]
    )
    services.metrics.commands.labels("stats", invocation.source, "ok").inc()


async def stats_server(invocation: Invocation) -> None:
    """Totals and rankings of the server the command was used in."""
    services = invocation.services
    if invocation.guild_id is None:
        await invocation.respond(
            "Server statistics need a server; in DMs try `/stats me`.", ephemeral=True
        )
        return
    stats = await services.storage.server_stats(invocation.guild_id, min_d20=MIN_D20_RANKED)
    guild = services.bot.cache.get_guild(invocation.guild_id)
    name = guild.name if guild is not None else "this server"
    await invocation.respond(embeds=[server_card(stats, name)])
    services.metrics.commands.labels("stats", invocation.source, "ok").inc()


async def stats_bot(invocation: Invocation) -> None:
    """Uptime, guilds, shards, latency, rolls served, memory, storage and version.

    Owners also see the warning when the storage will not survive a restart, and the cluster's
    processes (host names and process ids are theirs to see).
    """
    services = invocation.services
    bot = services.bot
    totals = await services.storage.totals()
    settings = services.settings
    storage = assess_storage(settings.host, settings.database_url, settings.data_dir)
    cluster = services.cluster
    owner = False
    if storage.warning is not None or cluster is not None:
        owners = Owners(bot.rest.fetch_application, settings.owner_ids)
        try:
            owner = await owners.includes(invocation.user.id)
        except hikari.HikariError:
            owner = False
    info = BotInfo(
        version=__version__,
        uptime=time.time() - services.started_at,
        guilds=len(bot.cache.get_guilds_view()),
        shards=tuple(bot.shards),
        shard_count=cluster.shard_count if cluster is not None else bot.shard_count,
        latency=bot.heartbeat_latency,
        rolls=totals.rolls,
        dice=totals.dice,
        memory=resident_memory(),
        storage=storage.kind,
        storage_warning=storage.warning if owner else None,
        cluster=await _cluster_view(cluster) if owner else None,
        member_id=cluster.member_id if cluster is not None else None,
    )
    await invocation.respond(embeds=[bot_card(info)])
    services.metrics.commands.labels("stats", invocation.source, "ok").inc()


class ForgetMeView(miru.View):
    """Delete / keep buttons that only the person who asked may press."""

    def __init__(self, invocation: Invocation, *, timeout: float = CONFIRM_TIMEOUT) -> None:
        super().__init__(timeout=timeout)
        self.invocation = invocation
        self.owner = invocation.user.id
        self.answered = False

    async def view_check(self, context: miru.ViewContext, /) -> bool:
        if context.user.id == self.owner:
            return True
        await context.respond(
            f"Only <@{self.owner}> can answer this; use `/stats forget-me` for your own data.",
            flags=hikari.MessageFlag.EPHEMERAL,
            mentions_everyone=False,
            user_mentions=False,
            role_mentions=False,
        )
        return False

    @miru.button(label="Delete my data", style=hikari.ButtonStyle.DANGER, custom_id=DELETE_ID)
    async def confirm(self, context: miru.ViewContext, button: miru.Button) -> None:
        """Delete everything stored about the owner."""
        if self.answered:
            return
        self.answered = True
        await self.invocation.services.storage.forget_user(self.owner)
        recent.forget_user(self.owner)
        self.invocation.services.metrics.commands.labels(
            "forget-me", self.invocation.source, "ok"
        ).inc()
        await context.edit_response(
            "Done: your roll statistics, recent rolls, saved rolls and settings are deleted, "
            "everywhere.",
            components=[],
            user_mentions=False,
        )
        self.stop()

    @miru.button(label="Keep it", style=hikari.ButtonStyle.SECONDARY, custom_id=KEEP_ID)
    async def keep(self, context: miru.ViewContext, button: miru.Button) -> None:
        """Change nothing."""
        self.answered = True
        await context.edit_response("Nothing was deleted.", components=[], user_mentions=False)
        self.stop()

    async def on_timeout(self) -> None:
        try:
            await self.invocation.edit_response(
                "This confirmation expired; nothing was deleted.", components=()
            )
        except hikari.HikariError as error:
            _LOGGER.debug("could not mark an expired forget-me prompt: %s", error)


_PROMPT = (
    "This deletes **all** your roll statistics (in every server and DM), your recent rolls, "
    "your saved rolls (servers keep theirs) and your settings. "
    "It cannot be undone. Delete them?"
)


class ForgetMe(lightbulb.Loadable):
    """Opens forget-me confirmations; added to a plugin's loader, it finds the miru client."""

    __slots__ = ("_miru", "timeout")

    def __init__(self, timeout: float = CONFIRM_TIMEOUT) -> None:
        self.timeout = timeout
        """Seconds a confirmation waits (for prompts opened afterwards)."""
        self._miru: miru.Client | None = None

    async def load(self, client: lightbulb.Client) -> None:
        async with client.di.enter_context(lightbulb.di.Contexts.DEFAULT) as container:
            self._miru = await container.get(miru.Client)

    async def unload(self, client: lightbulb.Client) -> None:
        self._miru = None

    async def prompt(self, invocation: Invocation) -> ForgetMeView:
        """Ask the caller to confirm (ephemerally where Discord allows it)."""
        if self._miru is None:
            raise RuntimeError("the forget-me prompt is not loaded")
        view = ForgetMeView(invocation, timeout=self.timeout)
        await invocation.respond(_PROMPT, components=view, ephemeral=True)
        self._miru.start_view(view, bind_to=await invocation.fetch_response_id())
        return view


async def prefix_stats(invocation: Invocation, text: str, forget_me: ForgetMe) -> None:
    """``!stats [everywhere|server|bot|forget-me]``."""
    match text.strip().lower():
        case "" | "me" | "here":
            await stats_me(invocation)
        case "everywhere" | "me everywhere" | "all":
            await stats_me(invocation, scope="everywhere")
        case "server":
            await stats_server(invocation)
        case "bot":
            await stats_bot(invocation)
        case "forget-me" | "forgetme" | "forget me":
            await forget_me.prompt(invocation)
        case _:
            await invocation.respond(_PREFIX_USAGE)


async def _cluster_view(cluster: ShardCoordinator | None) -> ClusterView | None:
    if cluster is None:
        return None
    try:
        return await cluster.view()
    except Exception:
        return cluster.last_view
