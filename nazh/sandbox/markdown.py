"""Discord Markdown as terminal text: ANSI styles when colour is on, plain text when off."""

from __future__ import annotations

import enum
import re
from collections.abc import Callable

__all__ = ("Style", "paint", "to_terminal")

_EMOJI = {
    "game_die": "🎲",
    "dart": "🎯",
    "warning": "⚠️",
    "x": "❌",
    "white_check_mark": "✅",
    "crossed_swords": "⚔️",
    "skull": "💀",
    "star": "⭐",
    "sparkles": "✨",
    "hourglass": "⌛",
    "bar_chart": "📊",
    "lock": "🔒",
}

_TOKEN = re.compile(
    r"(?P<escape>\\[^a-zA-Z0-9\s])"
    r"|(?P<block>```(?:[\w+-]*\n)?(?P<block_text>.*?)```)"
    r"|(?P<code>``(?P<code2>.+?)``|`(?P<code1>[^`]+)`)"
    r"|(?P<user><@!?(?P<user_id>\d+)>)"
    r"|(?P<role><@&(?P<role_id>\d+)>)"
    r"|(?P<channel><#(?P<channel_id>\d+)>)"
    r"|(?P<custom><a?:(?P<custom_name>\w+):\d+>)"
    r"|(?P<emoji>:(?P<emoji_name>[a-z0-9_+-]+):)"
    r"|(?P<bold>\*\*)"
    r"|(?P<underline>__)"
    r"|(?P<strike>~~)"
    r"|(?P<spoiler>\|\|)"
    r"|(?P<italic>[*_])",
    re.DOTALL,
)


class Style(enum.Enum):
    """A text style and its ANSI SGR parameters."""

    BOLD = "1"
    DIM = "2"
    ITALIC = "3"
    UNDERLINE = "4"
    REVERSE = "7"
    STRIKE = "9"
    CODE = "1;36"
    HEADER = "1;4"
    ACCENT = "35"
    WARN = "33"
    ERROR = "31"


_MARKERS = {"bold": Style.BOLD, "underline": Style.UNDERLINE, "strike": Style.STRIKE}
_PLAIN_MARKERS = {Style.STRIKE: "~~"}


def paint(text: str, *styles: Style, color: bool) -> str:
    """``text`` in ``styles`` when ``color`` is on, else unchanged."""
    if not color or not styles or not text:
        return text
    codes = ";".join(style.value for style in styles)
    return f"\x1b[{codes}m{text}\x1b[0m"


Lookup = Callable[[int], str | None]


def _no_name(_: int) -> str | None:
    return None


def to_terminal(
    text: str,
    *,
    color: bool,
    user_name: Lookup = _no_name,
    role_name: Lookup = _no_name,
    channel_name: Lookup = _no_name,
) -> str:
    """Render Discord Markdown for a terminal.

    Bold, italics, underline, strike-through, spoilers, code, headers, subtext and quotes
    become ANSI styles (or plain text; struck text keeps its ``~~`` so dropped dice still
    read as dropped). Mentions become ``@name`` and emoji shortcodes become emoji.
    """
    names = (user_name, role_name, channel_name)
    return "\n".join(_line(line, color, names) for line in _split_lines(text))


def _split_lines(text: str) -> list[str]:
    lines: list[str] = []
    pending = ""
    for line in text.split("\n"):
        pending = f"{pending}\n{line}" if pending else line
        if pending.count("```") % 2 == 0:
            lines.append(pending)
            pending = ""
    if pending:
        lines.append(pending)
    return lines


def _line(line: str, color: bool, names: tuple[Lookup, Lookup, Lookup]) -> str:
    for marker, style in (("### ", Style.BOLD), ("## ", Style.HEADER), ("# ", Style.HEADER)):
        if line.startswith(marker):
            return paint(_inline(line[len(marker) :], color, names), style, color=color)
    if line.startswith("-# "):
        return paint(_inline(line[3:], color, names), Style.DIM, color=color)
    if line.startswith(("> ", ">>> ")):
        body = line.split(" ", 1)[1]
        return paint("│ ", Style.DIM, color=color) + _inline(body, color, names)
    return _inline(line, color, names)


def _inline(text: str, color: bool, names: tuple[Lookup, Lookup, Lookup]) -> str:
    user_name, role_name, channel_name = names
    out: list[str] = []
    active: list[Style] = []
    position = 0

    def toggle(style: Style, plain: str) -> None:
        closing = style in active
        if closing:
            active.remove(style)
        else:
            active.append(style)
        if not color:
            out.append(plain)
        elif closing:
            codes = ";".join(s.value for s in active)
            out.append("\x1b[0m" + (f"\x1b[{codes}m" if codes else ""))
        else:
            out.append(f"\x1b[{style.value}m")

    def styled(piece: str, *styles: Style) -> None:
        if not color:
            out.append(piece)
            return
        out.append(paint(piece, *styles, color=True))
        if active:
            out.append(f"\x1b[{';'.join(s.value for s in active)}m")

    for match in _TOKEN.finditer(text):
        out.append(text[position : match.start()])
        position = match.end()
        kind = match.lastgroup
        token = match.group()
        rest = text[match.end() :]
        before = text[match.start() - 1] if match.start() else " "
        if kind == "escape":
            out.append(token[1])
        elif kind == "block":
            styled(match["block_text"].strip("\n"), Style.CODE)
        elif kind == "code":
            styled(match["code2"] or match["code1"], Style.CODE)
        elif kind == "user":
            styled(f"@{user_name(int(match['user_id'])) or 'unknown-user'}", Style.ACCENT)
        elif kind == "role":
            styled(f"@{role_name(int(match['role_id'])) or 'unknown-role'}", Style.ACCENT)
        elif kind == "channel":
            styled(f"#{channel_name(int(match['channel_id'])) or 'unknown'}", Style.ACCENT)
        elif kind == "custom":
            out.append(f":{match['custom_name']}:")
        elif kind == "emoji":
            out.append(_EMOJI.get(match["emoji_name"], token))
        elif kind in _MARKERS or kind == "spoiler":
            style = Style.REVERSE if kind == "spoiler" else _MARKERS[str(kind)]
            if style in active or token in rest:
                toggle(style, _PLAIN_MARKERS.get(style, ""))
            else:
                out.append(token)
        elif _italic_edge(token, before, rest, closing=Style.ITALIC in active):
            toggle(Style.ITALIC, "")
        else:
            out.append(token)
    out.append(text[position:])
    if color and active:
        out.append("\x1b[0m")
    return "".join(out).replace("@\u200b", "@")


def _italic_edge(token: str, before: str, rest: str, *, closing: bool) -> bool:
    if closing:
        return not before.isspace()
    opens_word = not (token == "_" and before.isalnum())
    return bool(rest[:1].strip()) and opens_word and token in rest
