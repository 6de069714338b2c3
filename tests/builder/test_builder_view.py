"""The view's controls fit the build: over-limit steps are disabled and the message says why."""

from __future__ import annotations

from types import SimpleNamespace
from typing import TYPE_CHECKING, Any, cast

import hikari

from nazh.builder import Build, BuilderHub, BuilderView, Term
from nazh.builder.view import KEEP_CHOICES

if TYPE_CHECKING:
    from nazh.invocation import Invocation


def view_of(state: Build) -> BuilderView:
    owner = cast("hikari.User", SimpleNamespace(id=hikari.Snowflake(1)))
    return BuilderView(BuilderHub(), owner, cast("Invocation", None), timeout=1.0, state=state)


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
    assert die_values == ["6", "other"]
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
