"""The event-loop lag probe: how late the loop runs a timer, in a histogram.

Every ``interval`` the probe sleeps and measures how much later than asked it woke up;
that delay is time the loop spent on other work (a long scrape, a heavy snapshot) while
a frame may have been waiting. Read at scrape time as ``dlmon_event_loop_lag_seconds``.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from time import perf_counter_ns

from monitor.latency import LOOP_LAG_BUCKETS_SECONDS, NS_PER_SECOND, LatencyHistogram

PROBE_INTERVAL_SECONDS = 0.01
"""As Node's ``monitorEventLoopDelay`` default: fine enough for the 5 ms target, ~100
wake-ups a second (tens of microseconds of CPU each)."""


class LoopLagProbe:
    """Sleep ``interval_seconds`` in a loop and count each wake-up's delay in ``histogram``."""

    def __init__(
        self,
        interval_seconds: float = PROBE_INTERVAL_SECONDS,
        *,
        clock: Callable[[], int] = perf_counter_ns,
    ) -> None:
        self.interval_seconds = interval_seconds
        self.histogram = LatencyHistogram(LOOP_LAG_BUCKETS_SECONDS)
        self._clock = clock

    async def run(self) -> None:
        """Probe until cancelled."""
        clock, observe = self._clock, self.histogram.observe_ns
        interval, interval_ns = self.interval_seconds, round(self.interval_seconds * NS_PER_SECOND)
        while True:
            start = clock()
            await asyncio.sleep(interval)
            observe(max(clock() - start - interval_ns, 0))


__all__ = ["PROBE_INTERVAL_SECONDS", "LoopLagProbe"]
