"""/odds and !odds through the real bot and the loopback Discord, workers and chart included."""

from __future__ import annotations

import asyncio
from fractions import Fraction
from typing import TYPE_CHECKING

from nazh.commands import odds as odds_command
from nazh.dice.odds import distribution
from nazh.loopback.protocol import InteractionCallbackType
from nazh.stats.cards import format_chance
from nazh.stats.odds import compute_odds

if TYPE_CHECKING:
    import pytest

    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord, Outcome

HEAVY = "1000d100"
"""Accepted by the pre-flight estimate, yet a second or more of work."""


def fields(outcome: Outcome) -> dict[str, str]:
    assert len(outcome.embeds) == 1, outcome
    return {field["name"]: field["value"] for field in outcome.embeds[0].get("fields", ())}


async def warm(emu: LoopbackDiscord) -> None:
    """Start the worker processes, so later answers come before the deferral threshold."""
    outcome = await emu.slash("odds", {"expression": "1d4"}, max_wait=60)
    assert fields(outcome)["Range"] == "1 to 4"


async def test_odds_of_4d6kh3_with_a_target_and_a_chart(emu: LoopbackDiscord, app: NazhApp) -> None:
    outcome = await emu.slash("odds", {"expression": "4d6kh3", "target": 15}, max_wait=60)
    exact = distribution("4d6kh3")
    found = fields(outcome)
    assert outcome.embeds[0]["title"] == "Odds of 4d6kh3"
    assert found["Mean"] == f"{float(exact.mean()):.2f}" == "12.24"
    assert found["Standard deviation"] == "2.85"
    assert found["Range"] == "3 to 18"
    assert exact.at_least(15) == Fraction(300, 1296)
    assert found["Chance of 15 or more"] == "23.15 %"
    for pct, total in ((10, 8), (50, 12), (90, 16)):
        assert exact.percentile(Fraction(pct, 100)) == total
        assert f"{pct} %: {total}" in found["Percentiles"]
    words = found["The chart in words"]
    assert words.startswith("Most likely total 13 (13.27 %).")
    assert "17–18: 5.8 %" in words

    message = outcome.message
    assert message is not None
    assert outcome.embeds[0]["image"]["url"] == "attachment://odds.png"
    [attachment] = message.attachments
    assert attachment["filename"] == "odds.png"
    assert attachment["content_type"] == "image/png"
    local = compute_odds("4d6kh3", 15).chart
    assert local is not None
    assert attachment["size"] == len(local)


async def test_prefix_odds_takes_the_target_after_the_expression(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    outcome = await emu.send_message("!odds 4d6kh3 15", max_wait=60)
    assert fields(outcome)["Chance of 15 or more"] == "23.15 %"
    assert outcome.message is not None
    assert [a["filename"] for a in outcome.message.attachments] == ["odds.png"]
    plain = await emu.send_message("!odds 2d20kh1 + 5")
    assert "Chance of" not in " ".join(fields(plain))
    assert fields(plain)["Range"] == "6 to 25"
    usage = await emu.send_message("!odds")
    assert usage.content.startswith("Tell me what to work out")


async def test_odds_follow_the_dialect_in_force_and_a_tag(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    nazh = await emu.slash("odds", {"expression": "3d6>3", "target": 2}, max_wait=60)
    assert fields(nazh)["Chance of 2 or more"] == "50.00 %"
    tagged = await emu.slash("odds", {"expression": "roll20: 3d6>3", "target": 2}, max_wait=60)
    assert fields(tagged)["Chance of 2 or more"] == "74.07 %"
    await emu.slash("settings notation", {"dialect": "roll20", "scope": "me"})
    mine = await emu.send_message("!odds 3d6>3 2", max_wait=60)
    assert fields(mine)["Chance of 2 or more"] == "74.07 %"
    assert distribution("3d6>3", "roll20").at_least(2) == Fraction(20, 27)


async def test_repetition_and_tiny_chances(emu: LoopbackDiscord, app: NazhApp) -> None:
    repeated = await emu.slash("odds", {"expression": "6#4d6kh3"}, max_wait=60)
    assert repeated.embeds[0]["title"] == "Odds of 6#4d6kh3 (each of 6 results)"
    tiny = await emu.slash("odds", {"expression": "1000d6", "target": 6000})
    chance = fields(tiny)["Chance of 6,000 or more"]
    assert chance == format_chance(Fraction(1, 6**1000)) == "about 1 in 10^778"
    impossible = await emu.slash("odds", {"expression": "1d6", "target": 7})
    assert fields(impossible)["Chance of 7 or more"] == "impossible"


async def test_bad_and_too_costly_expressions_are_refused_privately(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    bad = await emu.slash("odds", {"expression": "1d20q"})
    assert bad.ephemeral
    assert bad.content.startswith("I couldn't roll that: unexpected `q`")
    costly = await emu.slash("odds", {"expression": "500d1000"})
    assert costly.callback_type == InteractionCallbackType.CHANNEL_MESSAGE_WITH_SOURCE
    assert costly.ephemeral
    assert costly.content == "That roll is too large for exact odds. Try fewer or smaller dice."
    assert app.services.offload.started is False


async def test_a_roll_is_answered_promptly_while_heavy_odds_run(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    await warm(emu)
    offload = app.services.offload
    heavy = asyncio.create_task(
        emu.slash("odds", {"expression": HEAVY, "target": 50500}, max_wait=60)
    )
    for _ in range(1000):
        if offload.pending:
            break
        await asyncio.sleep(0.005)
    assert offload.pending == 1
    latencies: list[float] = []
    for _ in range(5):
        rolled = await emu.slash("roll", {"expression": "1d20"}, settle=0.01)
        assert rolled.latency is not None
        latencies.append(rolled.latency)
    assert not heavy.done(), "the odds finished before the rolls: not heavy enough to show it"
    assert max(latencies) < 0.25, latencies
    outcome = await heavy
    assert outcome.callback_type == InteractionCallbackType.DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE
    assert fields(outcome)["Mean"] == "50,500.00"
    assert fields(outcome)["Chance of 50,500 or more"].endswith(" %")


async def test_odds_past_the_time_limit_stop_and_the_workers_recover(
    emu: LoopbackDiscord, app: NazhApp, monkeypatch: pytest.MonkeyPatch
) -> None:
    await warm(emu)
    monkeypatch.setattr(odds_command, "TIME_LIMIT", 0.3)
    slow = await emu.slash("odds", {"expression": HEAVY})
    assert slow.ephemeral
    assert slow.content.startswith("Those odds took longer than 0.3 s to work out")
    monkeypatch.setattr(odds_command, "TIME_LIMIT", 60.0)
    after = await emu.slash("odds", {"expression": "2d6"}, max_wait=60)
    assert fields(after)["Range"] == "2 to 12"


async def test_odds_of_a_saved_roll_by_name(emu: LoopbackDiscord, app: NazhApp) -> None:
    await emu.slash("rolls save", {"name": "atk", "expression": "{bonus=5}+1d20 attack"})
    outcome = await emu.slash("odds", {"expression": "atk(3) 15"}, max_wait=60)
    assert outcome.embeds[0]["title"] == "Odds of 3 + 1d20"
    assert fields(outcome)["Chance of 15 or more"] == "45.00 %"
