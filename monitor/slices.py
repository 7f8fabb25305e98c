"""Time slices for long work on the event loop: give the loop back every millisecond.

A piece of work that walks hundreds of pairs (the market clock's snapshot, an alert round,
a large API response) asks :meth:`TimeSlice.pause` between items; it yields to the loop
only when its slice is spent, so quotes wait at most about a slice whatever the number of
pairs, and small configurations do not pay for yields they do not need.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from time import perf_counter_ns

SLICE_SECONDS = 0.001
"""How long loop-side work runs before it lets other callbacks (quotes first) in."""


class TimeSlice:
    """When to yield: after ``seconds`` of work since the slice started (or last yielded)."""

    __slots__ = ("_clock", "_deadline", "_length")

    def __init__(
        self, seconds: float = SLICE_SECONDS, clock: Callable[[], int] = perf_counter_ns
    ) -> None:
        self._clock = clock
        self._length = int(seconds * 1e9)
        self._deadline = clock() + self._length

    async def pause(self) -> None:
        """Yield to the event loop if the slice is spent, then start a new one."""
        if self._clock() >= self._deadline:
            await asyncio.sleep(0)
            self._deadline = self._clock() + self._length


__all__ = ["SLICE_SECONDS", "TimeSlice"]
