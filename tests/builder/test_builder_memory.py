"""Abandoned builders (and their modals) leave nothing behind: live views and memory go back."""

from __future__ import annotations

import asyncio
import gc
import tracemalloc
from types import SimpleNamespace
from typing import TYPE_CHECKING, cast

import hikari

from nazh.builder import BuilderHub, BuilderView
from nazh.builder.view import BuilderModal, SidesModal
from nazh.commands.stats import resident_memory
from nazh.invocation import Invocation

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nazh.app import NazhApp
    from nazh.invocation import Source
    from nazh.services import Services

BUILDERS = 5_000
USERS = 1_000
TIMEOUT = 0.5
SLACK = 256 * 1024
"""Bytes a round may leave behind (allocator and cache noise)."""


class StubInvocation(Invocation):
    """A /build call whose answers go nowhere: the test exercises the hub, views and modals."""

    __slots__ = ("message_id",)

    source: Source = "slash"

    def __init__(self, services: Services, user_id: int, message_id: int) -> None:
        user = cast("hikari.User", SimpleNamespace(id=hikari.Snowflake(user_id)))
        super().__init__(services, user, None, hikari.Snowflake(1))
        self.message_id = hikari.Snowflake(message_id)

    async def respond(
        self,
        content: str | None = None,
        *,
        embeds: Sequence[hikari.Embed] = (),
        components: Sequence[hikari.api.ComponentBuilder] = (),
        attachments: Sequence[hikari.Resourceish] = (),
        ephemeral: bool = False,
    ) -> hikari.Snowflake | None:
        assert content is not None
        assert 1 <= len(components) <= 5
        return self.message_id

    async def defer(self, *, ephemeral: bool = False) -> None:
        return None

    async def fetch_response_id(self) -> hikari.Snowflake:
        return self.message_id

    async def edit_response(
        self, content: str, *, components: Sequence[hikari.api.ComponentBuilder] = ()
    ) -> None:
        assert "replaced" in content or "expired" in content or "closed" in content


def live_objects() -> tuple[int, int]:
    gc.collect()
    objects = gc.get_objects()
    return (
        sum(isinstance(o, BuilderView) for o in objects),
        sum(isinstance(o, BuilderModal) for o in objects),
    )


async def wait_until_all_expired(hub: BuilderHub, app: NazhApp) -> None:
    for _ in range(400):
        if not hub.live and not app.miru._bound_views and not app.miru._modals:
            break
        await asyncio.sleep(0.025)
    await asyncio.sleep(0.1)


async def open_many(hub: BuilderHub, app: NazhApp, count: int, first_id: int) -> None:
    for n in range(count):
        invocation = StubInvocation(app.services, 10_000 + n % USERS, first_id + n)
        view = await hub.open(invocation, ephemeral=True)
        if n % 2:
            app.miru.start_modal(view.new_modal(SidesModal))


async def test_abandoned_builders_and_modals_return_to_baseline(app: NazhApp) -> None:
    hub = app.miru.get_type_dependency(BuilderHub)
    hub.timeout = TIMEOUT
    tracemalloc.start()
    try:
        # A first round sets the high-water marks of hash tables that never shrink (asyncio's set
        # of tasks, miru's and the hub's dicts); the measured round must not add to them.
        await open_many(hub, app, BUILDERS, 1_000_000)
        await wait_until_all_expired(hub, app)
        baseline_objects = live_objects()
        baseline = tracemalloc.get_traced_memory()[0]
        await open_many(hub, app, BUILDERS, 2_000_000)
        during = tracemalloc.get_traced_memory()[0]
        assert len(hub.live) == USERS
        assert len(app.miru._bound_views) == USERS
        assert len(app.miru._modals) == USERS // 2
        await wait_until_all_expired(hub, app)
        assert hub.live == {}
        assert app.miru._bound_views == {}
        assert app.miru._unbound_views == {}
        assert app.miru._modals == {}
        assert live_objects() == baseline_objects
        after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    assert during - baseline > 20 * SLACK, (baseline, during)
    assert after - baseline < SLACK, (baseline, during, after)


RSS_BUILDERS = 2_000
RSS_TIMEOUT = 3.0
"""Idle seconds before a builder expires: most of a round's builders are open at once."""
RSS_PLATEAU = 20 * 2**20
"""Bytes of resident memory a second round of abandoned builders may add (issue #14)."""


async def test_resident_memory_plateaus_over_two_rounds_of_abandoned_builders(
    app: NazhApp,
) -> None:
    hub = app.miru.get_type_dependency(BuilderHub)
    hub.timeout = RSS_TIMEOUT
    rounds: list[int] = []
    for first_id in (3_000_000, 4_000_000):
        for n in range(RSS_BUILDERS):
            invocation = StubInvocation(app.services, 50_000 + n, first_id + n)
            view = await hub.open(invocation, ephemeral=True)
            if n % 2:
                app.miru.start_modal(view.new_modal(SidesModal))
        await wait_until_all_expired(hub, app)
        assert hub.live == {}
        gc.collect()
        resident = resident_memory()
        assert resident is not None
        rounds.append(resident)
    first, second = rounds
    assert second - first < RSS_PLATEAU, f"RSS after round 1: {first}, after round 2: {second}"
