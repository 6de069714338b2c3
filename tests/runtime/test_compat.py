"""The workarounds in `nazh.compat`, and the upstream behaviour each one works around.

A ``test_upstream_...`` test fails once its dependency changes that behaviour: the workaround
can then be removed (or switched to the new public API).
"""

from __future__ import annotations

import argparse
import inspect

import hikari
import lightbulb
import miru
import pytest

from nazh.compat import (
    SingleDashPositionalParser,
    forget_modal,
    route_commands,
    start_shard,
    stop_shard,
)
from nazh.loopback import LoopbackDiscord


@pytest.fixture
def bot() -> hikari.GatewayBot:
    """A bot that is never started: any call to Discord raises."""
    return hikari.GatewayBot(
        "NDI.token.never-used", banner=None, logs=None, suppress_optimization_warning=True
    )


class Ping(lightbulb.SlashCommand, name="ping", description="Answers pong"):
    @lightbulb.invoke
    async def invoke(self, ctx: lightbulb.Context) -> None:
        await ctx.respond("pong")


def _routed(client: lightbulb.Client) -> set[tuple[str, ...]]:
    return {
        path
        for scope in client.invokable_commands.values()
        for path, collection in scope.items()
        if collection.slash is not None
    }


def test_upstream_lightbulb_routes_without_syncing_only_by_a_private_flag() -> None:
    parameters = inspect.signature(lightbulb.Client.sync_application_commands).parameters

    assert list(parameters) == ["self", "_force_no_api_call"]


async def test_upstream_lightbulb_routes_a_command_registered_late_only_on_sync(
    bot: hikari.GatewayBot,
) -> None:
    client = lightbulb.client_from_app(bot)
    client.register(Ping)

    assert _routed(client) == set()
    with pytest.raises(hikari.ComponentStateConflictError):
        await client.sync_application_commands()


async def test_route_commands_routes_without_calling_discord(bot: hikari.GatewayBot) -> None:
    client = lightbulb.client_from_app(bot)
    client.register(Ping)

    await route_commands(client)

    assert _routed(client) == {("ping",)}


async def test_upstream_miru_keeps_a_stopped_modal(bot: hikari.GatewayBot) -> None:
    client = miru.Client(bot)
    modal = miru.Modal("Title")
    client.start_modal(modal)

    modal.stop()

    assert client._modals.get(modal.custom_id) is modal


async def test_forget_modal_drops_a_stopped_modal_only(bot: hikari.GatewayBot) -> None:
    client = miru.Client(bot)
    kept, stopped = miru.Modal("Kept"), miru.Modal("Stopped")
    client.start_modal(kept)
    client.start_modal(stopped)

    stopped.stop()
    forget_modal(stopped)
    forget_modal(miru.Modal("Never started"))

    assert set(client._modals) == {kept.custom_id}
    kept.stop()


def _dice_parser(parser_class: type[argparse.ArgumentParser]) -> argparse.ArgumentParser:
    parser = parser_class(prog="dice")
    parser.add_argument("words", nargs="+")
    parser.add_argument("--seed", type=int)
    return parser


def test_upstream_argparse_takes_a_single_dash_word_for_an_option(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(SystemExit):
        _dice_parser(argparse.ArgumentParser).parse_args(["-d20"])

    assert "the following arguments are required: words" in capsys.readouterr().err


def test_single_dash_words_are_positionals_and_double_dash_options_still_work() -> None:
    args = _dice_parser(SingleDashPositionalParser).parse_args(["-d20", "+", "-1d4", "--seed", "3"])

    assert args.words == ["-d20", "+", "-1d4"]
    assert args.seed == 3


def test_dash_h_still_asks_for_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exited:
        _dice_parser(SingleDashPositionalParser).parse_args(["-h"])

    assert exited.value.code == 0
    assert capsys.readouterr().out.startswith("usage: dice")


def test_upstream_hikari_starts_one_shard_only_through_a_private_method() -> None:
    public = {name for name in dir(hikari.GatewayBot) if not name.startswith("_")}
    assert not {name for name in public if "shard" in name} - {"shards", "shard_count"}
    parameters = inspect.signature(hikari.GatewayBot._start_one_shard).parameters  # pyright: ignore[reportPrivateUsage]
    assert set(parameters) == {
        "self",
        "activity",
        "afk",
        "idle_since",
        "status",
        "large_threshold",
        "shard_id",
        "shard_count",
        "url",
    }


async def test_start_shard_and_stop_shard_change_a_running_bots_shards() -> None:
    async with LoopbackDiscord(shards=3) as emu:
        bot = hikari.GatewayBot(
            emu.token,
            rest_url=emu.rest_url,
            banner=None,
            logs=None,
            suppress_optimization_warning=True,
        )
        await bot.start(check_for_updates=False, shard_ids=(), shard_count=3)
        try:
            assert dict(bot.shards) == {}
            gateway = await bot.rest.fetch_gateway_bot_info()
            await start_shard(bot, 2, 3, gateway.url)
            await start_shard(bot, 0, 3, gateway.url)
            assert sorted(bot.shards) == [0, 2]
            assert all(shard.is_connected for shard in bot.shards.values())
            await emu.wait_shards({0, 2})
            assert emu.connected_shards == {0, 2}

            await stop_shard(bot, 2)
            await stop_shard(bot, 1)
            assert sorted(bot.shards) == [0]
            await emu.wait_shards({2}, connected=False)
            assert emu.connected_shards == {0}
        finally:
            await bot.close()
