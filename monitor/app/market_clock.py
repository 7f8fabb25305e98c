"""The market clock: moves the engine on and publishes the snapshot that every reader
shares (scrapes, the HTTP API, alert rules), once per ``interval`` (default a second).

Each tick runs ``Engine.advance`` and builds the view of every pair in small steps,
yielding to the event loop whenever the round's time slice is spent (``monitor.slices``),
so that no tick holds the loop for long at any number of pairs; readers take the latest
published snapshot and never compute one.
With a replayed feed time is the recorded time, so the engine advances as events cross
second boundaries (:class:`EventClock`) instead.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable

import structlog

from monitor.core.engine import Engine
from monitor.core.events import NS_PER_SECOND, Event
from monitor.core.premium_index import PremiumIndex, constituent_inputs
from monitor.core.snapshot import MarketSnapshot, PairView
from monitor.slices import TimeSlice

log = structlog.get_logger(__name__)


class MarketClock:
    """Advance the engine and publish its snapshot at each multiple of ``interval``."""

    def __init__(
        self,
        engine: Engine,
        clock: Callable[[], int],
        interval: float = 1.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
        index: PremiumIndex | None = None,
    ) -> None:
        self.engine = engine
        self.index = index  # valued once per tick from the views (O(pairs))
        self.clock = clock
        self.interval_ns = max(int(interval * NS_PER_SECOND), 1)
        self._sleep = sleep
        self._latest: MarketSnapshot | None = None
        self.ticks = 0
        # Work on each new snapshot before it is published (in the tick's slices): the
        # /metrics text written ahead (monitor.expose.market_text).
        self.before_publish: list[Callable[[MarketSnapshot, TimeSlice], Awaitable[None]]] = []

    def snapshot(self) -> MarketSnapshot:
        """The latest published snapshot (built on the spot before the first tick)."""
        latest = self._latest
        if latest is None:
            return self.engine.snapshot(self.clock())
        return latest

    async def run(self) -> None:
        """Tick at each multiple of the interval until cancelled."""
        step = self.interval_ns
        while True:
            await self.tick()
            now = self.clock()
            await self._sleep((step - now % step) / NS_PER_SECOND)

    async def tick(self) -> MarketSnapshot:
        """Advance to now and publish a fresh snapshot, yielding between small steps."""
        engine = self.engine
        now = self.clock()
        slice_ = TimeSlice(background=True)  # a request in flight goes first
        for _ in engine.advance_steps(now):
            await slice_.pause()
        views: list[PairView] = []
        for ps in engine.pair_states:
            views.append(engine.pair_view(ps, now))
            await slice_.pause()
        snapshot = MarketSnapshot(as_of=now, pairs=tuple(views), rejects=dict(engine.rejects))
        if self.index is not None:
            inputs = constituent_inputs(snapshot, self.index.settings)
            snapshot = dataclasses.replace(snapshot, index=self.index.update(now, inputs))
        for prepare in self.before_publish:
            try:
                await prepare(snapshot, slice_)
            except Exception:  # a reader's work ahead must not stop the snapshots
                log.exception("before_publish_failed", work=getattr(prepare, "__qualname__", "?"))
        self._latest = snapshot
        self.ticks += 1
        return snapshot


class EventClock:
    """Engine listener for replayed time: advance as events cross second boundaries."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._second = -1

    def __call__(self, event: Event) -> None:
        second = event.ts_recv // NS_PER_SECOND
        if second > self._second:
            self._second = second
            self.engine.advance(event.ts_recv)


__all__ = ["EventClock", "MarketClock"]
