"""Validation of REST request bodies against Discord's OpenAPI 3.1 specification."""

from __future__ import annotations

import functools
import json
import os
import re
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from jsonschema.exceptions import best_match
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

__all__ = ("OpenAPIValidator", "default_spec_path")

_SPEC_URI = "urn:discord-openapi"
_PARAM = re.compile(r"\{[^/]+\}")
_MAX_MESSAGE = 400
_MAX_INSTANCE = 40


def default_spec_path() -> Path:
    """$NAZH_DISCORD_OPENAPI, else ../shared/discord-api/openapi.json beside the repository."""
    override = os.environ.get("NAZH_DISCORD_OPENAPI")
    if override:
        return Path(override)
    repo_root = Path(__file__).resolve().parents[2]
    return repo_root.parent / "shared" / "discord-api" / "openapi.json"


class _Operation:
    """One operation's body validator, plus per-`type` validators when its schema is a union
    whose branches each fix `type` (interaction callbacks): validating only the branch the
    body names is faster and reports that branch's errors."""

    __slots__ = ("by_type", "method", "template", "validator")

    def __init__(
        self,
        method: str,
        template: str,
        validator: Draft202012Validator | None,
        by_type: dict[Any, Draft202012Validator],
    ) -> None:
        self.method = method
        self.template = template
        self.validator = validator
        self.by_type = by_type

    def validator_for(self, body: Any) -> Draft202012Validator | None:
        if self.by_type and isinstance(body, dict):
            kind = body.get("type")
            if isinstance(kind, int) and not isinstance(kind, bool) and kind in self.by_type:
                return self.by_type[kind]
        return self.validator


class OpenAPIValidator:
    """Maps a request to its spec operation and validates the JSON body (validators cached)."""

    __slots__ = ("_cache", "_routes", "_spec", "path")

    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._spec: dict[str, Any] | None = _load(path) if path is not None else None
        self._cache: dict[tuple[str, str], _Operation] = {}
        self._routes: dict[int, list[tuple[re.Pattern[str], str]]] = {}
        if self._spec is not None:
            self._index(self._spec["paths"])

    @property
    def loaded(self) -> bool:
        """Whether a spec was found and loaded (validation is off otherwise)."""
        return self._spec is not None

    def template_for(self, path: str) -> str | None:
        """The spec path template matching a concrete path below /api/v10, if any."""
        for pattern, template in self._routes.get(path.count("/"), ()):
            if pattern.fullmatch(path):
                return template
        return None

    def validate(self, method: str, path: str, body: Any) -> list[str]:
        """Problems with a request body, as readable strings (empty when valid or unknown)."""
        if self._spec is None:
            return []
        template = self.template_for(path)
        if template is None:
            return []
        validator = self._operation(method.lower(), template).validator_for(body)
        if validator is None:
            return []
        error = best_match(validator.iter_errors(body))
        if error is None:
            return []
        message = error.message
        shown = repr(error.instance)
        if len(shown) > _MAX_INSTANCE:
            message = message.replace(shown, f"{shown[:_MAX_INSTANCE]}... ({len(shown)} chars)")
        if len(message) > _MAX_MESSAGE:
            message = message[:_MAX_MESSAGE] + "..."
        return [f"{error.json_path}: {message}"]

    def _index(self, paths: dict[str, Any]) -> None:
        entries = sorted(paths, key=lambda t: (len(_PARAM.findall(t)), -len(t)))
        for template in entries:
            regex = "".join(
                "[^/]+" if _PARAM.fullmatch(part) else re.escape(part)
                for part in re.split(r"(\{[^/]+\})", template)
                if part
            )
            self._routes.setdefault(template.count("/"), []).append((re.compile(regex), template))

    def _operation(self, method: str, template: str) -> _Operation:
        key = (method, template)
        operation = self._cache.get(key)
        if operation is None:
            assert self._spec is not None
            spec_op = self._spec["paths"][template].get(method) or {}
            content = (spec_op.get("requestBody") or {}).get("content") or {}
            schema = (content.get("application/json") or {}).get("schema")
            validator = None
            by_type: dict[Any, Draft202012Validator] = {}
            if schema is not None:
                registry = _registry(self.path)
                validator = Draft202012Validator(_rebase(schema), registry=registry)
                for ref, kinds in self._branches_by_type(schema):
                    branch = Draft202012Validator({"$ref": _SPEC_URI + ref}, registry=registry)
                    by_type.update(dict.fromkeys(kinds, branch))
            operation = self._cache[key] = _Operation(method, template, validator, by_type)
        return operation

    def _branches_by_type(self, schema: dict[str, Any]) -> list[tuple[str, list[Any]]]:
        """($ref, allowed `type` values) of each branch of a union schema, if all fix `type`."""
        assert self._spec is not None
        branches = schema.get("anyOf") or schema.get("oneOf") or []
        found: list[tuple[str, list[Any]]] = []
        for branch in branches:
            ref = branch.get("$ref", "") if isinstance(branch, dict) else ""
            if not ref.startswith("#/components/schemas/"):
                return []
            target = self._spec["components"]["schemas"].get(ref.rsplit("/", 1)[1], {})
            kinds = ((target.get("properties") or {}).get("type") or {}).get("enum")
            if not kinds:
                return []
            found.append((ref, kinds))
        return found


def _rebase(schema: Any) -> Any:
    """Point local '#/...' references of an operation's schema at the spec resource."""
    if isinstance(schema, dict):
        return {
            key: (_SPEC_URI + value if key == "$ref" and value.startswith("#") else _rebase(value))
            for key, value in schema.items()
        }
    if isinstance(schema, list):
        return [_rebase(item) for item in schema]
    return schema


@functools.cache
def _load(path: Path) -> dict[str, Any] | None:
    try:
        with path.open(encoding="utf-8") as handle:
            spec = json.load(handle)
    except FileNotFoundError:
        return None
    schemas = spec.get("components", {}).get("schemas", {})
    if "SnowflakeType" in schemas:
        # Discord's docs send integer snowflakes in requests (new attachments are {"id": 0}),
        # and the docs win where the spec disagrees.
        schemas["SnowflakeType"] = {
            "anyOf": [schemas["SnowflakeType"], {"type": "integer", "minimum": 0}]
        }
    return spec


@functools.cache
def _registry(path: Path | None) -> Registry[Any]:
    spec = _load(path) if path is not None else None
    resource = Resource.from_contents(spec or {}, default_specification=DRAFT202012)
    return Registry().with_resource(_SPEC_URI, resource)
