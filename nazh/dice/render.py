"""Results to Discord Markdown: ``4d6kh3 (5, 4, ~~1~~, 3) = `12` ``.

Dropped and rerolled dice are struck (a reroll's successor follows it), exploded dice carry
`!`, compounded chains read `6+6+3`, clamped dice `1→2`, and crit or fumble faces of
crit-relevant dice and successes are bold. Sorted pools (`4d6sd`) list their dice sorted;
computed dice show what they rolled (`(1d4 (3))d6 → 3d6 (2, 5, 1)`); a total that is not
whole is rounded to two decimals. User text (comments, labels) is escaped so that
Markdown and mentions are inert. Output never exceeds `max_length`: dice lists collapse to
`…` (longest first), then the expression shrinks to its notation, then the comment is cut,
always between complete Markdown units.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nazh.dice.ast import (
    Binary,
    Call,
    ComputedDice,
    Decimal,
    Dice,
    Group,
    Labelled,
    Literal,
    Set,
    Unary,
    chain,
    traced_nodes,
)
from nazh.dice.functions import round_half
from nazh.dice.stringify import (
    dice_text,
    modifiers_text,
    node_text,
    set_text,
    sides_text,
)
from nazh.dice.trace import (
    CLAMPED,
    COMPOUNDED,
    DROPPED,
    EXPLODED,
    REROLLED,
    SUCCESS,
)

if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence

    from nazh.dice.ast import (
        Node,
    )
    from nazh.dice.functions import Value
    from nazh.dice.results import RollResult, RollSet
    from nazh.dice.trace import (
        Entry,
        PoolInfo,
    )

__all__ = ("Template", "escape_markdown", "number_text", "render_result", "render_set")

_ESCAPES = {char: "\\" + char for char in "\\*_~`|>#-[]<"}
_ESCAPES.update({"@": "@\u200b", "\n": " ", "\r": " ", "\t": " "})
_TABLE = str.maketrans(_ESCAPES)
_FATE_TEXT = {-1: "-", 0: "0", 1: "+"}
_ELLIPSIS = "…"


def number_text(value: Value) -> str:
    """An `int` as is; a `Fraction` rounded (half away from zero) to at most two decimals,
    keeping `.00` when the rounding makes it look whole."""
    if isinstance(value, int):
        return str(value)
    hundredths = round_half(value * 100)
    sign = "-" if hundredths < 0 else ""
    units, cents = divmod(abs(hundredths), 100)
    decimals = f"{cents:02d}".rstrip("0") or "00"
    return f"{sign}{units}.{decimals}"


def escape_markdown(text: str) -> str:
    """Make user text inert in Discord: Markdown characters escaped, mentions broken."""
    return text.translate(_TABLE)


def _fit_escaped(text: str, budget: int) -> str:
    """Escaped `text`, cut (with `…`) between escaped characters to at most `budget` chars."""
    escaped = escape_markdown(text)
    if len(escaped) <= budget:
        return escaped
    parts: list[str] = []
    used = 0
    for char in text:
        piece = _ESCAPES.get(char, char)
        if used + len(piece) > budget - 1:
            break
        parts.append(piece)
        used += len(piece)
    return "".join(parts) + _ELLIPSIS if budget >= 1 else ""


class _SetPiece:
    __slots__ = ("closing", "index", "items", "opening")

    def __init__(self, index: int, opening: str, items: list[Pieces], closing: str) -> None:
        self.index = index
        self.opening = opening
        self.items = items
        self.closing = closing


Pieces = list["str | int | _SetPiece"]
"""Text, holes and sets. A hole `i` below the number of traced nodes is node `i`'s dice list;
`i + nodes` is what computed dice `i` rolled (`3d6`)."""


class Template:
    """An expression's rendering with holes for each evaluation's dice lists."""

    __slots__ = ("computed", "counting_root", "flat", "pieces", "pools")

    def __init__(self, root: Node, pools: list[PoolInfo | None], counting: list[bool]) -> None:
        self.pools = pools
        nodes = traced_nodes(root)
        slots = {id(node): index for index, node in enumerate(nodes)}
        self.computed = any(isinstance(node, ComputedDice) for node in nodes)
        self.pieces = _merge(_pieces(root, slots))
        self.flat: list[str | int] = [p for p in self.pieces if isinstance(p, str | int)]
        if len(self.flat) != len(self.pieces):
            self.flat = []
        while isinstance(root, Group | Labelled):
            root = root.inner if isinstance(root, Group) else root.operand
        tests_dice = isinstance(root, Set) and root.tests_dice
        self.counting_root = isinstance(root, Dice | ComputedDice | Set) and (
            counting[-1] or tests_dice
        )


def _pieces(node: Node, slots: dict[int, int]) -> Pieces:
    if isinstance(node, Literal):
        return [str(node.value)]
    if isinstance(node, Decimal):
        return [node.text]
    if isinstance(node, Dice):
        return [dice_text(node) + " (", slots[id(node)], ")"]
    if isinstance(node, ComputedDice):
        written = node.dice
        slot = slots[id(node)]
        count = [str(written.count)] if node.count is None else _pieces(node.count, slots)
        sides = [sides_text(written)] if node.sides is None else _pieces(node.sides, slots)
        tail = f"{modifiers_text(written)} → "
        return [*count, "d", *sides, tail, slot + len(slots), " (", slot, ")"]
    if isinstance(node, Call):
        out: Pieces = [f"{node.name}("]
        for index, arg in enumerate(node.args):
            if index:
                out.append(", ")
            out.extend(_pieces(arg, slots))
        out.append(")")
        return out
    if isinstance(node, Binary):
        first, rest = chain(node)
        out = _pieces(first, slots)
        for op, operand in rest:
            out.append(f" {op} ")
            out.extend(_pieces(operand, slots))
        return out
    if isinstance(node, Unary):
        return [node.op, *_pieces(node.operand, slots)]
    if isinstance(node, Group):
        return ["(", *_pieces(node.inner, slots), ")"]
    if isinstance(node, Labelled):
        return [*_pieces(node.operand, slots), f" [{escape_markdown(node.label)}]"]
    frame = set_text(node, ["\0"])
    opening, closing = frame.split("\0")
    items = [_merge(_pieces(item, slots)) for item in node.items]
    if not node.braces:
        # the one-item frame carries the comma of `(x,)`, which the dice lists make needless
        closing = closing.removeprefix(",")
    return [_SetPiece(slots[id(node)], opening, items, closing)]


def _merge(pieces: Pieces) -> Pieces:
    merged: Pieces = []
    for piece in pieces:
        if isinstance(piece, str) and merged and isinstance(merged[-1], str):
            merged[-1] += piece
        else:
            merged.append(piece)
    return merged


# -- dice lists ----------------------------------------------------------------------------


def _pool_text(info: PoolInfo, entry: Entry) -> str:
    faces, values, flags = entry
    assert faces is not None
    if info.sort is not None:
        if flags is not None:
            return _sorted_text(info, entry)
        faces = sorted(faces, reverse=info.sort == "descending")
    if flags is None:
        crit, fumble = info.crit, info.fumble
        if crit is None or fumble is None:
            return ", ".join(map(str, faces))
        if len(faces) == 1:
            face = faces[0]
            return f"**{face}**" if crit(face) or fumble(face) else str(face)
        return ", ".join(
            [f"**{face}**" if crit(face) or fumble(face) else str(face) for face in faces]
        )
    return ", ".join(_units(info, faces, faces if values is None else values, flags))


def _units(
    info: PoolInfo, faces: list[int], values: Sequence[Value], flags: list[int]
) -> list[str]:
    """The marked text of each die (a compounded chain is one unit)."""
    parts: list[str] = []
    text: str | None = None
    head_face = head_flag = 0
    for face, value, flag in zip(faces, values, flags, strict=True):
        if flag & COMPOUNDED and text is not None:
            text += "+" + (_FATE_TEXT[face] if info.fate else str(face))
            continue
        if text is not None:
            parts.append(_mark(text, head_face, head_flag, info))
        head_face, head_flag = face, flag
        if info.compound and flag & EXPLODED:
            text = _FATE_TEXT[face] if info.fate else str(face)
        else:
            text = _FATE_TEXT.get(int(value), str(value)) if info.fate else str(value)
            if flag & CLAMPED:
                text = f"{_FATE_TEXT[face] if info.fate else face}→{text}"
            if flag & EXPLODED:
                text += "!"
    if text is not None:
        parts.append(_mark(text, head_face, head_flag, info))
    return parts


def _sorted_text(info: PoolInfo, entry: Entry) -> str:
    faces, values, flags = entry
    assert faces is not None
    values = faces if values is None else values
    flags = [0] * len(faces) if flags is None else flags
    units = _units(info, faces, values, flags)
    heads = [int(values[i]) for i, flag in enumerate(flags) if not flag & COMPOUNDED]
    order = sorted(range(len(units)), key=heads.__getitem__, reverse=info.sort == "descending")
    return ", ".join([units[i] for i in order])


def _mark(text: str, face: int, flag: int, info: PoolInfo) -> str:
    crit, fumble = info.crit, info.fumble
    if flag & SUCCESS or (
        crit is not None and (crit(face) or (fumble is not None and fumble(face)))
    ):
        text = f"**{text}**"
    if flag & (DROPPED | REROLLED):
        text = f"~~{text}~~"
    return text


def _texts(result: RollResult) -> list[str]:
    """The dice list of each traced node, then (with computed dice) what each rolled."""
    texts = list(map(_entry_text, result.pools, result.trace))
    if result.source.template.computed:
        rolled = [""] * len(texts)
        for slot, dice in result.computed.items():
            rolled[slot] = f"{dice.count}d{sides_text(dice)}"
        texts.extend(rolled)
    return texts


def _entry_text(info: PoolInfo | None, entry: Entry) -> str:
    return "" if info is None else _pool_text(info, entry)


def _assemble(pieces: Pieces, result: RollResult, texts: list[str], out: list[str]) -> None:
    trace = result.trace
    for piece in pieces:
        if isinstance(piece, str):
            out.append(piece)
        elif isinstance(piece, int):
            out.append(texts[piece])
        else:
            flags = trace[piece.index][2]
            assert flags is not None
            out.append(piece.opening)
            for position, item in enumerate(piece.items):
                if position:
                    out.append(", ")
                if flags[position] & DROPPED:
                    inner: list[str] = []
                    _assemble(item, result, texts, inner)
                    out.append("~~" + "".join(inner).replace("~~", "") + "~~")
                else:
                    _assemble(item, result, texts, out)
            out.append(piece.closing)


def _body(result: RollResult, texts: list[str]) -> str:
    template = result.source.template
    if template.flat:
        return "".join([p if isinstance(p, str) else texts[p] for p in template.flat])
    out: list[str] = []
    _assemble(template.pieces, result, texts, out)
    return "".join(out)


def _notation(root: Node) -> str:
    """The normalised notation with labels escaped (nothing else in it is user text)."""
    return node_text(root, escape_markdown)


def _total_text(result: RollResult) -> str:
    total = number_text(result.total)
    if result.source.template.counting_root:
        noun = "success" if abs(result.total) == 1 else "successes"
        text = f"`{total}` {noun}"
    else:
        text = f"`{total}`"
    if not result.source.crit_slots:
        return text
    if result.crit:
        return f"{text} · **critical!**"
    if result.fumble:
        return f"{text} · **fumble!**"
    return text


def _collapse(texts: list[str], excess: int, nodes: int) -> None:
    """Replace the longest of the first `nodes` dice lists by `…` until `excess` characters
    are saved."""
    order = sorted(range(nodes), key=lambda i: len(texts[i]), reverse=True)
    for index in order:
        if excess <= 0 or len(texts[index]) <= 1:
            return
        excess -= len(texts[index]) - 1
        texts[index] = _ELLIPSIS


# -- one result ----------------------------------------------------------------------------


def render_result(result: RollResult, max_length: int) -> str:
    """One result as ``**comment:** 1d20 (15) + 5 = `20` ``, at most `max_length` chars."""
    max_length = max(0, max_length)
    texts = _texts(result)
    tail = " = " + _total_text(result)
    comment = result.comment
    prefix = f"**{escape_markdown(comment)}:** " if comment else ""
    line = prefix + _body(result, texts) + tail
    if len(line) <= max_length:
        return line
    return next(
        _shorter(result, texts, prefix=prefix, tail=tail, max_length=max_length, length=len(line)),
        number_text(result.total)[:max_length],
    )


def _shorter(
    result: RollResult, texts: list[str], *, prefix: str, tail: str, max_length: int, length: int
) -> Iterator[str]:
    _collapse(texts, length - max_length, len(result.trace))
    line = prefix + _body(result, texts) + tail
    if len(line) <= max_length:
        yield line
    notation = _notation(result.source.root)
    if len(prefix) + len(notation) + len(tail) <= max_length:
        yield prefix + notation + tail
    comment = result.comment
    if comment:
        budget = max_length - len(tail) - len("**:** ")
        if budget >= 2:
            yield f"**{_fit_escaped(comment, budget)}:** {tail.removeprefix(' = ')}"
    total = tail.removeprefix(" = ")
    if len(total) <= max_length:
        yield total


# -- repetitions ---------------------------------------------------------------------------


def _render_systems(rolls: RollSet, max_length: int) -> str:
    """A set with game-system rolls: each result renders itself, comment first, on its own
    line, sharing the room equally."""
    results = rolls.results
    room = max(0, max_length - len(results)) // max(1, len(results))
    return "\n".join(result.render(room) for result in results)[:max_length]


def render_set(rolls: RollSet, max_length: int) -> str:
    """One line per result, at most `max_length` chars: under an optional comment line for a
    repetition, each after its own comment for several rolls separated by `;`."""
    max_length = max(0, max_length)
    several = bool(rolls.source.parts)
    comment = rolls.comment
    if any(result.source.system is not None for result in rolls.results):
        return _render_systems(rolls, max_length)
    notation = f"{rolls.source.repeat}#{_notation(rolls.source.root)}"
    header = f"**{escape_markdown(comment)}:** {notation}\n" if comment and not several else ""
    prefixes = [
        f"**{escape_markdown(result.comment)}:** " if several and result.comment else ""
        for result in rolls.results
    ]
    lines: list[str] = []
    all_texts: list[list[str]] = []
    for result, prefix in zip(rolls.results, prefixes, strict=True):
        texts = _texts(result)
        all_texts.append(texts)
        lines.append(prefix + _body(result, texts) + " = " + _total_text(result))
    text = header + "\n".join(lines)
    if len(text) <= max_length:
        return text
    lines = []
    for result, texts, prefix in zip(rolls.results, all_texts, prefixes, strict=True):
        nodes = len(result.trace)
        collapsed = [_ELLIPSIS if t else t for t in texts[:nodes]] + texts[nodes:]
        lines.append(prefix + _body(result, collapsed) + " = " + _total_text(result))
    text = header + "\n".join(lines)
    if len(text) <= max_length:
        return text
    totals = [f"`{number_text(result.total)}`" for result in rolls.results]
    text = f"{header}{', '.join(totals)}"
    if len(text) <= max_length:
        return text
    shown: list[str] = []
    used = len(_ELLIPSIS)
    for total in totals:
        if used + len(total) + 2 > max_length:
            break
        shown.append(total)
        used += len(total) + 2
    return ", ".join(shown) + (", " if shown else "") + _ELLIPSIS if max_length >= 1 else ""
