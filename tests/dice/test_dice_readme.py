"""Every example in the README's notation tables is a roll the engine accepts."""

from __future__ import annotations

import re
from pathlib import Path

from nazh.dice import parse

README = Path(__file__).resolve().parents[2] / "README.md"


def notation_examples() -> list[str]:
    """The first cells of the tables headed `| Example |` (the dialect table names forms)."""
    text = README.read_text(encoding="utf-8")
    section = text.split("## Dice notation", 1)[1].split("\n## ", 1)[0]
    examples: list[str] = []
    in_examples = False
    for line in section.splitlines():
        if line.startswith("| Example |"):
            in_examples = True
        elif not line.startswith("|"):
            in_examples = False
        elif in_examples and line.startswith("| `"):
            first_cell = line.split("|")[1]
            examples.extend(re.findall(r"`([^`]+)`", first_cell))
    return examples


def test_every_notation_example_parses() -> None:
    examples = notation_examples()
    assert len(examples) >= 40
    for example in examples:
        assert parse(example).text, example
