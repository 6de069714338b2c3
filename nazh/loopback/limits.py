"""Discord limits the OpenAPI spec does not state, checked on every message-like body."""

from __future__ import annotations

from typing import Any

__all__ = ("check_callback", "check_message")

Json = dict[str, Any]

_COMPONENTS_V2 = 1 << 15
_EMBED_TEXT = (("title", 256), ("description", 4096))


def check_message(body: Json) -> list[str]:
    """Problems with a message create/edit body: content, embeds and components."""
    problems: list[str] = []
    content = body.get("content")
    if isinstance(content, str) and len(content) > 2000:
        problems.append(f"content is {len(content)} characters (max 2000)")
    embeds = body.get("embeds") or []
    if isinstance(embeds, list):
        problems.extend(_check_embeds(embeds))
    components = body.get("components") or []
    flags = body.get("flags") or 0
    if isinstance(components, list) and not (isinstance(flags, int) and flags & _COMPONENTS_V2):
        problems.extend(_check_action_rows(components))
    return problems


def check_callback(body: Json) -> list[str]:
    """Problems with an interaction callback body (message, autocomplete or modal)."""
    data = body.get("data")
    if not isinstance(data, dict):
        return []
    kind = body.get("type")
    if kind in (4, 7):
        return check_message(data)
    if kind == 8:
        choices = data.get("choices") or []
        return [f"{len(choices)} autocomplete choices (max 25)"] if len(choices) > 25 else []
    if kind == 9:
        rows = data.get("components") or []
        return [f"{len(rows)} modal rows (max 5)"] if len(rows) > 5 else []
    return []


def _check_embeds(embeds: list[Json]) -> list[str]:
    problems: list[str] = []
    if len(embeds) > 10:
        problems.append(f"{len(embeds)} embeds (max 10)")
    total = 0
    for index, embed in enumerate(embeds):
        if not isinstance(embed, dict):
            continue
        for key, limit in _EMBED_TEXT:
            text = embed.get(key) or ""
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


def _check_action_rows(rows: list[Json]) -> list[str]:
    problems: list[str] = []
    if len(rows) > 5:
        problems.append(f"{len(rows)} action rows (max 5)")
    for index, row in enumerate(rows):
        if not isinstance(row, dict):
            continue
        children = row.get("components") or []
        buttons = [c for c in children if c.get("type") == 2]
        selects = [c for c in children if c.get("type") in (3, 5, 6, 7, 8)]
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
