"""State shared by the emulator's REST API, gateway and driver."""

from __future__ import annotations

import asyncio
import dataclasses
from typing import TYPE_CHECKING

from nazh.loopback.files import FileStore

if TYPE_CHECKING:
    from nazh.loopback.messages import StoredMessage
    from nazh.loopback.openapi import OpenAPIValidator
    from nazh.loopback.outcome import Outcome, RecordedRequest
    from nazh.loopback.protocol import JsonObject
    from nazh.loopback.snowflakes import SnowflakeFactory
    from nazh.loopback.world import World

__all__ = ("LiveEvent", "State")


@dataclasses.dataclass(frozen=True, slots=True)
class LiveEvent:
    """Something visible happened: kind is message_create, message_update, message_delete,
    interaction_response or interaction_create/message_sent (driver input)."""

    kind: str
    message: StoredMessage | None = None
    outcome: Outcome | None = None
    data: JsonObject | None = None


class State:
    """Everything the emulator knows; mutated by REST handlers, read by the driver."""

    __slots__ = (
        "changed",
        "commands",
        "files",
        "interactions",
        "messages",
        "nonces",
        "openapi",
        "reject_invalid",
        "requests",
        "settling",
        "snowflakes",
        "subscribers",
        "tokens",
        "violations",
        "watchers",
        "world",
    )

    def __init__(
        self,
        world: World,
        snowflakes: SnowflakeFactory,
        openapi: OpenAPIValidator,
        *,
        reject_invalid: bool,
    ) -> None:
        self.world = world
        self.snowflakes = snowflakes
        self.openapi = openapi
        self.reject_invalid = reject_invalid
        self.messages: dict[int, StoredMessage] = {}
        self.commands: dict[int | None, list[JsonObject]] = {}
        self.files = FileStore()
        self.interactions: dict[int, Outcome] = {}
        self.tokens: dict[str, Outcome] = {}
        self.watchers: dict[int, list[Outcome]] = {}
        self.settling: list[Outcome] = []
        self.nonces: dict[tuple[int, str], tuple[float, StoredMessage]] = {}
        self.requests: list[RecordedRequest] = []
        self.violations: list[str] = []
        self.subscribers: list[asyncio.Queue[LiveEvent]] = []
        self.changed = asyncio.Condition()

    def publish(self, event: LiveEvent) -> None:
        """Hand an event to every live subscriber."""
        for queue in self.subscribers:
            queue.put_nowait(event)

    async def notify(self) -> None:
        """Wake everyone waiting for a state change (commands, connections)."""
        async with self.changed:
            self.changed.notify_all()

    def watch(self, outcome: Outcome) -> None:
        """Attribute channel messages to the outcome while it settles: those in its channel,
        and those in other channels of its guild (or, for DMs, its user's DM channel)."""
        self.watchers.setdefault(outcome.channel_id, []).append(outcome)
        self.settling.append(outcome)

    def unwatch(self, outcome: Outcome) -> None:
        """Stop attributing channel messages to the outcome."""
        watchers = self.watchers.get(outcome.channel_id)
        if watchers and outcome in watchers:
            watchers.remove(outcome)
            if not watchers:
                del self.watchers[outcome.channel_id]
        if outcome in self.settling:
            self.settling.remove(outcome)
