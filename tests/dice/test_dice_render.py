"""Rendering: Discord Markdown of results, escaping of user text, graceful length limits."""

from __future__ import annotations

import pytest
from dice_support import Scripted

from nazh.dice import RollResult, RollSet, roll


def render(text: str, faces: list[int], max_length: int = 2000) -> str:
    rng = Scripted(faces)
    rendered = roll(text, rng=rng).render(max_length)
    assert not rng.faces
    return rendered


@pytest.mark.parametrize(
    ("text", "faces", "expected"),
    [
        ("4d6kh3", [5, 4, 1, 3], "4d6kh3 (5, 4, ~~1~~, 3) = `12`"),
        ("1d20+5", [15], "1d20 (15) + 5 = `20`"),
        ("1d20", [20], "1d20 (**20**) = `20` · **critical!**"),
        ("1d20", [1], "1d20 (**1**) = `1` · **fumble!**"),
        ("1d6", [6], "1d6 (6) = `6`"),
        ("2d20kh1+7", [20, 1], "2d20kh1 (**20**, ~~**1**~~) + 7 = `27` · **critical!**"),
        ("1d20cs>18", [19], "1d20cs>18 (**19**) = `19` · **critical!**"),
        ("2d6rr1", [1, 4, 5], "2d6rr1 (~~1~~, 5, 4) = `9`"),
        ("2d6ro<3", [2, 5, 1], "2d6ro<3 (~~2~~, 1, 5) = `6`"),
        ("3d6!", [6, 2, 3, 4], "3d6! (6!, 4, 2, 3) = `15`"),
        ("2d6!!", [6, 2, 6, 3], "2d6!! (6+6+3, 2) = `17`"),
        ("1d6!p", [6, 2], "1d6!p (6!, 1) = `7`"),
        ("2d6mi3", [1, 5], "2d6mi3 (1→3, 5) = `8`"),
        ("4dF", [1, 2, 3, 3], "4dF (-, 0, +, +) = `1`"),
        ("5d10>=7", [7, 1, 10, 3, 2], "5d10>=7 (**7**, 1, **10**, 3, 2) = `2` successes"),
        ("3d10>=7", [7, 1, 3], "3d10>=7 (**7**, 1, 3) = `1` success"),
        ("(1d4, 2d6, 3)kh1", [2, 3, 4], "(~~1d4 (2)~~, 2d6 (3, 4), ~~3~~)kh1 = `7`"),
        ("{4d6kh3, 1d6}kh1", [1, 2, 3, 4, 5], "{4d6kh3 (~~1~~, 2, 3, 4), ~~1d6 (5)~~}kh1 = `9`"),
        ("(1d6, 2) + 1", [5], "(1d6 (5), 2) + 1 = `8`"),
        ("((1d6, 2), 3)kh1", [5], "((1d6 (5), 2), ~~3~~)kh1 = `7`"),
        ("(1d6,)", [5], "(1d6 (5)) = `5`"),
        ("(1d8+4)*2", [3], "(1d8 (3) + 4) * 2 = `14`"),
        ("2d6[fire] + 1d4[cold]", [3, 4, 2], "2d6 (3, 4) [fire] + 1d4 (2) [cold] = `9`"),
        ("1d20+5 attack", [10], "**attack:** 1d20 (10) + 5 = `15`"),
        ("-1d4", [2], "-1d4 (2) = `-2`"),
    ],
)
def test_rendering(text: str, faces: list[int], expected: str) -> None:
    assert render(text, faces) == expected


def test_a_roll_set_renders_one_line_per_result() -> None:
    rendered = render("3#1d6+1 hp", [1, 2, 3])
    assert rendered == "**hp:** 3#1d6 + 1\n1d6 (1) + 1 = `2`\n1d6 (2) + 1 = `3`\n1d6 (3) + 1 = `4`"
    assert render("2#1d4", [1, 4]) == "1d4 (1) = `1`\n1d4 (4) = `4`"


@pytest.mark.parametrize(
    "comment",
    [
        "@everyone look",
        "@here",
        "<@123456789012345678>",
        "<@!123>",
        "<@&987>",
        "<#555>",
        "</roll:1>",
        "**bold** __u__ ~~s~~ ||spoiler|| `code`",
        "> quote",
        "# header",
        "[link](https://example.com)",
        "line\nbreak",
        "back\\slash",
    ],
)
def test_user_text_is_inert(comment: str) -> None:
    for text in (f"1d20 note {comment}", f"1d20[{comment.replace('[', '').replace(']', '')}]"):
        if "\n" in text and "[" in text:
            continue
        rendered = roll(text).render()
        assert "@everyone" not in rendered
        assert "@here" not in rendered
        assert "<@" not in rendered.replace("\\<@", "")
        assert "<#" not in rendered.replace("\\<#", "")
        assert "\n" not in rendered
        for unit in ("**bold**", "__u__", "~~s~~", "||spoiler||", "`code`", "[link]("):
            assert unit not in rendered


def test_comment_mentions_are_broken_with_a_zero_width_space() -> None:
    rendered = render("1d6 hi @everyone <@1>", [2])
    assert "@\u200beveryone" in rendered
    assert "\\<@\u200b1\\>" in rendered


def _balanced(text: str) -> bool:
    unescaped = text.replace("\\\\", "").replace("\\*", "").replace("\\~", "").replace("\\`", "")
    return (
        unescaped.count("**") % 2 == 0
        and unescaped.count("~~") % 2 == 0
        and unescaped.count("`") % 2 == 0
    )


def test_long_rolls_collapse_the_longest_dice_lists_first() -> None:
    rolled = roll("1d20 + 300d6 + 5 big", rng=Scripted([20] + [3] * 300))
    assert isinstance(rolled, RollResult)
    full = rolled.render(5000)
    assert full.startswith("**big:** 1d20 (**20**) + 300d6 (3, 3, 3")
    short = rolled.render(100)
    assert short == "**big:** 1d20 (**20**) + 300d6 (…) + 5 = `925` · **critical!**"


@pytest.mark.parametrize("max_length", [1, 2, 5, 8, 12, 20, 30, 45, 60, 100, 300, 2000])
def test_output_never_exceeds_max_length_nor_cuts_markdown(max_length: int) -> None:
    texts = [
        "1d20 + 300d6 + 5 " + "a very long comment with *stars* and @everyone " * 10,
        "20#50d20 " + "note " * 100,
        "{4d6kh3, 4d6kh3, 4d6kh3, 4d6kh3, 4d6kh3}kh1 best",
        "1000000 * 1000000",
    ]
    for text in texts:
        rendered = roll(text).render(max_length)
        assert len(rendered) <= max_length
        assert _balanced(rendered), rendered


def test_a_roll_set_degrades_to_totals() -> None:
    rolled = roll("20#50d100 " + "long comment " * 30)
    assert isinstance(rolled, RollSet)
    rendered = rolled.render(2000)
    assert len(rendered) <= 2000
    totals = [f"`{result.total}`" for result in rolled.results]
    assert all(total in rendered for total in totals)
    tiny = rolled.render(40)
    assert len(tiny) <= 40
    assert tiny.endswith("…")
    assert _balanced(tiny)
