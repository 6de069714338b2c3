"""Staying up on real hosts: platform detection, self-ping, storage checks and the health probe.

- `nazh.hosting.platform`: which platform this is, whether it idles, what survives a restart
- `nazh.hosting.storage`: whether the configured storage lasts on that host
- `nazh.hosting.report`: the start-up lines and warnings about both
- `nazh.hosting.selfping`: requests to the bot's own public URL that keep an idling host awake
- `nazh.hosting.healthcheck`: ``python -m nazh.hosting.healthcheck``, a container's health probe

The submodules are imported by name: `nazh.config` needs the light platform module only.
"""

from __future__ import annotations

__all__ = ()
