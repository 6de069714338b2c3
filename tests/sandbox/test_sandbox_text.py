"""Markdown to terminal text, and console input parsing, without a bot."""

from __future__ import annotations

from typing import TYPE_CHECKING

import pytest

from nazh.loopback.protocol import ApplicationCommandType, OptionType
from nazh.sandbox.markdown import to_terminal
from nazh.sandbox.parsing import (
    Click,
    ConsoleError,
    Help,
    Nothing,
    Quit,
    Say,
    Select,
    Slash,
    parse_line,
)

if TYPE_CHECKING:
    from nazh.loopback import JsonObject

_ROLL: JsonObject = {
    "name": "roll",
    "type": ApplicationCommandType.CHAT_INPUT,
    "options": [
        {"name": "expression", "type": OptionType.STRING, "required": True},
        {"name": "private", "type": OptionType.BOOLEAN},
        {"name": "times", "type": OptionType.INTEGER},
    ],
}
_ADMIN: JsonObject = {
    "name": "admin",
    "type": ApplicationCommandType.CHAT_INPUT,
    "options": [
        {"name": "plugins", "type": OptionType.SUB_COMMAND},
        {
            "name": "reload",
            "type": OptionType.SUB_COMMAND,
            "options": [{"name": "plugin", "type": OptionType.STRING, "required": True}],
        },
    ],
}
_STATS: JsonObject = {
    "name": "stats",
    "type": ApplicationCommandType.CHAT_INPUT,
    "options": [
        {"name": "user", "type": OptionType.USER},
        {"name": "channel", "type": OptionType.CHANNEL},
        {"name": "role", "type": OptionType.ROLE},
    ],
}
_COMMANDS = [_ROLL, _ADMIN, _STATS]


@pytest.mark.parametrize(
    ("markdown", "plain"),
    [
        ("**stats:** 4d6kh3 (5, ~~1~~, 3) = `12`", "stats: 4d6kh3 (5, ~~1~~, 3) = 12"),
        ("**a\\_b\\_c:** 1d20 (7) = `7`", "a_b_c: 1d20 (7) = 7"),
        ("2d6 (1, 6) * 2 = `14`", "2d6 (1, 6) * 2 = 14"),
        ("**@\u200beveryone \\<@\u200b1\\>:** x", "@everyone <@1>: x"),
        ("<@42> :game_die: <#7> <@&9>", "@Bob 🎲 #general @Adventurers"),
        ("an *italic* and _under_ snake_case_name", "an italic and under snake_case_name"),
        ("# Title\n-# small\n> quoted", "Title\nsmall\n│ quoted"),
        ("```\ncode *x*\n```", "code *x*"),
    ],
)
def test_plain_text(markdown: str, plain: str) -> None:
    rendered = to_terminal(
        markdown,
        color=False,
        user_name=lambda i: "Bob" if i == 42 else None,
        channel_name=lambda i: "general" if i == 7 else None,
        role_name=lambda i: "Adventurers" if i == 9 else None,
    )

    assert rendered == plain


def test_colour_styles_and_resets() -> None:
    rendered = to_terminal("**a** ~~b~~ `c` *d*", color=True)

    assert rendered == "\x1b[1ma\x1b[0m \x1b[9mb\x1b[0m \x1b[1;36mc\x1b[0m \x1b[3md\x1b[0m"


def test_an_unclosed_marker_stays_literal() -> None:
    assert to_terminal("5 ** 2 and ~~ alone", color=True) == "5 ** 2 and ~~ alone"


@pytest.mark.parametrize(
    ("line", "action"),
    [
        ("", Nothing()),
        ("help", Help()),
        ("quit", Quit()),
        ("exit", Quit()),
        ("click 2", Click(2)),
        ("select 3 d8", Select(3, ("d8",))),
        ("select 3", Select(3, ())),
        ("!roll 1d20+5 attack", Say("!roll 1d20+5 attack")),
        ("hello there", Say("hello there")),
        ("/roll 4d6kh3", Slash("roll", {"expression": "4d6kh3"})),
        ("/roll expression:4d6kh3", Slash("roll", {"expression": "4d6kh3"})),
        (
            "/roll 1d20+5 attack the goblin private:yes times:3",
            Slash("roll", {"expression": "1d20+5 attack the goblin", "private": True, "times": 3}),
        ),
        ("/roll 1d20 note:private", Slash("roll", {"expression": "1d20 note:private"})),
        ("/admin reload roll", Slash("admin reload", {"plugin": "roll"})),
        ("/admin plugins", Slash("admin plugins", {})),
        ("/stats user:2", Slash("stats", {"user": 2})),
        ("/stats user:<@2>", Slash("stats", {"user": 2})),
        ("/stats user:<@!2> channel:<#7>", Slash("stats", {"user": 2, "channel": 7})),
        (
            "/stats channel:#gm-only role:@GM user:@The Owner",
            Slash("stats", {"channel": "#gm-only", "role": "@GM", "user": "@The Owner"}),
        ),
        ("/stats role:<@&3>", Slash("stats", {"role": 3})),
    ],
)
def test_lines_become_actions(line: str, action: object) -> None:
    assert parse_line(line, _COMMANDS) == action


@pytest.mark.parametrize(
    ("line", "error"),
    [
        ("/fly", "there is no command /fly; the bot has /admin, /roll, /stats"),
        ("/admin", "/admin needs one of: plugins | reload"),
        ("/admin plugins extra", "/admin plugins takes no options"),
        ("/roll 1d20 private:maybe", "option private takes true or false, not 'maybe'"),
        ("/roll 1d20 times:lots", "option times takes a number, not 'lots'"),
        ("/stats user:Bob", "option user takes @name, an id or <@id>, not 'Bob'"),
        ("/stats user:<@2", "option user takes @name, an id or <@id>, not '<@2'"),
        ("/stats channel:@general", "option channel takes #name, an id or <#id>, not '@general'"),
        ("/stats role:@", "option role takes @name, an id or <@&id>, not '@'"),
        ("click", "usage: click N (the number shown next to a button)"),
        ("click 0", "usage: click N (the number shown next to a button)"),
        ("select x d8", "usage: select N VALUE (the number shown next to a menu)"),
    ],
)
def test_bad_lines_are_explained(line: str, error: str) -> None:
    with pytest.raises(ConsoleError) as raised:
        parse_line(line, _COMMANDS)

    assert str(raised.value) == error
