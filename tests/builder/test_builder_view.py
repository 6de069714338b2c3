"""The view's controls fit the build: over-limit steps are disabled and the message says why."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import hikari

from nazh.builder import Build, BuilderHub, BuilderView, Term
from nazh.builder.view import KEEP_CHOICES, MAX_SAVED_CHOICES
from nazh.storage import SavedRoll

if TYPE_CHECKING:
    from collections.abc import Sequence

    from nazh.invocation import Invocation


def view_of(state: Build, saved: Sequence[SavedRoll] = ()) -> BuilderView:
    owner = cast("hikari.User", SimpleNamespace(id=hikari.Snowflake(1)))
    return BuilderView(
        BuilderHub(), owner, cast("Invocation", None), timeout=1.0, state=state, saved=saved
    )


def items(view: BuilderView) -> dict[str, Any]:
    return {item.custom_id: item for item in view.children}


async def test_a_full_build_disables_adding_dice_and_says_why() -> None:
    view = view_of(Build((Term(6, 1000),), selected=0))
    text = view.render()
    controls = items(view)
    assert controls["build:more"].disabled
    assert not controls["build:fewer"].disabled
    assert not controls["build:roll"].disabled
    die_values = [option.value for option in controls["build:die"].options]
    assert die_values == ["6", "other", "clear"]
    assert "\n-# d4, d8, d10, d12, d20, d100, dF, + d6: a roll is limited to 1,000 dice\n" in text


async def test_exploding_a_d1_is_disabled_with_the_engine_reason() -> None:
    view = view_of(Build((Term(1),), selected=0))
    text = view.render()
    assert items(view)["build:explode"].disabled
    assert "Exploding: off: that explosion matches every face and would never end" in text


async def test_keep_options_stay_within_discords_25() -> None:
    view = view_of(Build((Term(6, 40, 3),), selected=0))
    view.render()
    keep = items(view)["build:keep"]
    values = [option.value for option in keep.options]
    assert len(values) == 1 + 2 * KEEP_CHOICES == 25
    assert [o.value for o in keep.options if o.is_default] == ["3"]
    assert len(view.build()) == 5


def row_ids(view: BuilderView, row: int) -> list[str]:
    payload, _ = view.build()[row].build()
    return [component["custom_id"] for component in payload["components"]]


def mine(name: str, expression: str) -> SavedRoll:
    return SavedRoll("user", 1, name, expression, 0)


def servers(name: str, expression: str) -> SavedRoll:
    return SavedRoll("guild", 2, name, expression, 0, author_id=3)


async def test_an_empty_build_offers_saved_rolls_where_keep_goes() -> None:
    saved = [servers("init", "1d20+2"), mine("init", "1d20+4"), mine("attack", "1d20+7 attack")]
    view = view_of(Build(), saved)
    view.render()
    controls = items(view)
    assert "build:keep" not in controls
    start = controls["build:saved"]
    assert [(o.label, o.value) for o in start.options] == [
        ("attack · 1d20+7 attack", "attack"),
        ("init · 1d20+4", "init"),
        ("server:init · 1d20+2", "server:init"),
    ]
    assert len(view.build()) == 5
    assert row_ids(view, 2) == ["build:saved"]

    view.state = Build((Term(20),), selected=0)
    view.render()
    controls = items(view)
    assert "build:saved" not in controls
    assert controls["build:keep"].disabled
    assert row_ids(view, 2) == ["build:keep"]


async def test_the_start_select_offers_the_players_rolls_first_up_to_discords_25() -> None:
    saved = [servers(f"s{n:02}", "1d6") for n in range(10)]
    saved += [mine(f"m{n:02}", "1d8") for n in range(20)]
    view = view_of(Build(), saved)
    view.render()
    values = [option.value for option in items(view)["build:saved"].options]
    assert len(values) == MAX_SAVED_CHOICES == 25
    assert values == [f"m{n:02}" for n in range(20)] + [f"s{n:02}" for n in range(5)]


async def test_without_saved_rolls_the_keep_select_stays() -> None:
    view = view_of(Build())
    text = view.render()
    controls = items(view)
    assert "build:saved" not in controls
    assert controls["build:keep"].disabled
    assert controls["build:save"].disabled
    assert "Roll, Target, Save: nothing to roll yet" in text
