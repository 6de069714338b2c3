"""What the bot did in answer to one driver action: callback, messages, edits, requests."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from typing import TYPE_CHECKING

from nazh.loopback.protocol import InteractionCallbackType, MessageFlags
from nazh.loopback.wire import as_object, integer, objects

if TYPE_CHECKING:
    from nazh.loopback.messages import StoredMessage
    from nazh.loopback.protocol import JsonObject, JsonRecord, JsonValue

__all__ = ("Outcome", "RecordedRequest")

_DEFERRED = (
    InteractionCallbackType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE,
    InteractionCallbackType.DEFERRED_UPDATE_MESSAGE,
)


@dataclasses.dataclass(slots=True)
class RecordedRequest:
    """One REST request the bot made and what the emulator answered."""

    method: str
    path: str
    route: str | None
    query: dict[str, str]
    json: JsonValue
    files: list[str]
    status: int
    at: float

    def __str__(self) -> str:
        return f"{self.method} {self.path} -> {self.status}"


class Outcome:
    """One driver action (interaction or channel message) and everything the bot answered.

    The object stays live: requests the bot makes later for the same interaction still land here.
    `messages` are the bot's messages in the action's channel; `elsewhere` those it posted
    while the action settled in another channel of the guild, or in the user's DM channel.
    """

    __slots__ = (
        "_activity",
        "callback",
        "callback_at",
        "channel_id",
        "dispatched_at",
        "edits",
        "elsewhere",
        "followups",
        "guild_id",
        "interaction_id",
        "kind",
        "last_activity",
        "messages",
        "metadata",
        "original",
        "payload",
        "requests",
        "source_message",
        "token",
        "user_id",
    )

    def __init__(
        self,
        kind: str,
        payload: JsonObject,
        *,
        channel_id: int,
        guild_id: int | None,
        user_id: int,
        interaction_id: int | None = None,
        token: str | None = None,
        source_message: StoredMessage | None = None,
        metadata: JsonObject | None = None,
    ) -> None:
        self.kind = kind
        self.payload = payload
        self.channel_id = channel_id
        self.guild_id = guild_id
        self.user_id = user_id
        self.interaction_id = interaction_id
        self.token = token
        self.source_message = source_message
        self.metadata = metadata
        self.callback: JsonObject | None = None
        self.callback_at: float | None = None
        self.original: StoredMessage | None = None
        self.followups: list[StoredMessage] = []
        self.messages: list[StoredMessage] = []
        self.elsewhere: list[StoredMessage] = []
        self.edits: list[JsonObject] = []
        self.requests: list[RecordedRequest] = []
        self.dispatched_at = time.monotonic()
        self.last_activity = self.dispatched_at
        self._activity = asyncio.Event()

    def __repr__(self) -> str:
        return (
            f"<Outcome {self.kind} callback={self.callback_type} content={self.content!r} "
            f"messages={len(self.messages)} requests={len(self.requests)}>"
        )

    # -- recording (used by the emulator) ----------------------------------------------------------

    def touch(self, request: RecordedRequest | None = None) -> None:
        """Note bot activity for this action."""
        if request is not None:
            self.requests.append(request)
        self.last_activity = time.monotonic()
        self._activity.set()

    @property
    def satisfied(self) -> bool:
        """Whether the bot has given its (final, non-deferred) answer."""
        if self.interaction_id is None:
            return any(not r.path.endswith("/typing") for r in self.requests)
        if self.callback is None:
            return False
        if self.callback_type in _DEFERRED:
            return bool(self.edits or self.followups)
        return True

    async def settle(self, *, quiet: float, max_wait: float) -> None:
        """Wait until satisfied and quiet for `quiet` seconds, or until `max_wait` passes."""
        deadline = self.dispatched_at + max_wait
        while True:
            now = time.monotonic()
            if now >= deadline:
                return
            if self.satisfied:
                idle = now - self.last_activity
                if idle >= quiet:
                    return
                wait = min(quiet - idle, deadline - now)
            else:
                wait = deadline - now
            self._activity.clear()
            try:
                await asyncio.wait_for(self._activity.wait(), wait)
            except TimeoutError:
                continue

    # -- what tests read ---------------------------------------------------------------------------

    @property
    def responded(self) -> bool:
        """Whether the interaction got a callback (for messages: whether the bot sent one)."""
        return self.callback is not None if self.interaction_id is not None else bool(self.messages)

    @property
    def callback_type(self) -> int | None:
        """The interaction response type (4 message, 5 deferred, 6 deferred update, 7 update,
        8 autocomplete, 9 modal), or None."""
        return None if self.callback is None else integer(self.callback.get("type"))

    @property
    def data(self) -> JsonRecord:
        """The callback's data object (empty when none)."""
        return self._data()

    def _data(self) -> JsonObject:
        return (as_object(self.callback.get("data")) if self.callback else None) or {}

    @property
    def latency(self) -> float | None:
        """Seconds from dispatching the interaction to receiving its callback."""
        return None if self.callback_at is None else self.callback_at - self.dispatched_at

    @property
    def message(self) -> StoredMessage | None:
        """The main answer: the interaction's original (or updated) message, else the first
        message the bot sent in the window."""
        if self.original is not None:
            return self.original
        return self.messages[0] if self.messages else None

    @property
    def ephemeral(self) -> bool:
        """Whether the answer is only visible to the invoking user."""
        message = self.message
        if message is not None and message is not self.source_message:
            return message.ephemeral
        return bool(integer(self._data().get("flags")) & MessageFlags.EPHEMERAL)

    @property
    def content(self) -> str:
        """The answer's current text ('' when none)."""
        message = self.message
        return message.content if message is not None else ""

    @property
    def embeds(self) -> list[JsonRecord]:
        """The answer's current embeds."""
        message = self.message
        return message.embeds if message is not None else []

    @property
    def components(self) -> list[JsonRecord]:
        """The answer's current components (for a modal: the modal's components)."""
        if self.callback_type == InteractionCallbackType.MODAL:
            return objects(self._data().get("components"))
        message = self.message
        return message.components if message is not None else []

    @property
    def custom_ids(self) -> list[str]:
        """Custom ids of the answer's components."""
        message = self.message
        return message.custom_ids if message is not None else []

    @property
    def choices(self) -> list[JsonRecord]:
        """Autocomplete choices ({name, value}) the bot offered."""
        if self.callback_type == InteractionCallbackType.APPLICATION_COMMAND_AUTOCOMPLETE_RESULT:
            return objects(self._data().get("choices"))
        return []

    @property
    def modal(self) -> JsonObject | None:
        """The modal the bot opened (title, custom_id, components), if any."""
        return self._data() if self.callback_type == InteractionCallbackType.MODAL else None

    @property
    def text(self) -> str:
        """Content plus every embed's title, description, fields and footer, for assertions."""
        parts = [self.content]
        message = self.message
        for embed in message.embeds if message is not None else []:
            parts.extend(str(embed.get(key) or "") for key in ("title", "description"))
            for field in objects(embed.get("fields")):
                parts.extend((str(field.get("name") or ""), str(field.get("value") or "")))
            parts.append(str((as_object(embed.get("footer")) or {}).get("text") or ""))
        return "\n".join(part for part in parts if part)
