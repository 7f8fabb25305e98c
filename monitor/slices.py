"""Time slices for long work on the event loop: give the loop back every half millisecond.

A piece of work that walks hundreds of pairs (the market clock's snapshot, an alert round,
a large API response, a scrape) asks :meth:`TimeSlice.pause` between items. The slice is
shared by all of them: it counts from the start of the loop's round (marked by a callback
the first of them to yield schedules ahead of its own wake-up), so several such pieces of
work running at once take half a millisecond of a round together, not that each, and the
timers and quotes behind them wait about that long whatever the number of pairs. Small
configurations do not pay for yields they do not need.

Requests come first: while a request is served (:func:`serving`: a scrape, the pairs
list), background work (``TimeSlice(background=True)``: the market clock, alert rounds)
waits at its next pause until no request is in flight, for at most
``BACKGROUND_WAIT_SECONDS`` per piece of work, so a scrape is not stretched by the tick
that happens to run beside it, and the tick is at most that late. Quotes never wait for
either: they come in between every slice.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from time import perf_counter_ns

SLICE_SECONDS = 0.0005
"""How long loop-side work runs in one round of the loop before it lets the rest in."""
BACKGROUND_WAIT_SECONDS = 0.25
"""How long a piece of background work waits for requests in flight, in all."""


class _Round:
    """When the loop's current round began (as far as the slices know)."""

    start = 0
    marked: asyncio.AbstractEventLoop | None = None  # the loop a mark is scheduled on


class _Requests:
    """Requests in flight on ``loop``, and a future resolved when the last one ends."""

    loop: asyncio.AbstractEventLoop | None = None
    active = 0
    idle: asyncio.Future[None] | None = None


def _mark(clock: Callable[[], int]) -> None:
    _Round.start = clock()
    _Round.marked = None


@contextmanager
def serving() -> Iterator[None]:
    """Mark a request in flight on the running loop for as long as the block runs."""
    loop = asyncio.get_running_loop()
    if _Requests.loop is not loop:  # another loop (tests run many): start afresh
        _Requests.loop, _Requests.active, _Requests.idle = loop, 0, None
    _Requests.active += 1
    try:
        yield
    finally:
        _Requests.active -= 1
        idle = _Requests.idle
        if _Requests.active == 0 and idle is not None:
            _Requests.idle = None
            if not idle.done():
                idle.set_result(None)


async def _requests_done(loop: asyncio.AbstractEventLoop, seconds: float) -> None:
    idle = _Requests.idle
    if idle is None:
        idle = _Requests.idle = loop.create_future()
    await asyncio.wait((idle,), timeout=seconds)


class TimeSlice:
    """When to yield: once the round's slice (``seconds``, shared) is spent; background
    work also waits then for the requests in flight (see the module docstring)."""

    __slots__ = ("_clock", "_length", "_wait_left")

    def __init__(
        self,
        seconds: float = SLICE_SECONDS,
        clock: Callable[[], int] = perf_counter_ns,
        *,
        background: bool = False,
    ) -> None:
        self._clock = clock
        self._length = int(seconds * 1e9)
        self._wait_left = int(BACKGROUND_WAIT_SECONDS * 1e9) if background else 0

    async def pause(self) -> None:
        """Yield to the event loop if this round's slice is spent."""
        if self._clock() - _Round.start >= self._length:
            loop = asyncio.get_running_loop()
            if _Round.marked is not loop:  # runs before our wake-up: the round starts there
                _Round.marked = loop
                loop.call_soon(_mark, self._clock)
            if self._wait_left > 0 and _Requests.active and _Requests.loop is loop:
                start = self._clock()
                await _requests_done(loop, self._wait_left / 1e9)
                self._wait_left -= max(self._clock() - start, 1)
                return
            await asyncio.sleep(0)


__all__ = ["BACKGROUND_WAIT_SECONDS", "SLICE_SECONDS", "TimeSlice", "serving"]
