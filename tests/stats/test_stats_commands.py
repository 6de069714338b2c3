"""/stats and !stats through the real bot and the loopback Discord."""

from __future__ import annotations

import asyncio
import random
import re
import sys
from collections import Counter
from typing import TYPE_CHECKING

from nazh.commands.stats import DELETE_ID, KEEP_ID, MIN_D20_RANKED
from nazh.loopback.protocol import OptionType
from nazh.stats.fairness import fairness_of

if TYPE_CHECKING:
    from nazh.app import NazhApp
    from nazh.loopback import LoopbackDiscord, Outcome
    from tests.bot.bot_support import StartApp

P_VALUE = re.compile(r"p = (< 0\.001|\d\.\d{3})")


def fields(outcome: Outcome) -> dict[str, str]:
    assert len(outcome.embeds) == 1, outcome
    return {field["name"]: field["value"] for field in outcome.embeds[0].get("fields", ())}


def description(outcome: Outcome) -> str:
    assert len(outcome.embeds) == 1, outcome
    return outcome.embeds[0].get("description", "")


async def test_stats_and_odds_are_synced(emu: LoopbackDiscord, app: NazhApp) -> None:
    stats = emu.command("stats", emu.guild_id)
    assert {option["name"] for option in stats["options"]} == {
        "me",
        "server",
        "bot",
        "forget-me",
    }
    odds = emu.command("odds", emu.guild_id)
    options = {option["name"]: option for option in odds["options"]}
    assert options["expression"]["required"] is True
    assert options["target"]["type"] == OptionType.INTEGER
    assert options["target"].get("required", False) is False


async def test_empty_history(emu: LoopbackDiscord, app: NazhApp) -> None:
    me = await emu.slash("stats me")
    assert not me.ephemeral
    assert "no rolls yet" in description(me)
    assert fields(me) == {}
    everywhere = await emu.slash("stats me", {"scope": "everywhere"})
    assert description(everywhere).startswith("Everywhere (all servers and DMs): no rolls yet")
    server = await emu.slash("stats server")
    assert "Nobody has rolled here yet" in description(server)


async def test_rolls_count_per_server_and_everywhere_including_dms(
    emu: LoopbackDiscord, start_app: StartApp
) -> None:
    await start_app(guild_ids=())
    await emu.wait_commands({"stats", "odds"})
    user = emu.users[0]
    first, second = emu.guild_ids
    for _ in range(3):
        await emu.slash("roll", {"expression": "2d20"}, user=user, guild_id=first)
    await emu.slash("roll", {"expression": "1d6"}, user=user, guild_id=second)
    dm = await emu.slash("roll", {"expression": "1d8"}, user=user, dm=True)
    assert "1d8 (" in dm.content

    here = await emu.slash("stats me", user=user, guild_id=first)
    assert description(here) == "In this server: 3 rolls, 6 dice"
    assert fields(here)["Dice rolled"] == "d20 × 6"
    assert "(expected 0.3)" in fields(here)["d20"]
    assert "Not enough rolls to judge yet: d20 6/100" in fields(here)["Fairness"]

    there = await emu.slash("stats me", user=user, guild_id=second)
    assert description(there) == "In this server: 1 roll, 1 die"
    everywhere = await emu.slash("stats me", {"scope": "everywhere"}, user=user)
    assert description(everywhere) == "Everywhere (all servers and DMs): 5 rolls, 8 dice"
    assert fields(everywhere)["Dice rolled"] == "d6 × 1 · d8 × 1 · d20 × 6"

    dm_stats = await emu.slash("stats me", user=user, dm=True)
    assert description(dm_stats).startswith("Everywhere (all servers and DMs): 5 rolls")


async def test_thousands_of_rolls_get_a_fairness_verdict(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    assert app.storage is not None
    fair, loaded = emu.users[0], emu.users[1]
    rng = random.Random(20)
    fair_faces = [rng.randint(1, 20) for _ in range(4000)]
    loaded_faces = [20 if rng.random() < 0.2 else rng.randint(1, 20) for _ in range(3000)]
    for face in fair_faces:
        app.storage.record_roll(guild_id=emu.guild_id, user_id=fair.id, dice=[(20, face)])
    for face in loaded_faces:
        app.storage.record_roll(
            guild_id=emu.guild_id, user_id=loaded.id, dice=[(20, face), (6, rng.randint(1, 6))]
        )

    outcome = await emu.slash("stats me", user=fair)
    counts = Counter(fair_faces)
    assert description(outcome) == "In this server: 4,000 rolls, 4,000 dice"
    d20 = fields(outcome)["d20"]
    assert f"Natural 20s: **{counts[20]}** (expected 200.0)" in d20
    assert f"Natural 1s: **{counts[1]}** (expected 200.0)" in d20
    assert f"Average: **{sum(fair_faces) / 4000:.2f}**" in d20
    verdict = fairness_of({face: counts[face] for face in range(1, 21)})
    assert verdict is not None
    assert verdict.p_value > 0.05
    fairness = fields(outcome)["Fairness"]
    assert fairness.startswith("Your d20 is as fair as the universe")
    assert P_VALUE.search(fairness)
    assert f"p = {verdict.p_value:.3f}" in fairness

    other = await emu.slash("stats me", {"user": loaded.id}, user=fair)
    assert "Roll statistics of" in other.embeds[0]["title"]
    assert description(other) == "In this server: 3,000 rolls, 6,000 dice"
    lines = fields(other)["Fairness"].splitlines()
    assert lines[0].startswith("Their d20 is loaded?")
    assert "p = < 0.001" in lines[0]
    assert lines[1].startswith("Their d6 is ")


async def test_a_one_sided_die_is_not_waiting_for_a_fairness_verdict(
    emu: LoopbackDiscord, app: NazhApp
) -> None:
    assert app.storage is not None
    user = emu.users[0]
    for _ in range(40):
        app.storage.record_roll(guild_id=emu.guild_id, user_id=user.id, dice=[(1, 1), (6, 3)])

    outcome = await emu.slash("stats me", user=user)

    fairness = fields(outcome)["Fairness"]
    assert fairness.startswith("Your d6 is ")
    assert "d1" not in fairness


async def test_server_ranks_players_with_enough_d20s(emu: LoopbackDiscord, app: NazhApp) -> None:
    assert app.storage is not None
    guild = emu.guild_id
    for index in range(8):
        user_id = 1000 + index
        face = index + 10
        for _ in range(MIN_D20_RANKED + index):
            app.storage.record_roll(guild_id=guild, user_id=user_id, dice=[(20, face)])
    for _ in range(MIN_D20_RANKED - 1):
        app.storage.record_roll(guild_id=guild, user_id=999, dice=[(20, 20)])

    outcome = await emu.slash("stats server")
    rolls = sum(MIN_D20_RANKED + index for index in range(8)) + MIN_D20_RANKED - 1
    assert description(outcome) == f"{rolls:,} rolls, {rolls:,} dice, 9 players"
    found = fields(outcome)
    assert found["Most active"].splitlines()[0] == f"1. <@1007>: {MIN_D20_RANKED + 7} rolls"
    assert found["Luckiest d20s"].splitlines()[0] == f"1. <@1007>: 17.00 over {MIN_D20_RANKED + 7}"
    assert found["Unluckiest d20s"].splitlines()[0] == f"1. <@1000>: 10.00 over {MIN_D20_RANKED}"
    assert "<@999>" not in found["Luckiest d20s"]
    assert outcome.message is not None
    assert not outcome.message.pings.anyone


async def test_server_stats_need_a_server(emu: LoopbackDiscord, start_app: StartApp) -> None:
    await start_app(guild_ids=())
    await emu.wait_commands({"stats", "odds"})
    outcome = await emu.slash("stats server", dm=True)
    assert outcome.ephemeral
    assert outcome.content.startswith("Server statistics need a server")


async def test_bot_stats(emu: LoopbackDiscord, app: NazhApp) -> None:
    for _ in range(4):
        await emu.slash("roll", {"expression": "3d6"})
    outcome = await emu.slash("stats bot")
    found = fields(outcome)
    assert found["Servers"] == "2"
    assert found["Shards"] == "1 of 1 here (0)"
    assert found["Rolls served"] == "4 (12 dice)"
    assert re.fullmatch(r"\d+ ms", found["Gateway latency"]), found
    assert re.fullmatch(r"\d+\.\d MiB", found["Memory"]), found
    assert found["Version"] == "0.1.0"
    assert re.fullmatch(r"\d+ s|\d+ min", found["Uptime"]), found
    prefixed = await emu.send_message("!stats bot")
    assert fields(prefixed)["Servers"] == "2"


async def test_prefix_stats_forms(emu: LoopbackDiscord, app: NazhApp) -> None:
    await emu.send_message("!roll 1d20")
    mine = await emu.send_message("!stats")
    assert description(mine) == "In this server: 1 roll, 1 die"
    everywhere = await emu.send_message("!stats everywhere")
    assert description(everywhere).startswith("Everywhere")
    server = await emu.send_message("!stats server")
    assert description(server).startswith("1 roll, 1 die, 1 player")
    usage = await emu.send_message("!stats nonsense")
    assert usage.content.startswith("Try `!stats`")


async def test_forget_me_needs_the_callers_confirmation(emu: LoopbackDiscord, app: NazhApp) -> None:
    assert app.storage is not None
    owner, other = emu.users[0], emu.users[1]
    for who in (owner, other):
        await emu.slash("roll", {"expression": "1d20"}, user=who)
    prompt = await emu.slash("stats forget-me", user=owner)
    assert prompt.ephemeral
    assert prompt.custom_ids == [DELETE_ID, KEEP_ID]

    refused = await emu.click(prompt, DELETE_ID, user=other)
    assert refused.ephemeral
    assert "Only <@" in refused.content
    assert (await app.storage.user_stats(owner.id, guild_id=None)).rolls == 1

    kept = await emu.click(prompt, KEEP_ID, user=owner)
    assert kept.content == "Nothing was deleted."
    assert kept.components == []
    assert (await app.storage.user_stats(owner.id, guild_id=None)).rolls == 1

    again = await emu.slash("stats forget-me", user=owner)
    done = await emu.click(again, DELETE_ID, user=owner)
    assert done.content.startswith("Done: your roll statistics, recent rolls, saved rolls and")
    assert (await app.storage.user_stats(owner.id, guild_id=None)).rolls == 0
    assert await app.storage.recent(owner.id) == []
    assert (await app.storage.user_stats(other.id, guild_id=None)).rolls == 1
    after = await emu.slash("stats me", user=owner)
    assert "no rolls yet" in description(after)


async def test_prefix_forget_me_and_expiry(emu: LoopbackDiscord, app: NazhApp) -> None:
    sys.modules["plugins.stats"].forget_me.timeout = 0.3
    prompt = await emu.send_message("!stats forget-me")
    assert prompt.message is not None
    assert prompt.custom_ids == [DELETE_ID, KEEP_ID]
    refused = await emu.click(prompt, DELETE_ID, user=emu.users[2])
    assert refused.ephemeral
    for _ in range(50):
        if prompt.message.content.startswith("This confirmation expired"):
            break
        await asyncio.sleep(0.05)
    assert prompt.message.content == "This confirmation expired; nothing was deleted."
    assert prompt.message.components == []
