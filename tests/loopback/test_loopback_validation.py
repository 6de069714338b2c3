"""Request bodies are checked against the OpenAPI spec and Discord's unstated limits."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
import hikari
import pytest

from nazh.loopback import LoopbackDiscord, openapi
from nazh.loopback.limits import check_callback, check_message
from nazh.loopback.openapi import OpenAPIValidator, default_spec_path
from nazh.loopback.protocol import ButtonStyle, ComponentType, MessageFlags
from nazh.loopback.protocol import InteractionCallbackType as Callback

if TYPE_CHECKING:
    from nazh.loopback import JsonObject, Outcome

BotFactory = Callable[[LoopbackDiscord, hikari.Intents], hikari.GatewayBot]
_MESSAGE = {"$ref": "#/components/schemas/Message"}
_BODY = {"requestBody": {"content": {"application/json": {"schema": _MESSAGE}}}}
_MINI_SPEC = {
    "openapi": "3.1.0",
    "paths": {
        "/channels/{channel_id}/messages": {"post": _BODY},
        "/webhooks/{webhook_id}/{webhook_token}/messages/@original": {"patch": _BODY},
        "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}": {"patch": _BODY},
        "/interactions/{interaction_id}/{interaction_token}/callback": {
            "post": {
                "requestBody": {
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["type"],
                                "properties": {"type": {"type": "integer"}, "data": _MESSAGE},
                            }
                        }
                    }
                }
            }
        },
    },
    "components": {
        "schemas": {
            "Message": {
                "type": "object",
                "properties": {
                    "content": {"type": ["string", "null"], "maxLength": 2000},
                    "tts": {"type": ["boolean", "null"]},
                    "embeds": {"type": ["array", "null"]},
                    "attachments": {
                        "type": ["array", "null"],
                        "items": {
                            "type": "object",
                            "properties": {"id": {"$ref": "#/components/schemas/SnowflakeType"}},
                        },
                    },
                },
            },
            "SnowflakeType": {"type": "string", "pattern": "^(0|[1-9][0-9]*)$"},
        }
    },
}


@pytest.fixture
def mini_spec(tmp_path: Path) -> Path:
    """A small OpenAPI 3.1 document with Discord-shaped paths and a $ref'd schema."""
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(_MINI_SPEC))
    return path


async def _run_long(emu: LoopbackDiscord, make_bot: BotFactory) -> Outcome:
    app = make_bot(
        emu, hikari.Intents.GUILDS | hikari.Intents.GUILD_MESSAGES | hikari.Intents.DM_MESSAGES
    )
    await app.start(check_for_updates=False)
    try:
        await emu.wait_commands({"long"})
        return await emu.slash("long", max_wait=1.0)
    finally:
        await app.close()


async def test_too_long_content_is_caught_by_spec_and_limits(
    mini_spec: Path, make_bot: BotFactory
) -> None:
    async with LoopbackDiscord(openapi=mini_spec) as emu:
        outcome = await _run_long(emu, make_bot)

    assert emu.openapi_loaded
    assert outcome.callback is None
    assert [r.status for r in outcome.requests] == [400]
    route = "POST /interactions/{interaction_id}/{interaction_token}/callback"
    assert len(emu.violations) == 2
    assert emu.violations[0].startswith(f"{route}: $.data.content: ")
    assert "is longer than 2000 characters" in emu.violations[0]
    assert emu.violations[1] == f"{route}: content is 2001 characters (max 2000)"


async def test_extra_limits_apply_without_the_spec(tmp_path: Path, make_bot: BotFactory) -> None:
    async with LoopbackDiscord(openapi=tmp_path / "missing.json") as emu:
        outcome = await _run_long(emu, make_bot)

    assert not emu.openapi_loaded
    assert outcome.callback is None
    assert emu.violations == [
        "POST /interactions/{interaction_id}/{interaction_token}/callback: "
        "content is 2001 characters (max 2000)"
    ]


async def test_invalid_bodies_can_be_recorded_without_rejecting(mini_spec: Path) -> None:
    async with LoopbackDiscord(openapi=mini_spec, reject_invalid=False) as emu:
        status, _ = await _post_message(emu, {"content": 5})

    assert status == 200
    assert len(emu.violations) == 1


async def _post_message(emu: LoopbackDiscord, body: object) -> tuple[int, dict[str, object]]:
    url = f"{emu.rest_url}/channels/{emu.channel_id}/messages"
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, json=body, headers={"Authorization": f"Bot {emu.token}"}) as response,
    ):
        return response.status, await response.json()


async def test_schema_violation_over_http_is_caught(mini_spec: Path) -> None:
    async with LoopbackDiscord(openapi=mini_spec) as emu:
        status, body = await _post_message(emu, {"content": 5, "embeds": "not a list"})
        valid_status, _ = await _post_message(emu, {"content": "fine", "tts": False})

    assert (status, body["code"]) == (400, 50035)
    assert valid_status == 200
    assert len(emu.violations) == 1
    assert emu.violations[0].startswith("POST /channels/{channel_id}/messages: $.")
    assert [m.content for m in emu.messages] == ["fine"]


def test_validator_maps_paths_and_reports_schema_errors(mini_spec: Path) -> None:
    validator = OpenAPIValidator(mini_spec)
    callback = "/interactions/1/tok/callback"

    assert validator.template_for("/webhooks/1/tok/messages/@original") == (
        "/webhooks/{webhook_id}/{webhook_token}/messages/@original"
    )
    assert validator.template_for("/webhooks/1/tok/messages/2") == (
        "/webhooks/{webhook_id}/{webhook_token}/messages/{message_id}"
    )
    body: JsonObject = {"type": Callback.CHANNEL_MESSAGE_WITH_SOURCE, "data": {"content": "ok"}}
    assert validator.validate("POST", callback, body) == []
    assert validator.validate("POST", callback, {"type": "four"}) == [
        '$.type: "four" is not of type "integer"'
    ]
    assert validator.validate("POST", callback, {"data": {}}) == [
        '$: "type" is a required property'
    ]
    assert validator.validate("POST", "/not/a/route", {"anything": 1}) == []
    assert validator.validate("GET", "/channels/1/messages", None) == []


def test_integer_snowflakes_are_accepted_as_discord_does(mini_spec: Path) -> None:
    validator = OpenAPIValidator(mini_spec)
    path = "/channels/1/messages"

    assert validator.validate("POST", path, {"attachments": [{"id": 0}, {"id": "12"}]}) == []
    assert validator.validate("POST", path, {"attachments": [{"id": -1}]}) != []
    assert validator.validate("POST", path, {"attachments": [{"id": "x1"}]}) != []


def test_validator_off_without_spec(tmp_path: Path) -> None:
    validator = OpenAPIValidator(tmp_path / "missing.json")

    assert not validator.loaded
    assert validator.validate("POST", "/channels/1/messages", {"tts": "yes"}) == []


def test_validator_off_without_jsonschema_rs(
    mini_spec: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(openapi, "jsonschema_rs", None)
    validator = OpenAPIValidator(mini_spec)

    assert not validator.loaded
    assert validator.validate("POST", "/channels/1/messages", {"content": 5}) == []


def _union_spec(tmp_path: Path) -> Path:
    """Messages whose components are tagged unions, shaped like Discord's."""

    def ref(name: str) -> dict[str, str]:
        return {"$ref": f"#/components/schemas/{name}"}

    schemas = {
        "Button": {
            "type": "object",
            "required": ["type", "style"],
            "properties": {
                "type": {"type": "integer", "enum": [2]},
                "style": {"oneOf": [{"const": 1}, {"const": 2}]},
                "label": {"type": ["string", "null"], "maxLength": 80},
            },
        },
        "Select": {
            "type": "object",
            "required": ["type", "options"],
            "properties": {
                "type": {"type": "integer", "enum": [3]},
                "options": {"type": "array", "maxItems": 25},
            },
        },
        "ActionRow": {
            "type": "object",
            "required": ["type", "components"],
            "properties": {
                "type": {"type": "integer", "enum": [1]},
                "components": {"type": "array", "items": {"anyOf": [ref("Button"), ref("Select")]}},
            },
        },
        "Message": {
            "type": "object",
            "properties": {
                "components": {
                    "anyOf": [{"type": "array", "items": ref("ActionRow")}, {"type": "null"}]
                }
            },
        },
    }
    spec = {
        "openapi": "3.1.0",
        "paths": {
            "/channels/{channel_id}/messages": {
                "post": {
                    "requestBody": {"content": {"application/json": {"schema": ref("Message")}}}
                }
            }
        },
        "components": {"schemas": schemas},
    }
    path = tmp_path / "unions.json"
    path.write_text(json.dumps(spec))
    return path


def test_union_errors_name_the_branch_the_body_meant(tmp_path: Path) -> None:
    validator = OpenAPIValidator(_union_spec(tmp_path))
    button: JsonObject = {"type": ComponentType.BUTTON, "style": ButtonStyle.PRIMARY, "label": "ok"}
    select: JsonObject = {"type": ComponentType.STRING_SELECT, "options": []}

    def problems(*components: JsonObject) -> list[str]:
        body = {"components": [_row(button, select), _row(*components)]}
        return validator.validate("POST", "/channels/1/messages", body)

    assert problems(button, select) == []
    assert problems(button, {**button, "style": 9}) == [
        "$.components[1].components[1].style: 9 is not one of [1, 2]"
    ]
    assert problems({**button, "type": ComponentType.MENTIONABLE_SELECT}) == [
        "$.components[1].components[0].type: 7 is not one of [2, 3]"
    ]
    assert problems({**select, "options": [{}] * 26}) == [
        "$.components[1].components[0].options: [{},{},{},{},{},{},{},{},{},{},{},{},{},... "
        "(79 chars) has more than 25 items"
    ]
    assert problems({**button, "label": "x" * 81}) == [
        f'$.components[1].components[0].label: "{"x" * 39}... (83 chars) '
        "is longer than 80 characters"
    ]
    assert validator.validate("POST", "/channels/1/messages", {"components": 5}) == [
        "$.components: 5 is not of type array or null"
    ]


def test_spec_location_follows_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("NAZH_DISCORD_OPENAPI", raising=False)
    assert default_spec_path().parts[-3:] == ("shared", "discord-api", "openapi.json")
    monkeypatch.setenv("NAZH_DISCORD_OPENAPI", "/elsewhere/spec.json")
    assert default_spec_path() == Path("/elsewhere/spec.json")


def _row(*components: JsonObject) -> JsonObject:
    return {"type": ComponentType.ACTION_ROW, "components": list(components)}


def test_message_limits_the_spec_does_not_state() -> None:
    button: JsonObject = {
        "type": ComponentType.BUTTON,
        "style": ButtonStyle.PRIMARY,
        "label": "b",
        "custom_id": "b",
    }
    select: JsonObject = {
        "type": ComponentType.STRING_SELECT,
        "custom_id": "s",
        "options": [{"label": str(n), "value": str(n)} for n in range(26)],
    }
    fields = [{"name": "n" * 256, "value": "v" * 1024} for _ in range(5)]

    assert check_message({"content": "x" * 2000, "components": [_row(button)] * 5}) == []
    assert check_message({"content": "x" * 2001}) == ["content is 2001 characters (max 2000)"]
    assert check_message({"components": [_row(button)] * 6}) == ["6 action rows (max 5)"]
    assert check_message({"components": [_row(*[button] * 6)]}) == [
        "action row 0 has 6 buttons (max 5)"
    ]
    assert check_message({"components": [_row(select)]}) == ["select 's' has 26 options (max 25)"]
    assert check_message({"embeds": [{"fields": fields}]}) == [
        "embeds total 6400 characters (max 6000)"
    ]
    v2 = MessageFlags.IS_COMPONENTS_V2
    assert check_message({"components": [_row(*[button] * 6)], "flags": v2}) == []


def test_callback_limits() -> None:
    choices: list[JsonObject] = [{"name": str(n), "value": str(n)} for n in range(26)]
    autocomplete = Callback.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT

    assert check_callback({"type": autocomplete, "data": {"choices": choices[:25]}}) == []
    assert check_callback({"type": autocomplete, "data": {"choices": choices}}) == [
        "26 autocomplete choices (max 25)"
    ]
    message = Callback.CHANNEL_MESSAGE_WITH_SOURCE
    assert check_callback({"type": message, "data": {"content": "x" * 2001}}) == [
        "content is 2001 characters (max 2000)"
    ]
