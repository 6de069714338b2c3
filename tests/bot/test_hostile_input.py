"""Hostile and odd input to every text entry point: always a friendly answer, never a crash.

The `emu` and `start_app` fixtures fail the test on any OpenAPI violation or ERROR log line.
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord

_SEEDED = random.Random(20261129)
_ALPHABET = "1234567890d%F!<>=+-*/()[]{},#x kKhHlLpPrRoOaAeEmMiIfFcCsS@`*_~|\\\n\t\u200b\u202eé🎲"

HOSTILE = [
    "1d20 @everyone @here",
    "<@&1> <@1> <#1> @everyone",
    "```",
    "**bold** __under__ ~~strike~~ ||spoiler|| `code` > quote",
    "\u202e02d1",
    "1d20\x00",
    "🎲🎲🎲",
    "d" * 999,
    "9" * 1000,
    "(" * 60 + "1" + ")" * 60,
    "1d1000000000",
    "1000d1000000",
    "20#1000d6",
    "1d6!>0",
    "1d20/0",
    "-" * 300 + "1",
    "1" + "+1" * 499,
    *("".join(_SEEDED.choice(_ALPHABET) for _ in range(_SEEDED.randint(1, 40))) for _ in range(40)),
]


async def test_every_entry_point_answers_hostile_text(emu: LoopbackDiscord, app: NazhApp) -> None:
    for text in HOSTILE:
        clipped = text[:1000] or "x"
        slash = await emu.slash("roll", {"expression": clipped}, max_wait=2)
        assert slash.responded, text
        assert len(slash.content) <= 2000
        prefix = await emu.send_message(f"!roll {text}"[:2000], max_wait=2)
        assert prefix.responded, text
        odds = await emu.slash("odds", {"expression": clipped[:200]}, max_wait=15)
        assert odds.responded, text
        for outcome in (slash, prefix, odds):
            message = outcome.message
            assert message is not None
            assert not message.pings.anyone, text


async def test_other_commands_answer_nonsense(emu: LoopbackDiscord, app: NazhApp) -> None:
    for content in ("!stats 🎲 @everyone", "!odds", "!odds 1d6 99999999999999", "!build extra"):
        outcome = await emu.send_message(content, max_wait=5)
        assert outcome.responded, content
    for value in ("", " ", "@everyone", "\u200b", "``", "x" * 20):
        outcome = await emu.slash("prefix", {"value": value} if value else None, user=emu.owner)
        assert outcome.ephemeral, value
