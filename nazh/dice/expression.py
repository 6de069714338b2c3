"""A parsed, compiled expression: parse once, roll many times."""

from .ast import CountSuccesses, Dice, Node, traced_nodes
from .bounds import bounds
from .evaluator import Program, compile_program
from .limits import MAX_DICE
from .parser import parse_input
from .render import Template
from .stringify import node_text
from .trace import PoolInfo, pool_infos

__all__ = ("Expression",)


class Expression:
    """A parsed input.

    `root` is the syntax tree (see `nazh.dice.ast`); `text` the normalised notation including
    a repetition prefix (`6#4d6kh3`) and `body` without it; `repeat` is 1 without a prefix;
    `minimum`/`maximum` bound the total of one evaluation.
    """

    __slots__ = (
        "body",
        "comment",
        "counting",
        "maximum",
        "minimum",
        "pools",
        "program",
        "repeat",
        "root",
        "spare",
        "template",
        "text",
    )

    def __init__(self, root: Node, repeat: int = 1, comment: str | None = None) -> None:
        self.root = root
        self.repeat = repeat
        self.comment = comment
        self.body = node_text(root)
        self.text = f"{repeat}#{self.body}" if repeat > 1 else self.body
        self.minimum, self.maximum = bounds(root)
        traced = traced_nodes(root)
        self.pools: list[PoolInfo | None] = pool_infos(root)
        self.counting = [
            any(isinstance(m, CountSuccesses) for m in node.modifiers) for node in traced
        ]
        dice = sum(node.count for node in traced if isinstance(node, Dice))
        self.spare = MAX_DICE - dice * repeat
        """Dice that rerolls and explosions may still draw across all repetitions."""
        self.program: Program = compile_program(root)
        self.template = Template(root, self.pools, self.counting)

    @classmethod
    def from_text(cls, text: str) -> "Expression":
        """Parse and compile `text`; raise `DiceError` if it is not acceptable."""
        root, repeat, comment = parse_input(text)
        return cls(root, repeat, comment)

    def __repr__(self) -> str:
        return f"Expression({self.text!r}, comment={self.comment!r})"
