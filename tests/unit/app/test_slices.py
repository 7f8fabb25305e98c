"""TimeSlice yields to the loop once its slice is spent, and only then."""

from __future__ import annotations

import asyncio

from monitor.slices import TimeSlice

MS = 1_000_000


async def test_work_yields_once_per_spent_slice() -> None:
    now = [0]
    ran: list[int] = []  # what the work had done each time another task got the loop

    async def other() -> None:
        while True:
            ran.append(done[0])
            await asyncio.sleep(0)

    done = [0]
    slice_ = TimeSlice(0.001, clock=lambda: now[0])
    watcher = asyncio.create_task(other())
    await asyncio.sleep(0)  # the watcher starts: it has seen nothing done
    for _ in range(10):
        now[0] += MS // 4  # each item of work takes a quarter of a millisecond
        done[0] += 1
        await slice_.pause()
    watcher.cancel()
    assert ran == [0, 4, 8]  # the loop was given back after every fourth item, not before
