"""Saved rolls without Discord: names, texts, the resolving table and the export file."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from nazh.dice.dialects import get_dialect
from nazh.dice.functions import Function
from nazh.dice.macros import Macro
from nazh.saved import transfer
from nazh.saved.rules import SavedRollError, check_name, check_text
from nazh.saved.table import SavedTable
from nazh.storage import SavedRoll

README = Path(__file__).resolve().parents[2] / "README.md"
NAZH = get_dialect("nazh")


def roll(name: str, text: str, scope: str = "user") -> SavedRoll:
    return SavedRoll("user" if scope == "user" else "guild", 1, name, text, 0)


@pytest.mark.parametrize("name", ["attack", "Sneak-Attack", "_x", "a1_b-c", "x" * 32, "dmg"])
def test_good_names_are_kept_lower_case(name: str) -> None:
    assert check_name(f" {name} ") == name.lower()


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("", "needs a name"),
        ("x" * 33, "at most 32"),
        ("1st", "starting with a letter"),
        ("a b", "use letters"),
        ("a!", "use letters"),
        ("end-", "between two words"),
        ("a--b", "between two words"),
        ("d6", "reads as dice"),
        ("dF", "reads as dice"),
        ("max", "dice function"),
        ("pbta", "game system"),
        ("foundry", "notation dialect"),
        ("advantage", "word the notation uses"),
        ("server", "word the notation uses"),
    ],
)
def test_bad_names_say_why(name: str, reason: str) -> None:
    with pytest.raises(SavedRollError, match=reason):
        check_name(name)


def test_texts_must_roll_with_their_defaults() -> None:
    table = SavedTable([roll("base", "1d20")])
    macro = check_text("hit", "base+{bonus}", NAZH, table.resolve)
    assert macro.signature == "hit(bonus)"
    for text, reason in (
        ("", "needs something to roll"),
        ("1" * 1001, "at most 1,000"),
        ("1d20+", "doesn't roll: unexpected end"),
        ("nothing+1", "`nothing` is not dice"),
        ("{n=1}d6+{n=2}", "two defaults"),
    ):
        with pytest.raises(SavedRollError, match=reason):
            check_text("hit", text, NAZH, table.resolve)


def test_a_players_roll_hides_the_servers_unless_qualified() -> None:
    table = SavedTable([roll("init", "1d20+2", "guild"), roll("init", "1d4")])
    mine, theirs = table.macro("init"), table.macro("server:init")
    assert mine is not None
    assert theirs is not None
    assert (mine.text, mine.label) == ("1d4", "init")
    assert (theirs.text, theirs.label) == ("1d20+2", "server:init")
    only_server = SavedTable([roll("init", "1d20+2", "guild")]).macro("init")
    assert only_server is not None
    assert only_server.label == "server:init"
    assert isinstance(table.resolve("floor"), Function)
    assert table.resolve("unknown") is None


def test_export_then_load_round_trips() -> None:
    rolls = [roll("smite", "{level=1}d8"), roll("attack", "1d20+7 attack")]
    data = transfer.dump(rolls, "user")
    assert transfer.load(data, limit=200) == [("attack", "1d20+7 attack"), ("smite", "{level=1}d8")]


def test_the_readme_example_file_loads() -> None:
    section = README.read_text(encoding="utf-8").split("## Saved rolls", 1)[1]
    block = re.search(r"```json\n(.*?)```", section, re.DOTALL)
    assert block is not None
    pairs = transfer.load(block.group(1).encode(), limit=200)
    assert [name for name, _ in pairs] == ["attack", "smite"]
    for name, text in pairs:
        Macro.define(name, text)


def test_unknown_keys_are_ignored_and_a_bom_is_fine() -> None:
    document = {"format": transfer.FORMAT, "version": 1, "rolls": [], "later": {"x": 1}}
    assert transfer.load(b"\xef\xbb\xbf" + json.dumps(document).encode(), limit=1) == []
