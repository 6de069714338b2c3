"""Game-system outcomes in /stats: counted from /roll, shown best first, within the embed limits."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from types import MappingProxyType
from typing import TYPE_CHECKING

import pytest

from nazh.dice.systems import get_system
from nazh.stats.cards import outcome_field, server_card, user_card
from nazh.storage import ServerStats, UserStats

if TYPE_CHECKING:
    from collections.abc import Mapping

    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord, Outcome
    from tests.bot.bot_support import StartApp

FITD_FIELD = "Blades in the Dark / Forged in the Dark (fitd)"
PBTA_FIELD = "Powered by the Apocalypse (pbta)"
COUNT = re.compile(r"(.+?) ([\d,]+)")


def fields(outcome: Outcome) -> dict[str, str]:
    assert len(outcome.embeds) == 1, outcome
    return {field["name"]: field["value"] for field in outcome.embeds[0].get("fields", ())}


def counts_of(value: str) -> list[tuple[str, int]]:
    """``critical 3 · success 12`` → ``[("critical", 3), ("success", 12)]``."""
    found: list[tuple[str, int]] = []
    for part in value.split(" · "):
        match = COUNT.fullmatch(part)
        assert match is not None, value
        found.append((match[1], int(match[2].replace(",", ""))))
    return found


def outcomes_said(content: str, system: str) -> list[str]:
    """The outcome names a roll reply gives, one per system roll, from its bold words."""
    known = get_system(system)
    assert known is not None
    words = re.findall(r"\*\*([a-z ]+)\*\*", content)
    return [word for word in words if word in known.outcomes]


def user_stats(outcomes: Mapping[str, Mapping[str, int]]) -> UserStats:
    return UserStats(
        user_id=1,
        guild_id=None,
        rolls=sum(sum(counts.values()) for counts in outcomes.values()),
        dice=0,
        nat20=0,
        nat1=0,
        dice_by_size=MappingProxyType({}),
        sum_by_size=MappingProxyType({}),
        faces=MappingProxyType({}),
        outcomes=MappingProxyType({s: MappingProxyType(dict(c)) for s, c in outcomes.items()}),
    )


async def test_three_fitd_rolls_show_in_stats_me_best_first(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    said: list[str] = []
    for _ in range(3):
        reply = await emu.slash("roll", {"expression": "fitd(3)"})
        said.extend(outcomes_said(reply.content, "fitd"))
    assert len(said) == 3

    found = fields(await emu.slash("stats me"))

    counts = counts_of(found[FITD_FIELD])
    assert sum(n for _, n in counts) == 3
    assert dict(counts) == Counter(said)
    fitd = get_system("fitd")
    assert fitd is not None
    ranks = [fitd.outcomes.index(name) for name, _ in counts]
    assert ranks == sorted(ranks, reverse=True)
    assert list(found) == ["Dice rolled", FITD_FIELD, "Fairness"]
    assert fields(await emu.slash("stats server"))["Game system rolls"] == "fitd × 3"


async def test_outcomes_follow_the_scope_and_count_every_system_roll(
    emu: LoopbackDiscord, start_app: StartApp
) -> None:
    await start_app(guild_ids=())
    await emu.wait_commands({"stats", "odds"})
    user = emu.users[0]
    first, second = emu.guild_ids
    here = await emu.slash("roll", {"expression": "3#pbta(1)"}, user=user, guild_id=first)
    there = await emu.slash("roll", {"expression": "pbta(0); 1d20"}, user=user, guild_id=second)
    dm = await emu.slash("roll", {"expression": "fitd(2) sneak"}, user=user, dm=True)
    await emu.slash("roll", {"expression": "2d6+1"}, user=user, guild_id=first)

    in_first = fields(await emu.slash("stats me", user=user, guild_id=first))
    assert dict(counts_of(in_first[PBTA_FIELD])) == Counter(outcomes_said(here.content, "pbta"))
    assert FITD_FIELD not in in_first
    in_second = fields(await emu.slash("stats me", user=user, guild_id=second))
    assert dict(counts_of(in_second[PBTA_FIELD])) == Counter(outcomes_said(there.content, "pbta"))

    everywhere = fields(await emu.slash("stats me", {"scope": "everywhere"}, user=user))
    both = Counter(outcomes_said(here.content + there.content, "pbta"))
    assert dict(counts_of(everywhere[PBTA_FIELD])) == both
    assert both.total() == 4
    assert dict(counts_of(everywhere[FITD_FIELD])) == Counter(outcomes_said(dm.content, "fitd"))
    names = list(everywhere)
    assert names.index(PBTA_FIELD) < names.index(FITD_FIELD), "most rolled first"


async def test_outcomes_count_on_postgresql(
    postgres_url: str, emu: LoopbackDiscord, start_app: StartApp
) -> None:
    await start_app(database_url=postgres_url)
    await emu.wait_commands({"stats", "odds"})
    reply = await emu.slash("roll", {"expression": "2#fitd(1)"})
    found = fields(await emu.slash("stats me"))
    assert dict(counts_of(found[FITD_FIELD])) == Counter(outcomes_said(reply.content, "fitd"))


async def test_forget_me_forgets_the_outcomes(emu: LoopbackDiscord, app: NazhApp) -> None:
    assert app.storage is not None
    await emu.slash("roll", {"expression": "fitd(3)"})
    await app.storage.forget_user(emu.users[0].id)
    stats = await app.storage.user_stats(emu.users[0].id, guild_id=None)
    assert dict(stats.outcomes) == {}


def test_outcomes_read_best_first_with_unknown_ones_last() -> None:
    title, value = outcome_field(
        "fitd", {"critical": 3, "failure": 9, "partial success": 20, "success": 12, "lucky": 1}
    )
    assert title == FITD_FIELD
    assert value == "critical 3 · success 12 · partial success 20 · failure 9 · lucky 1"
    assert outcome_field("dnd", {"total": 40, "critical": 2, "fumble": 1_234}) == (
        "Dungeons & Dragons 5e (d20 test) (dnd)",
        "critical 2 · other 40 · fumble 1,234",
    )
    assert outcome_field("oldsys", {"a": 1, "total": 2}) == ("oldsys", "a 1 · total 2")


@pytest.mark.parametrize(("systems", "left_over"), [(3, False), (30, True)])
def test_many_systems_stay_within_discords_embed_limits(systems: int, left_over: bool) -> None:
    fate = get_system("fate")
    assert fate is not None
    outcomes = {
        f"system{index:02}": dict.fromkeys(fate.outcomes, 1_000_000 + index)
        for index in range(systems)
    }
    embed = user_card(user_stats(outcomes), "x" * 256, "In this server")

    assert embed.total_length() <= 6000
    assert len(embed.fields) <= 25
    assert all(len(field.value) <= 1024 for field in embed.fields)
    names = [field.name for field in embed.fields]
    assert names[-1] == "Fairness"
    shown = [name for name in names if name.startswith("system")]
    assert shown == [f"system{index:02}" for index in range(len(shown))]
    assert (len(shown) < systems) is left_over
    if left_over:
        more = embed.fields[-2]
        assert more.name == "More game systems"
        rolls = len(fate.outcomes) * (1_000_000 + len(shown))
        assert more.value.startswith(f"system{len(shown):02} × {rolls:,} · ")
    else:
        assert "More game systems" not in names


def test_server_card_lists_the_systems_rolled() -> None:
    stats = ServerStats(
        guild_id=1,
        rolls=10,
        dice=20,
        players=1,
        most_active=(),
        luckiest=(),
        unluckiest=(),
        min_d20=30,
        system_rolls=MappingProxyType({"fitd": 1_200, "pbta": 3}),
    )
    found = {field.name: field.value for field in server_card(stats, "Guild").fields}
    assert found["Game system rolls"] == "fitd × 1,200 · pbta × 3"
    quiet = dataclasses.replace(stats, system_rolls=MappingProxyType({}))
    assert "Game system rolls" not in {field.name for field in server_card(quiet, "Guild").fields}
