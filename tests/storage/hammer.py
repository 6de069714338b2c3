"""Helper process for the concurrency test: record known rolls, report them as JSON.

Usage: python hammer.py URL WORKER ROLLS START_AT

Waits until time.monotonic() reaches START_AT (so several workers migrate and write at once),
records ROLLS rolls on keys shared with other workers, flushing every 100 rolls on top of a
50 ms background flusher, closes the storage and prints {"rolls", "dice", "faces"} where faces
maps "user:guild:sides:face" to the number recorded.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter

from nazh.storage import Storage


async def hammer(url: str, worker: int, rolls: int, start_at: float) -> dict[str, object]:
    await asyncio.sleep(max(0.0, start_at - time.monotonic()))
    storage = await Storage.open(url, flush_interval=0.05)
    faces: Counter[str] = Counter()
    dice_rolled = 0
    for index in range(rolls):
        user, guild = index % 3 + 1, index % 2 + 1
        dice = [(20, (index * 7 + worker) % 20 + 1), (6, (index + worker) % 6 + 1)]
        storage.record_roll(guild_id=guild, user_id=user, dice=dice)
        dice_rolled += len(dice)
        faces.update(f"{user}:{guild}:{sides}:{face}" for sides, face in dice)
        if index % 100 == 99:
            await storage.flush()
        elif index % 10 == 0:
            await asyncio.sleep(0)
    await storage.close()
    return {"rolls": rolls, "dice": dice_rolled, "faces": faces}


if __name__ == "__main__":
    url, worker, rolls, start_at = sys.argv[1:5]
    report = asyncio.run(hammer(url, int(worker), int(rolls), float(start_at)))
    print(json.dumps(report), flush=True)
