"""``nazh sandbox``: the real bot against the loopback Discord, in a console that plays a channel.

Modules: ``markdown`` (Discord Markdown as terminal text), ``parsing`` (what the person typed),
``render`` (what the bot answered, as text), ``session`` (the emulator and the bot in one event
loop) and ``console`` (the interactive loop). Importing this package imports none of them.
"""

from __future__ import annotations

__all__ = ()
