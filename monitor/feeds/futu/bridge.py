"""Hand calls from SDK threads (Futu's callback executor) to the asyncio event loop.

SDK push handlers run on their own threads; nothing they receive may touch feed state
there. :meth:`ThreadBridge.call` schedules the function on the loop with
``loop.call_soon_threadsafe`` and drops the call once the loop is closed (at shutdown a
late push must not raise inside the SDK's thread).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import TypeVarTuple

Ts = TypeVarTuple("Ts")


class ThreadBridge:
    """Schedule callbacks from any thread onto one event loop."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self._loop = loop
        self.dropped = 0

    def call(self, fn: Callable[[*Ts], object], *args: *Ts) -> None:
        """Run ``fn(*args)`` on the loop soon; thread-safe, never raises."""
        try:
            self._loop.call_soon_threadsafe(fn, *args)
        except RuntimeError:  # loop closed: the feed is gone, the push is moot
            self.dropped += 1


__all__ = ["ThreadBridge"]
