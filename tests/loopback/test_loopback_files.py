"""Attachment options, files the bot uploads, and the emulator serving both at their URLs."""

from __future__ import annotations

import json
import struct
from typing import TYPE_CHECKING

import aiohttp
import hikari
import pytest

from nazh.loopback import LoopbackError, Upload
from nazh.loopback.files import FileStore, discord_filename
from nazh.loopback.limits import ATTACHMENT_SIZE_LIMIT
from nazh.loopback.protocol import ApplicationCommandType, OptionType
from nazh.loopback.wire import as_object, objects

if TYPE_CHECKING:
    from nazh.loopback import JsonRecord, LoopbackDiscord

_ROLLS = b'{"rolls": ["4d6kh3"]}'
_COMMANDS = "/applications/{}/guilds/{}/commands"


def _png(width: int, height: int) -> bytes:
    """The start of a PNG file: signature and IHDR chunk (enough to read its size)."""
    header = struct.pack(">II", width, height) + bytes([8, 6, 0, 0, 0])
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDR" + header + b"\0\0\0\0"


async def _get(url: str, method: str = "GET") -> tuple[int, bytes, str]:
    async with aiohttp.ClientSession() as http, http.request(method, url) as response:
        return response.status, await response.read(), response.headers.get("Content-Type", "")


def _headers(emu: LoopbackDiscord) -> dict[str, str]:
    return {"Authorization": f"Bot {emu.token}"}


async def _put_commands(emu: LoopbackDiscord, commands: list[JsonRecord]) -> int:
    url = emu.rest_url + _COMMANDS.format(emu.application_id, emu.guild_id)
    async with (
        aiohttp.ClientSession() as http,
        http.put(url, json=commands, headers=_headers(emu)) as response,
    ):
        return response.status


async def _post_files(
    emu: LoopbackDiscord, body: JsonRecord, files: list[tuple[str, bytes]]
) -> tuple[int, JsonRecord]:
    form = aiohttp.FormData()
    form.add_field("payload_json", json.dumps(body), content_type="application/json")
    for index, (filename, data) in enumerate(files):
        form.add_field(f"files[{index}]", data, filename=filename, content_type="text/plain")
    url = f"{emu.rest_url}/channels/{emu.channel_id}/messages"
    async with (
        aiohttp.ClientSession() as http,
        http.post(url, data=form, headers=_headers(emu)) as response,
    ):
        return response.status, await response.json()


async def test_attachment_option_is_resolved_downloaded_and_read_by_lightbulb(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    outcome = await emu.slash(
        "inspect", {"file": emu.upload("rolls.json", _ROLLS), "replace": True}
    )

    data: JsonRecord = as_object(outcome.payload.get("data")) or {}
    [file_option, replace_option] = data["options"]
    attachment_id = file_option["value"]
    resolved = data["resolved"]["attachments"][attachment_id]
    assert file_option == {"name": "file", "type": OptionType.ATTACHMENT, "value": attachment_id}
    assert replace_option == {"name": "replace", "type": OptionType.BOOLEAN, "value": True}
    assert resolved == {
        "id": attachment_id,
        "filename": "rolls.json",
        "size": len(_ROLLS),
        "url": resolved["url"],
        "proxy_url": resolved["url"],
        "content_type": "application/json; charset=utf-8",
        "ephemeral": True,
    }
    path = f"/ephemeral-attachments/{emu.application_id}/{attachment_id}/rolls.json"
    assert resolved["url"].startswith(f"http://127.0.0.1:{emu.port}{path}?ex=")
    assert outcome.content == (
        f"rolls.json {len(_ROLLS)} application/json; charset=utf-8 {_ROLLS.decode()} replace=True"
    )
    assert [(d.method, d.path, d.status) for d in emu.downloads] == [("GET", path, 200)]
    assert emu.file(attachment_id).data == _ROLLS
    interaction = bot.entity_factory.deserialize_interaction(outcome.payload)
    assert isinstance(interaction, hikari.CommandInteraction)
    assert interaction.resolved is not None
    parsed = interaction.resolved.attachments[hikari.Snowflake(attachment_id)]
    assert (parsed.filename, parsed.size, parsed.is_ephemeral) == ("rolls.json", len(_ROLLS), True)
    assert emu.violations == []


async def test_files_the_bot_uploads_keep_their_bytes_and_are_served(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    outcome = await emu.slash("inspect", {"file": emu.upload("notes.txt", b"abc")})
    assert outcome.message is not None
    stored = outcome.message.file("reversed.txt")
    [attachment] = outcome.message.attachments

    served = await _get(stored.url)
    head = await _get(stored.url, "HEAD")

    assert stored.data == b"cba"
    assert attachment["id"] == str(stored.id)
    assert attachment["content_type"] == "text/plain; charset=utf-8"
    assert stored.path == f"/attachments/{emu.channel_id}/{stored.id}/reversed.txt"
    assert served == (200, b"cba", "text/plain; charset=utf-8")
    assert head[0] == 200
    assert emu.file(stored.id) is stored
    assert (
        bot.entity_factory.deserialize_message(outcome.message.payload()).attachments[0].size == 3
    )
    with pytest.raises(KeyError):
        outcome.message.file("missing.txt")


async def test_unknown_or_mismatched_file_urls_are_404(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    outcome = await emu.slash("upload")
    assert outcome.message is not None
    stored = outcome.message.file("roll.txt")
    base = f"http://127.0.0.1:{emu.port}"
    wrong = [
        f"{base}/attachments/{emu.channel_id}/{stored.id + 1}/roll.txt",
        f"{base}/attachments/{emu.channel_id}/{stored.id}/other.txt",
        f"{base}/attachments/{emu.guilds[0].second_channel_id}/{stored.id}/roll.txt",
        f"{base}/ephemeral-attachments/{emu.application_id}/{stored.id}/roll.txt",
        f"{base}/attachments/{emu.channel_id}/x/roll.txt",
    ]

    answers = [await _get(url) for url in wrong]
    found = await _get(f"{base}{stored.path}")

    assert [status for status, _, _ in answers] == [404] * len(wrong)
    assert found[:2] == (200, b"1d20 = 17")
    assert [d.status for d in emu.downloads] == [404] * len(wrong) + [200]
    assert emu.unknown_requests == []


async def test_edits_keep_listed_files_and_add_new_ones(
    emu: LoopbackDiscord, bot: hikari.GatewayBot
) -> None:
    sent = await bot.rest.create_message(
        emu.channel_id,
        "two files",
        attachments=[hikari.Bytes(b"1", "a.txt"), hikari.Bytes(b"22", "b.txt")],
    )
    kept = next(a for a in sent.attachments if a.filename == "b.txt")
    edited = await bot.rest.edit_message(
        emu.channel_id, sent, attachments=[kept, hikari.Bytes(b"333", "c.txt")]
    )

    stored = emu.message(sent.id)
    assert [(f.filename, f.data) for f in stored.files] == [("b.txt", b"22"), ("c.txt", b"333")]
    assert [a.filename for a in edited.attachments] == ["b.txt", "c.txt"]
    before = objects(stored.history[0].get("attachments"))
    assert [a["filename"] for a in before] == ["a.txt", "b.txt"]
    assert emu.violations == []


async def test_multipart_entries_name_and_describe_files(emu: LoopbackDiscord) -> None:
    body: JsonRecord = {
        "content": "chart",
        "attachments": [{"id": 0, "filename": "odds chart.png", "description": "Odds of 2d6"}],
    }

    status, answer = await _post_files(emu, body, [("upload.png", _png(640, 480))])

    assert status == 200
    [attachment] = answer["attachments"]
    assert attachment == {
        "id": attachment["id"],
        "filename": "odds_chart.png",
        "size": len(_png(640, 480)),
        "url": attachment["url"],
        "proxy_url": attachment["url"],
        "content_type": "image/png",
        "width": 640,
        "height": 480,
        "description": "Odds of 2d6",
    }
    assert emu.messages[0].file("odds_chart.png").data == _png(640, 480)
    assert emu.requests[-1].files == ["upload.png"]


async def test_a_file_over_the_bot_limit_is_refused_with_413(emu: LoopbackDiscord) -> None:
    body: JsonRecord = {"content": "big", "attachments": [{"id": 0, "filename": "big.bin"}]}
    too_big = b"\0" * (ATTACHMENT_SIZE_LIMIT + 1)

    status, answer = await _post_files(emu, body, [("big.bin", too_big)])
    fits, _ = await _post_files(emu, body, [("big.bin", too_big[:-1])])

    assert (status, answer["code"]) == (413, 40005)
    assert fits == 200
    assert emu.violations == [
        f"POST /channels/{{channel_id}}/messages: file 'big.bin' is "
        f"{ATTACHMENT_SIZE_LIMIT + 1} bytes (max {ATTACHMENT_SIZE_LIMIT})"
    ]
    assert [m.content for m in emu.messages] == ["big"]


async def test_registrations_with_attachment_options_are_validated(emu: LoopbackDiscord) -> None:
    option: JsonRecord = {
        "type": OptionType.ATTACHMENT,
        "name": "file",
        "description": "A JSON file",
        "required": True,
    }
    command: JsonRecord = {
        "name": "rolls",
        "description": "Saved rolls",
        "type": ApplicationCommandType.CHAT_INPUT,
        "options": [
            {
                "type": OptionType.SUB_COMMAND,
                "name": "import",
                "description": "Import them",
                "options": [
                    option,
                    {"type": OptionType.BOOLEAN, "name": "replace", "description": "Replace"},
                ],
            }
        ],
    }
    undescribed = {key: value for key, value in option.items() if key != "description"}
    broken: JsonRecord = {
        **command,
        "options": [{**command["options"][0], "options": [undescribed]}],
    }

    accepted = await _put_commands(emu, [command])
    violations_after_valid = list(emu.violations)
    refused = await _put_commands(emu, [broken])

    assert emu.openapi_loaded
    assert (accepted, violations_after_valid) == (200, [])
    assert refused == 400
    assert len(emu.violations) == 1
    assert "description" in emu.violations[0]
    stored = emu.command("rolls", emu.guild_id)
    assert stored["options"][0]["options"][0] == option


async def test_the_driver_takes_only_uploads_for_attachment_options(emu: LoopbackDiscord) -> None:
    command: JsonRecord = {
        "name": "inspect",
        "description": "Read a file",
        "options": [
            {
                "type": OptionType.ATTACHMENT,
                "name": "file",
                "description": "A file",
                "required": True,
            }
        ],
    }
    await _put_commands(emu, [command])

    with pytest.raises(
        LoopbackError, match=r"option 'file' takes an Upload \(a file\), got 'rolls.json'"
    ):
        await emu.slash("inspect", {"file": "rolls.json"})
    with pytest.raises(LoopbackError, match="missing required options"):
        await emu.slash("inspect")


def test_names_content_types_and_urls_follow_discord() -> None:
    store = FileStore()
    store.base_url = "http://127.0.0.1:9"

    text = store.add(7, Upload("my rolls (1).json", b"{}"), "attachments/5")
    binary = store.add(8, Upload("data.json", b"\xff\xfe"), "attachments/5")
    given = store.add(9, Upload("x.json", b"{}", "application/vnd.nazh+json"), "attachments/5")
    unnamed = store.add(10, Upload("日記.txt", "ü".encode()), "attachments/5")

    assert (text.filename, text.content_type) == (
        "my_rolls_1.json",
        "application/json; charset=utf-8",
    )
    assert text.path == "/attachments/5/7/my_rolls_1.json"
    assert text.url.startswith("http://127.0.0.1:9/attachments/5/7/my_rolls_1.json?ex=")
    assert binary.content_type == "application/json"
    assert given.content_type == "application/vnd.nazh+json"
    assert (unnamed.filename, unnamed.content_type) == ("unknown.txt", "text/plain; charset=utf-8")
    assert [discord_filename(n) for n in ("../../etc/passwd", "..", "a\\b.txt", "x y\tz")] == [
        "passwd",
        "unknown",
        "b.txt",
        "x_y_z",
    ]
    assert store.by_id[7] is text
