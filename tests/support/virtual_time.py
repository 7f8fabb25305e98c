"""Virtual time for reconnect tests: backoff sleeps are skipped, not waited.

``monotonic()`` is the real monotonic clock plus every second skipped so far, so real
work (connecting to a local server, reading frames) still takes its real time while a
20 s outage passes in a few milliseconds. Actions scheduled with :meth:`at` run as soon
as virtual time reaches them, from inside the sleep that crosses them (the feed's next
attempt then happens at the end of that sleep, as it would in real time).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Action = Callable[[], Awaitable[None]]


class VirtualTime:
    """A monotonic clock and an async sleep sharing one virtual offset."""

    def __init__(self) -> None:
        self.skipped = 0.0
        self.sleeps: list[float] = []
        self._due: list[tuple[float, Action]] = []

    def monotonic(self) -> float:
        return time.monotonic() + self.skipped

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        await self.advance(delay)
        await asyncio.sleep(0)

    async def advance(self, seconds: float) -> None:
        """Skip ``seconds`` and run every action that became due."""
        self.skipped += max(seconds, 0.0)
        now = self.monotonic()
        due = [item for item in self._due if item[0] <= now]
        self._due = [item for item in self._due if item[0] > now]
        for _, action in sorted(due, key=lambda item: item[0]):
            await action()

    def at(self, when: float, action: Action) -> None:
        """Run ``action`` once virtual time reaches ``when`` (monotonic seconds)."""
        self._due.append((when, action))
