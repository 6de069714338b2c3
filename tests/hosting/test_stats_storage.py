"""`/stats bot` names the storage, and warns owners alone when it will not survive a restart."""

from __future__ import annotations

from typing import TYPE_CHECKING

from nazh.hosting.platform import Host, Mount, Platform

if TYPE_CHECKING:
    from nazh.loopback import LoopbackDiscord
    from nazh.loopback.outcome import Outcome
    from tests.bot.bot_support import StartApp

RENDER_FREE = Host(
    Platform.RENDER,
    "web service",
    900.0,
    "Render spins a free web service down after 15 minutes without inbound traffic",
    (Mount("/", False),),
)
WARNING_FIELD = "Storage will not last (shown to owners)"


def _fields(outcome: Outcome) -> dict[str, str]:
    return {field["name"]: field["value"] for field in outcome.embeds[0].get("fields", ())}


async def test_owners_are_warned_that_sqlite_on_an_ephemeral_disk_will_be_lost(
    emu: LoopbackDiscord, start_app: StartApp
) -> None:
    await start_app(host=RENDER_FREE)
    await emu.wait_commands({"stats"})
    owner = _fields(await emu.slash("stats bot", user=emu.owner))
    assert owner["Storage"] == "SQLite"
    assert owner[WARNING_FIELD].startswith("statistics and saved rolls are kept in SQLite at ")
    assert "Render's ephemeral disk" in owner[WARNING_FIELD]
    assert "NAZH_DATABASE_URL" in owner[WARNING_FIELD]
    member = _fields(await emu.slash("stats bot"))
    assert member["Storage"] == "SQLite"
    assert WARNING_FIELD not in member
    prefixed = _fields(await emu.send_message("!stats bot", user=emu.owner))
    assert WARNING_FIELD in prefixed


async def test_owners_see_no_warning_where_storage_lasts(
    emu: LoopbackDiscord, start_app: StartApp
) -> None:
    await start_app()
    await emu.wait_commands({"stats"})
    owner = _fields(await emu.slash("stats bot", user=emu.owner))
    assert owner["Storage"] == "SQLite"
    assert WARNING_FIELD not in owner
