"""Attachments: files users attach to slash command options and files the bot uploads.

The emulator keeps their bytes and serves them over its own HTTP server at the attachment's
`url`, as Discord's CDN does: `/ephemeral-attachments/{application_id}/{id}/{filename}` for
command options, `/attachments/{channel_id}/{id}/{filename}` for message files. URLs carry
Discord's signature query (`ex`, `is`, `hm`), which the server ignores.
"""

from __future__ import annotations

import dataclasses
import mimetypes
import re
import secrets
import struct
import time
from typing import TYPE_CHECKING

from aiohttp import web

from nazh.loopback.outcome import RecordedRequest

if TYPE_CHECKING:
    from pathlib import Path

    from nazh.loopback.protocol import JsonObject

__all__ = (
    "ATTACHMENT_ROUTES",
    "USER_UPLOAD_LIMIT",
    "FileStore",
    "StoredFile",
    "Upload",
    "discord_filename",
)

USER_UPLOAD_LIMIT = 500 * 1024 * 1024
"""Largest file a user can attach (500 MiB, with Nitro)."""

ATTACHMENT_ROUTES = (
    "/attachments/{channel_id}/{attachment_id}/{filename}",
    "/ephemeral-attachments/{application_id}/{attachment_id}/{filename}",
)
"""The URL paths files are served at."""

_SIGNATURE_LIFETIME = 24 * 60 * 60
_SPACES = re.compile(r"\s+")
_UNSAFE = re.compile(r"[^A-Za-z0-9._-]")
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_TEXT_TYPES = ("application/json", "application/xml", "application/javascript")


def discord_filename(name: str) -> str:
    """The name Discord keeps for an uploaded file: without folders, whitespace as underscores,
    and only ASCII letters, digits, '.', '_' and '-' ('unknown' for a name left empty)."""
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    cleaned = _UNSAFE.sub("", _SPACES.sub("_", base))
    stem, dot, suffix = cleaned.rpartition(".")
    if not dot:
        return cleaned or "unknown"
    return cleaned if stem.strip(".") else f"unknown.{suffix}".rstrip(".")


def _guess_type(filename: str, data: bytes) -> str:
    """The content type Discord detects: by extension, with the charset of UTF-8 text."""
    guessed = mimetypes.guess_type(filename, strict=False)[0] or "application/octet-stream"
    if guessed.startswith("text/") or guessed in _TEXT_TYPES:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            return guessed
        return f"{guessed}; charset=utf-8"
    return guessed


def _png_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG image (from its IHDR chunk), or None for other data."""
    if len(data) < 24 or not data.startswith(_PNG_SIGNATURE) or data[12:16] != b"IHDR":
        return None
    width, height = struct.unpack(">II", data[16:24])
    return int(width), int(height)


@dataclasses.dataclass(frozen=True, slots=True)
class Upload:
    """A file a user attaches, the value of an attachment option in `LoopbackDiscord.slash`.

    content_type None: detected as Discord does, from the name (UTF-8 text gets
    `; charset=utf-8`, so a .json file is `application/json; charset=utf-8`).
    """

    filename: str
    data: bytes
    content_type: str | None = None

    @classmethod
    def read(cls, path: Path) -> Upload:
        """A local file's bytes under its own name (OSError when it cannot be read)."""
        return cls(path.name, path.read_bytes())

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return len(self.data)


@dataclasses.dataclass(frozen=True, slots=True)
class StoredFile:
    """A file in the emulator, served at `url`."""

    id: int
    filename: str
    data: bytes
    content_type: str
    url: str
    path: str
    ephemeral: bool = False
    description: str | None = None

    @property
    def size(self) -> int:
        """The file's size in bytes."""
        return len(self.data)

    def attachment(self) -> JsonObject:
        """The attachment object Discord sends for this file."""
        data: JsonObject = {
            "id": str(self.id),
            "filename": self.filename,
            "size": self.size,
            "url": self.url,
            "proxy_url": self.url,
            "content_type": self.content_type,
        }
        dimensions = _png_size(self.data)
        if dimensions is not None:
            data["width"], data["height"] = dimensions
        if self.description is not None:
            data["description"] = self.description
        if self.ephemeral:
            data["ephemeral"] = True
        return data


class FileStore:
    """Every file by attachment id; `handle` serves them, `downloads` records who fetched."""

    __slots__ = ("base_url", "by_id", "downloads")

    def __init__(self) -> None:
        self.base_url = ""
        self.by_id: dict[int, StoredFile] = {}
        self.downloads: list[RecordedRequest] = []

    def add(
        self,
        attachment_id: int,
        upload: Upload,
        folder: str,
        *,
        ephemeral: bool = False,
        description: str | None = None,
    ) -> StoredFile:
        """Keep a file under `folder` ('attachments/{channel_id}' or
        'ephemeral-attachments/{application_id}') and return it with its URL."""
        filename = discord_filename(upload.filename)
        path = f"/{folder}/{attachment_id}/{filename}"
        issued = int(time.time())
        signature = f"ex={issued + _SIGNATURE_LIFETIME:x}&is={issued:x}&hm={secrets.token_hex(32)}&"
        stored = StoredFile(
            id=attachment_id,
            filename=filename,
            data=upload.data,
            content_type=upload.content_type or _guess_type(filename, upload.data),
            url=f"{self.base_url}{path}?{signature}",
            path=path,
            ephemeral=ephemeral,
            description=description,
        )
        self.by_id[attachment_id] = stored
        return stored

    async def handle(self, request: web.Request) -> web.Response:
        """GET (or HEAD) one file at its URL; 404 for an unknown id or a wrong path."""
        attachment_id = request.match_info.get("attachment_id", "")
        stored = self.by_id.get(int(attachment_id)) if attachment_id.isdigit() else None
        if stored is None or stored.path != request.path:
            response = web.Response(status=404, text="This content is no longer available.")
        else:
            response = web.Response(body=stored.data, headers={"Content-Type": stored.content_type})
        resource = request.match_info.route.resource
        self.downloads.append(
            RecordedRequest(
                method=request.method,
                path=request.path,
                route=resource.canonical if resource is not None else None,
                query=dict(request.query),
                json=None,
                files=[],
                status=response.status,
                at=time.monotonic(),
            )
        )
        return response
