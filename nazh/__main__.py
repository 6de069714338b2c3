"""``python -m nazh``: the same as the ``nazh`` command."""

import sys

from nazh.cli import main

sys.exit(main())
