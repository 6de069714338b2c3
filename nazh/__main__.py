"""``python -m nazh``: the same as the ``nazh`` command."""

from __future__ import annotations

import sys

from nazh.cli import main

sys.exit(main())
