"""Fixtures for the dice engine tests."""

from __future__ import annotations

import pytest
from dice_support import Scripted


@pytest.fixture
def scripted() -> type[Scripted]:
    return Scripted
