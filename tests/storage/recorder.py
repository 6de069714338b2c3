"""Helper process for the kill tests: record rolls continuously with the default 1 s flusher.

Usage: python recorder.py URL

Prints "recorded ROLLS T" after each batch of rolls, before yielding to the flusher, and
"flushed ROLLS DICE T" once it sees a flush landed (cumulative counts written); T is
time.monotonic(), shared by all processes of a machine.
On SIGTERM it stops recording, prints "final ROLLS DICE", closes the storage and prints "closed".
Rolls go to users 1-7 in guilds 1, 2 and DMs.
"""

from __future__ import annotations

import asyncio
import signal
import sys
import time

from nazh.storage import FATE_SIDES, Storage

BATCH = 50


async def record(url: str) -> None:
    storage = await Storage.open(url)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    rolls = dice_rolled = 0
    seen_flushed = 0
    while not stop.is_set():
        for _ in range(BATCH):
            dice = [(20, rolls % 20 + 1), (6, rolls % 6 + 1), (FATE_SIDES, rolls % 3 - 1)]
            storage.record_roll(guild_id=rolls % 3 or None, user_id=rolls % 7 + 1, dice=dice)
            rolls += 1
            dice_rolled += len(dice)
        now = time.monotonic()
        if storage.flushed_rolls != seen_flushed:
            seen_flushed = storage.flushed_rolls
            print(f"flushed {seen_flushed} {storage.flushed_dice} {now}", flush=True)
        print(f"recorded {rolls} {now}", flush=True)
        await asyncio.sleep(0.001)
    print(f"final {rolls} {dice_rolled}", flush=True)
    await storage.close()
    print("closed", flush=True)


if __name__ == "__main__":
    asyncio.run(record(sys.argv[1]))
