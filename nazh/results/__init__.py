"""What a roll's result does after it is posted: where it goes (public, private, secret), and
its Roll again and Reveal buttons, which keep working across restarts and processes.

`nazh.results.post` posts a result; `nazh.results.buttons` answers presses on its buttons (its
`ResultButtons` is added to the roll plugin's loader); `ids`, `access` and `render` are the
custom-id format, who may press, and what the messages say.
"""

from __future__ import annotations

__all__ = ()
