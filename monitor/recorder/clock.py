"""The replay clock: simulated time that follows the recorded timestamps.

During a replay the engine's ``ts_recv``, its staleness checks, the session calendar and
every snapshot use this clock instead of the wall clock, so a recording from last Tuesday
is judged as it was on Tuesday. With a speed factor ``s > 0`` simulated time runs ``s``
times faster than wall time from the first event on (so silence in the recording, or the
end of it, ages the data as it would have live); with speed 0 ("as fast as possible") it
stands on the timestamp of the latest event replayed. Before the first event it reads the
wall clock.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from monitor.core.events import NS_PER_SECOND


class ReplayClock:
    """A callable clock in integer nanoseconds UTC, moved forward by the replay feed."""

    def __init__(
        self,
        speed: float,
        wall: Callable[[], float] = time.monotonic,
        fallback: Callable[[], int] = time.time_ns,
    ) -> None:
        if speed < 0:
            raise ValueError("speed must be >= 0 (0: as fast as possible)")
        self.speed = speed
        self._wall = wall
        self._fallback = fallback
        self._ts: int | None = None  # simulated time at the anchor
        self._anchor = 0.0  # wall time of the anchor

    @property
    def started(self) -> bool:
        return self._ts is not None

    def __call__(self) -> int:
        if self._ts is None:
            return self._fallback()
        if self.speed == 0:
            return self._ts
        return self._ts + int((self._wall() - self._anchor) * self.speed * NS_PER_SECOND)

    def delay_until(self, ts: int) -> float:
        """Wall seconds until simulated time reaches ``ts`` (0 if unpaced or already there)."""
        if self._ts is None or self.speed == 0:
            return 0.0
        return max(0.0, (ts - self()) / (self.speed * NS_PER_SECOND))

    def advance_to(self, ts: int) -> None:
        """Make sure simulated time is at least ``ts`` (it never goes back once started)."""
        if self._ts is None or ts > self():
            self._ts = ts
            self._anchor = self._wall()


__all__ = ["ReplayClock"]
