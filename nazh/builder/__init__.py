"""The dice builder: compose a roll with buttons and menus, see it in notation, roll it.

``model`` holds the pure, immutable build and its steps; ``saved`` starts a build from a saved
roll; ``summary`` and ``render`` turn a build into the message text; ``view`` is the miru view;
``hub`` opens builders and tracks them.
"""

from __future__ import annotations

from nazh.builder.hub import IDLE_TIMEOUT, BuilderHub
from nazh.builder.model import Build, Op, Step, StepRefused, Term
from nazh.builder.view import BuilderView

__all__ = (
    "IDLE_TIMEOUT",
    "Build",
    "BuilderHub",
    "BuilderView",
    "Op",
    "Step",
    "StepRefused",
    "Term",
)
