"""A ``plugins`` package copy with the test plugins, first on sys.path for the test."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from sandbox_support import FILES, WIDGETS

if TYPE_CHECKING:
    from collections.abc import Iterator


@pytest.fixture
def sandbox_plugins(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """The real plugins plus ``widgets`` and ``filetest``, resolved as the ``plugins`` package
    for the test."""
    spec = importlib.util.find_spec("plugins")
    assert spec is not None
    assert spec.submodule_search_locations is not None
    source = Path(next(iter(spec.submodule_search_locations)))
    copy = tmp_path / "pkgs" / "plugins"
    shutil.copytree(source, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "widgets.py").write_text(WIDGETS, encoding="utf-8")
    (copy / "filetest.py").write_text(FILES, encoding="utf-8")
    saved = {n: m for n, m in sys.modules.items() if n == "plugins" or n.startswith("plugins.")}
    for name in saved:
        del sys.modules[name]
    monkeypatch.syspath_prepend(str(copy.parent))
    yield copy
    for name in [n for n in sys.modules if n == "plugins" or n.startswith("plugins.")]:
        del sys.modules[name]
    sys.modules.update(saved)
