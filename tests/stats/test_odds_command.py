"""/odds and !odds through the real bot and the loopback Discord, workers and chart included;
the report and card of a game system's outcome odds on their own."""

from __future__ import annotations

import asyncio
from fractions import Fraction
from typing import TYPE_CHECKING

import pytest

from nazh.commands import odds as odds_command
from nazh.dice.odds import distribution, outcome_odds, symbol_odds
from nazh.loopback.protocol import InteractionCallbackType
from nazh.stats.cards import format_chance
from nazh.stats.odds import OddsError, OutcomeReport, compute_odds, compute_outcome_odds
from nazh.stats.outcome_card import MAX_OUTCOME_FIELDS, TARGET_NOTE, chance_text, outcome_card

if TYPE_CHECKING:
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


async def test_odds_of_a_system_roll_give_each_outcome_and_chart_them(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    outcome = await emu.slash("odds", {"expression": "fitd(3)"}, max_wait=60)
    embed = outcome.embeds[0]
    assert embed["title"] == "Odds of fitd(3)"
    assert embed["description"] == "Blades in the Dark / Forged in the Dark"
    assert outcome_odds("fitd(3)") == {
        "failure": Fraction(1, 8),
        "partial success": Fraction(49, 108),
        "success": Fraction(25, 72),
        "critical": Fraction(2, 27),
    }
    assert [field["name"] for field in embed["fields"]] == [
        "failure",
        "partial success",
        "success",
        "critical",
    ]
    assert all(field["inline"] for field in embed["fields"])
    assert fields(outcome) == {
        "failure": "12.50 % (1/8)",
        "partial success": "45.37 % (49/108)\n87.50 % or better",
        "success": "34.72 % (25/72)\n42.13 % or better",
        "critical": "7.41 % (2/27)",
    }
    assert embed["image"]["url"] == "attachment://odds.png"
    assert outcome.message is not None
    [attachment] = outcome.message.attachments
    assert attachment["content_type"] == "image/png"
    local = compute_outcome_odds("fitd(3)").chart
    assert local is not None
    assert attachment["size"] == len(local) != len(compute_odds("1d6").chart or b"")


async def test_system_odds_leave_out_what_cannot_happen(emu: LoopbackDiscord, app: NazhApp) -> None:
    no_dice = await emu.slash("odds", {"expression": "fitd(0)"}, max_wait=60)
    assert fields(no_dice) == {
        "failure": "75.00 % (3/4)",
        "partial success": "22.22 % (2/9)\n25.00 % or better",
        "success": "2.78 % (1/36)",
    }
    fate = await emu.slash("odds", {"expression": "fate(+2)"}, max_wait=60)
    found = fields(fate)
    assert list(found) == [
        "terrible",
        "poor",
        "mediocre",
        "average",
        "fair",
        "good",
        "great",
        "superb",
        "fantastic",
    ]
    # 4dF sums 0 in 19 of 81 ways, and 0 to +4 in 19 + 16 + 10 + 4 + 1 = 50.
    assert found["fair"] == "23.46 % (19/81)\n61.73 % or better"
    dnd = await emu.send_message("!odds dnd(5)", max_wait=60)
    assert fields(dnd) == {
        "fumble": "5.00 % (1/20)",
        "other": "90.00 % (9/10)\n95.00 % or better",
        "critical": "5.00 % (1/20)",
    }


async def test_a_target_is_noted_as_not_applying_to_outcomes(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    slash = await emu.slash("odds", {"expression": "pbta(1)", "target": 10}, max_wait=60)
    prefix = await emu.send_message("!odds pbta(1) 10", max_wait=60)
    for outcome in (slash, prefix):
        assert not outcome.ephemeral
        embed = outcome.embeds[0]
        assert embed["description"] == f"Powered by the Apocalypse\n{TARGET_NOTE}"
        assert fields(outcome)["strong hit"] == "27.78 % (5/18)"
    commented = await emu.send_message("!odds pbta(1) acting under fire", max_wait=60)
    assert commented.embeds[0]["description"] == "Powered by the Apocalypse"


async def test_narrative_odds_show_net_symbols(emu: LoopbackDiscord, app: NazhApp) -> None:
    outcome = await emu.slash("odds", {"expression": "genesys(2g 1y 2p 1r 1b)"}, max_wait=60)
    found = fields(outcome)
    symbols = symbol_odds("genesys(2g 1y 2p 1r 1b)")
    assert found["success"] == format_chance(symbols["at least 1 net success"])
    assert found["Net symbols"].splitlines() == [
        f"{label}: {format_chance(chance)}" for label, chance in symbols.items()
    ]
    assert "at least 2 net advantages: 27.89 %" in found["Net symbols"]
    assert "at least 1 triumph: 8.33 %" in found["Net symbols"]
    assert list(found) == ["failure", "success", "Net symbols"]


async def test_system_odds_of_a_saved_roll_and_in_a_dialect(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    await emu.slash("rolls save", {"name": "sneak", "expression": "fitd(2) sneaking"})
    saved = await emu.slash("odds", {"expression": "sneak"}, max_wait=60)
    assert saved.embeds[0]["title"] == "Odds of fitd(2)"
    assert fields(saved)["critical"] == "2.78 % (1/36)"
    await emu.slash("settings notation", {"dialect": "dicemaiden", "scope": "me"})
    maiden = await emu.send_message("!odds 4cod", max_wait=60)
    assert maiden.embeds[0]["title"] == "Odds of cod(4)"
    # 8+ on a d10 succeeds: four dice fail together 0.7^4 of the time.
    assert fields(maiden)["failure"] == "24.01 % (2401/10000)"
    assert list(fields(maiden)) == ["failure", "success", "exceptional success"]


async def test_system_odds_refusals_are_private_and_never_reach_a_worker(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    repeated = await emu.slash("odds", {"expression": "3#fitd(3)"})
    assert repeated.ephemeral
    assert repeated.content == (
        "I couldn't roll that: outcome odds take one roll, not 3: each roll of `3#fitd(3)` has"
        " the odds of `fitd(3)`"
    )
    several = await emu.slash("odds", {"expression": "fitd(3); pbta(1)"})
    assert several.ephemeral
    assert "not several separated by `;`" in several.content
    costly = await emu.slash("odds", {"expression": "genesys(30y 30r)"})
    assert costly.ephemeral
    assert costly.content == (
        "Exact odds of `genesys(30y 30r)` (too many dice to count every symbol) would take too"
        " long to work out. Try fewer or smaller dice."
    )
    assert app.services.offload.started is False


def test_outcome_report_and_card_without_the_bot() -> None:
    report = compute_outcome_odds("dicemaiden: 6yz ! searching", chart=False)
    assert report.expression == "yz(6)"
    assert report.system == "Year Zero Engine"
    assert report.chart is None
    assert report.outcomes == tuple(outcome_odds("dicemaiden: 6yz").items())
    assert report.symbols == ()
    charted = compute_outcome_odds("genesys(1g 1p)")
    assert charted.chart is not None
    assert charted.chart[:8] == b"\x89PNG\r\n\x1a\n"
    assert dict(charted.symbols) == symbol_odds("genesys(1g 1p)")
    refusals = {"4d6": "invalid", "genesys(30y 30r)": "limit", "2#fitd(1)": "invalid"}
    for text, reason in refusals.items():
        with pytest.raises(OddsError) as caught:
            compute_outcome_odds(text, chart=False)
        assert caught.value.reason == reason, text


def test_outcomes_past_the_field_limit_share_one_field() -> None:
    many = tuple((f"rung {n}", Fraction(1, 25)) for n in range(25))
    report = OutcomeReport("ladder(1)", "A long ladder", many, (), None)
    embed = outcome_card(report, chart=None)
    names = [field.name for field in embed.fields]
    assert names == [f"rung {n}" for n in range(MAX_OUTCOME_FIELDS)] + ["More outcomes"]
    rest = embed.fields[-1].value.splitlines()
    assert rest[0] == "**rung 18**: 4.00 % (1/25)"
    assert len(rest) == 25 - MAX_OUTCOME_FIELDS
    assert embed.fields[0].value == "4.00 % (1/25)"
    assert embed.fields[1].value == "4.00 % (1/25)\n96.00 % or better"
    assert embed.description == "A long ladder"
    assert embed.image is None
    assert chance_text(Fraction(1, 3)) == "33.33 % (1/3)"
    assert chance_text(Fraction(1, 10_001)) == format_chance(Fraction(1, 10_001))
    assert chance_text(Fraction(0)) == "impossible"
