"""Validation of REST request bodies against Discord's OpenAPI 3.1 specification.

Validators are compiled by `jsonschema-rs` (a development dependency); without it, or without
the spec file, validation is off and `OpenAPIValidator.loaded` is false.
"""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from nazh.loopback.wire import as_object

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nazh.loopback.protocol import JsonObject, JsonValue

try:
    import jsonschema_rs
except ImportError:  # a plain install without the dev extra
    jsonschema_rs = None

__all__ = ("OpenAPIValidator", "default_spec_path")

_SPEC_URI = "urn:discord-openapi"
_PARAM = re.compile(r"\{[^/]+\}")
_UNIONS = ("anyOf", "oneOf")
_CHOICES = ("const", "enum")
_MAX_MESSAGE = 400
_MAX_INSTANCE = 40

_Path = list[str | int]


def default_spec_path() -> Path:
    """$NAZH_DISCORD_OPENAPI, else ../shared/discord-api/openapi.json beside the repository."""
    override = os.environ.get("NAZH_DISCORD_OPENAPI")
    if override:
        return Path(override)
    repo_root = Path(__file__).resolve().parents[2]
    return repo_root.parent / "shared" / "discord-api" / "openapi.json"


class OpenAPIValidator:
    """Maps a request to its spec operation and validates the JSON body."""

    __slots__ = ("_routes", "_spec", "path")

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._spec: JsonObject | None = (
            _load(path) if path is not None and jsonschema_rs is not None else None
        )
        self._routes: dict[int, list[tuple[re.Pattern[str], str]]] = {}
        if self._spec is not None:
            self._index(as_object(self._spec.get("paths")) or {})

    @property
    def loaded(self) -> bool:
        """Whether a spec was loaded and can be checked against (validation is off otherwise)."""
        return self._spec is not None

    def template_for(self, path: str) -> str | None:
        """The spec path template matching a concrete path below /api/v10, if any."""
        for pattern, template in self._routes.get(path.count("/"), ()):
            if pattern.fullmatch(path):
                return template
        return None

    def validate(self, method: str, path: str, body: JsonValue) -> list[str]:
        """Problems with a request body, as readable strings (empty when valid or unknown)."""
        if self._spec is None or self.path is None:
            return []
        template = self.template_for(path)
        if template is None:
            return []
        validator = _compile(self.path, method.lower(), template)
        if validator is None or validator.is_valid(body):
            return []
        where, message = _deepest(list(validator.iter_errors(body)))
        return [f"{_json_path(where)}: {_shorten(message)}"]

    def _index(self, paths: JsonObject) -> None:
        entries = sorted(paths, key=lambda t: (len(_PARAM.findall(t)), -len(t)))
        for template in entries:
            regex = "".join(
                "[^/]+" if _PARAM.fullmatch(part) else re.escape(part)
                for part in re.split(r"(\{[^/]+\})", template)
                if part
            )
            self._routes.setdefault(template.count("/"), []).append((re.compile(regex), template))


def _explain(error: Any) -> tuple[_Path, str]:
    """Where and what is wrong, descending from a failed union into the branch the body meant:
    branches whose `type` tag disagrees with the body's are dropped, then the one that got
    furthest into the body wins (type mismatches and more errors count against a branch)."""
    where: _Path = list(error.instance_path)
    kind = error.kind
    if kind.name not in _UNIONS:
        return where, _without_long_instance(error.message, error.instance)
    branches: list[list[Any]] = [branch for branch in kind.context if branch]
    instance = error.instance
    tag: _Path = [*where, "type"]
    tags = [[e for e in branch if _is_choice_at(e, tag)] for branch in branches]
    if any(tags):
        matching = [branch for branch, wrong in zip(branches, tags, strict=True) if not wrong]
        if not matching:
            allowed = _choices(e for wrong in tags for e in wrong)
            return tag, f"{_dump(instance['type'])} is not one of {allowed}"
        branches = matching
    errors = [e for branch in branches for e in branch]
    if errors and all(_is_choice_at(e, where) for e in errors):
        return where, f"{_dump(instance)} is not one of {_choices(errors)}"
    if errors and all(e.kind.name == "type" and list(e.instance_path) == where for e in errors):
        types = dict.fromkeys(t for e in errors for t in e.kind.types)
        return where, f"{_dump(instance)} is not of type {' or '.join(types)}"
    if not branches:
        return where, error.message
    explained = [
        ([_explain(e) for e in branch], all(e.kind.name == "type" for e in branch))
        for branch in branches
    ]
    best, _ = max(
        explained,
        key=lambda scored: (
            max(len(w) for w, _ in scored[0]),
            not scored[1],
            -len(scored[0]),
        ),
    )
    return max(best, key=lambda found: len(found[0]))


def _deepest(errors: list[Any]) -> tuple[_Path, str]:
    return max((_explain(error) for error in errors), key=lambda found: len(found[0]))


def _is_choice_at(error: Any, where: _Path) -> bool:
    return error.kind.name in _CHOICES and list(error.instance_path) == where


def _choices(errors: Any) -> str:
    """The allowed values named by const/enum errors, in order, without repeats."""
    allowed: list[Any] = []
    for error in errors:
        kind = error.kind
        values: Sequence[Any] = kind.options if kind.name == "enum" else [kind.expected_value]
        allowed.extend(value for value in values if value not in allowed)
    return f"[{', '.join(_dump(value) for value in allowed)}]"


def _without_long_instance(message: str, instance: Any) -> str:
    """The message with a long rendering of the offending value cut short."""
    for shown in {_compact(instance, sort_keys=False), _compact(instance, sort_keys=True)}:
        if len(shown) > _MAX_INSTANCE and shown in message:
            return message.replace(shown, f"{shown[:_MAX_INSTANCE]}... ({len(shown)} chars)")
    return message


def _compact(value: Any, *, sort_keys: bool) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), sort_keys=sort_keys)


def _dump(value: Any) -> str:
    shown = _compact(value, sort_keys=False)
    return shown if len(shown) <= _MAX_INSTANCE else f"{shown[:_MAX_INSTANCE]}..."


def _shorten(message: str) -> str:
    return message if len(message) <= _MAX_MESSAGE else message[:_MAX_MESSAGE] + "..."


def _json_path(where: _Path) -> str:
    return "$" + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in where)


@functools.cache
def _compile(path: Path, method: str, template: str) -> Any:
    """The operation's body validator (None when it takes no JSON body), shared by emulators."""
    spec = _load(path)
    assert spec is not None
    assert jsonschema_rs is not None
    paths = as_object(spec.get("paths")) or {}
    operation = as_object((as_object(paths.get(template)) or {}).get(method)) or {}
    body = as_object(operation.get("requestBody")) or {}
    content = as_object(body.get("content")) or {}
    schema = (as_object(content.get("application/json")) or {}).get("schema")
    if schema is None:
        return None
    rebased = _rebase(schema)
    if not isinstance(rebased, dict | bool):
        return None
    return jsonschema_rs.Draft202012Validator(
        rebased, registry=_registry(path), validate_formats=False
    )


def _rebase(schema: JsonValue) -> JsonValue:
    """Point local '#/...' references of an operation's schema at the spec resource."""
    if isinstance(schema, dict):
        return {
            key: (
                _SPEC_URI + value
                if key == "$ref" and isinstance(value, str) and value.startswith("#")
                else _rebase(value)
            )
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(item) for item in schema]
    return schema


@functools.cache
def _load(path: Path) -> JsonObject | None:
    try:
        with path.open(encoding="utf-8") as handle:
            spec: JsonObject = json.load(handle)
    except FileNotFoundError:
        return None
    schemas = as_object((as_object(spec.get("components")) or {}).get("schemas")) or {}
    if "SnowflakeType" in schemas:
        # Discord's docs send integer snowflakes in requests (new attachments are {"id": 0}),
        # and the docs win where the spec disagrees.
        schemas["SnowflakeType"] = {
            "anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]
        }
    return spec


@functools.cache
def _registry(path: Path) -> Any:
    assert jsonschema_rs is not None
    return jsonschema_rs.Registry([(_SPEC_URI, _load(path) or {})])
