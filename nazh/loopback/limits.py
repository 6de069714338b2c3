"""Discord limits the OpenAPI spec does not state, checked on every message-like body and file."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nazh.loopback.protocol import (
    SELECT_MENU_TYPES,
    ComponentType,
    InteractionCallbackType,
    MessageFlags,
)
from nazh.loopback.wire import COMPONENT, EMBED, INTERACTION_CALLBACK, as_list, integer, objects

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nazh.loopback.protocol import JsonObject, JsonValue

__all__ = (
    "ATTACHMENT_SIZE_LIMIT",
    "NONCE_LENGTH_LIMIT",
    "check_callback",
    "check_message",
    "check_nonce",
    "check_uploads",
)

ATTACHMENT_SIZE_LIMIT = 10 * 1024 * 1024
"""Largest file a bot may upload (10 MiB, a guild without boosts); interactions announce it as
`attachment_size_limit`."""

NONCE_LENGTH_LIMIT = 25
"""Longest string nonce of a message create (an integer nonce is an int64)."""

_INT64 = range(-(2**63), 2**63)
_EMBED_TEXT = (("title", 256), ("description", 4096))
_MESSAGE_CALLBACKS = (
    InteractionCallbackType.CHANNEL_MESSAGE_WITH_SOURCE,
    InteractionCallbackType.UPDATE_MESSAGE,
)


def check_message(body: JsonObject) -> list[str]:
    """Problems with a message create/edit body: content, embeds and components."""
    problems: list[str] = []
    content = body.get("content")
    if isinstance(content, str) and len(content) > 2000:
        problems.append(f"content is {len(content)} characters (max 2000)")
    problems.extend(_check_embeds(body.get("embeds")))
    components = body.get("components")
    v2 = integer(body.get("flags")) & MessageFlags.IS_COMPONENTS_V2
    if isinstance(components, list) and not v2:
        problems.extend(_check_action_rows(objects(components)))
    return problems


def check_callback(body: JsonObject) -> list[str]:
    """Problems with an interaction callback body (message, autocomplete or modal)."""
    callback = INTERACTION_CALLBACK.view(body)
    data = callback.get("data") if callback else None
    if callback is None or data is None:
        return []
    kind = callback.get("type")
    if kind in _MESSAGE_CALLBACKS:
        return check_message(data)
    if kind == InteractionCallbackType.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT:
        choices = as_list(data.get("choices"))
        return [f"{len(choices)} autocomplete choices (max 25)"] if len(choices) > 25 else []
    if kind == InteractionCallbackType.MODAL:
        rows = as_list(data.get("components"))
        return [f"{len(rows)} modal rows (max 5)"] if len(rows) > 5 else []
    return []


def check_nonce(body: JsonObject) -> list[str]:
    """Problems with a message create's nonce, as the spec states them (checked here when the
    spec is not loaded): an int64 or a string of at most 25 characters."""
    nonce = body.get("nonce")
    if nonce is None or (
        isinstance(nonce, int) and not isinstance(nonce, bool) and nonce in _INT64
    ):
        return []
    if isinstance(nonce, str):
        if len(nonce) <= NONCE_LENGTH_LIMIT:
            return []
        return [f"nonce is {len(nonce)} characters (max {NONCE_LENGTH_LIMIT})"]
    return [f"nonce {nonce!r} is not an integer or a string"]


def check_uploads(sizes: Sequence[tuple[str, int]]) -> list[str]:
    """Problems with the files of a request, given as (file name, size in bytes)."""
    return [
        f"file {name!r} is {size} bytes (max {ATTACHMENT_SIZE_LIMIT})"
        for name, size in sizes
        if size > ATTACHMENT_SIZE_LIMIT
    ]


def _check_embeds(value: JsonValue) -> list[str]:
    problems: list[str] = []
    embeds = as_list(value)
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} embeds (max 10)")
    total = 0
    for index, item in enumerate(embeds):
        embed = EMBED.view(item)
        if embed is None:
            continue
        for key, limit in _EMBED_TEXT:
            text = (embed.get("title") if key == "title" else embed.get("description")) or ""
            total += len(text)
            if len(text) > limit:
                problems.append(f"embeds[{index}].{key} is {len(text)} characters (max {limit})")
        fields = embed.get("fields") or []
        if len(fields) > 25:
            problems.append(f"embeds[{index}] has {len(fields)} fields (max 25)")
        for field in fields:
            total += len(field.get("name") or "") + len(field.get("value") or "")
        total += len((embed.get("footer") or {}).get("text") or "")
        total += len((embed.get("author") or {}).get("name") or "")
    if total > 6000:
        problems.append(f"embeds total {total} characters (max 6000)")
    return problems


def _check_action_rows(rows: list[JsonObject]) -> list[str]:
    problems: list[str] = []
    if len(rows) > 5:
        problems.append(f"{len(rows)} action rows (max 5)")
    for index, row in enumerate(rows):
        children = COMPONENT.views(row.get("components"))
        buttons = [c for c in children if c.get("type") == ComponentType.BUTTON]
        selects = [c for c in children if c.get("type") in SELECT_MENU_TYPES]
        if len(buttons) > 5:
            problems.append(f"action row {index} has {len(buttons)} buttons (max 5)")
        if selects and len(children) > 1:
            problems.append(f"action row {index} mixes a select menu with other components")
        for select in selects:
            options = select.get("options") or []
            if len(options) > 25:
                problems.append(
                    f"select {select.get('custom_id')!r} has {len(options)} options (max 25)"
                )
    return problems
