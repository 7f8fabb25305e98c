"""Time slices for long work on the event loop: give the loop back every half millisecond.

A piece of work that walks hundreds of pairs (the market clock's snapshot, an alert round,
a large API response, a scrape) asks :meth:`TimeSlice.pause` between items. The slice is
shared by all of them: it counts from the start of the loop's round (marked by a callback
the first of them to yield schedules ahead of its own wake-up), so several such pieces of
work running at once take half a millisecond of a round together, not that each, and the
timers and quotes behind them wait about that long whatever the number of pairs. Small
configurations do not pay for yields they do not need.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from time import perf_counter_ns

SLICE_SECONDS = 0.0005
"""How long loop-side work runs in one round of the loop before it lets the rest in."""


class _Round:
    """When the loop's current round began (as far as the slices know)."""

    start = 0
    marked: asyncio.AbstractEventLoop | None = None  # the loop a mark is scheduled on


def _mark(clock: Callable[[], int]) -> None:
    _Round.start = clock()
    _Round.marked = None


class TimeSlice:
    """When to yield: once the round's slice (``seconds``, shared) is spent."""

    __slots__ = ("_clock", "_length")

    def __init__(
        self, seconds: float = SLICE_SECONDS, clock: Callable[[], int] = perf_counter_ns
    ) -> None:
        self._clock = clock
        self._length = int(seconds * 1e9)

    async def pause(self) -> None:
        """Yield to the event loop if this round's slice is spent."""
        if self._clock() - _Round.start >= self._length:
            loop = asyncio.get_running_loop()
            if _Round.marked is not loop:  # runs before our wake-up: the round starts there
                _Round.marked = loop
                loop.call_soon(_mark, self._clock)
            await asyncio.sleep(0)


__all__ = ["SLICE_SECONDS", "TimeSlice"]
