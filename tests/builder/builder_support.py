"""Driving the builder on the loopback Discord: open it, read its controls and its notation."""

from __future__ import annotations

import asyncio
import re
from typing import TYPE_CHECKING, Any

from nazh.builder import BuilderHub
from nazh.loopback.protocol import ComponentType, InteractionCallbackType

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord, Outcome, StoredMessage

__all__ = ("TOTAL", "Json", "controls", "enabled", "hub_of", "notation", "open_builder")

Json = dict[str, Any]
TOTAL = re.compile(r"= `(-?\d+)`")


def hub_of(app: NazhApp) -> BuilderHub:
    return app.miru.get_type_dependency(BuilderHub)


def controls(components: list[Json]) -> dict[str, Json]:
    """Every component by custom id, after checking Discord's layout limits."""
    assert 1 <= len(components) <= 5
    found: dict[str, Json] = {}
    for row in components:
        assert row["type"] == ComponentType.ACTION_ROW
        items = row["components"]
        selects = [c for c in items if c["type"] == ComponentType.STRING_SELECT]
        assert (len(selects) == 1 and len(items) == 1) or (not selects and 1 <= len(items) <= 5)
        for item in items:
            if item["type"] == ComponentType.STRING_SELECT:
                assert 1 <= len(item["options"]) <= 25
                assert len({o["value"] for o in item["options"]}) == len(item["options"])
            assert len(item.get("label") or "") <= 80
            found[item["custom_id"]] = item
    return found


def enabled(message: StoredMessage | Outcome | None) -> set[str]:
    assert message is not None
    return {cid for cid, c in controls(message.components).items() if not c.get("disabled")}


def notation(content: str) -> str:
    found = re.search(r"^`([^`]*)`$", content, re.MULTILINE)
    assert found, content
    return found.group(1)


async def open_builder(emu: LoopbackDiscord, app: NazhApp, **kwargs: Any) -> StoredMessage:
    await emu.wait_commands({"build"})
    outcome = await emu.slash("build", {}, **kwargs)
    assert outcome.callback_type == InteractionCallbackType.CHANNEL_MESSAGE_WITH_SOURCE
    assert outcome.ephemeral
    message = outcome.message
    assert message is not None
    for _ in range(100):
        if app.miru.get_bound_view(message.id) is not None:
            break
        await asyncio.sleep(0.01)
    return message
