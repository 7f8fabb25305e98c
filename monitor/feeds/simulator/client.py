"""The simulator feed: drives :class:`MarketModel` on a timer and hands events to the core."""

from __future__ import annotations

import asyncio
from time import perf_counter_ns

from monitor.core.events import Event
from monitor.feeds.base import FeedContext, FeedSpec, FeedState
from monitor.feeds.simulator.config import SimulatorOptions
from monitor.feeds.simulator.model import MarketModel
from monitor.feeds.simulator.profiles import pair_profile


class SimulatorFeed:
    """Emits quotes and trades of every pair whose legs it serves, at ``updates_per_second``,
    after one opening quote of every open instrument."""

    def __init__(self, spec: FeedSpec, options: SimulatorOptions, ctx: FeedContext) -> None:
        self.name = spec.name
        self.health = ctx.health
        self._ctx = ctx
        self._options = options
        self._instruments = frozenset(spec.instruments)
        served = [
            p
            for p in ctx.pairs
            if p.us.symbol in self._instruments and p.hk.symbol in self._instruments
        ]
        pairs = [(p.us.symbol, p.hk.symbol, p.ads_ratio) for p in served]
        profiles = [pair_profile(options, p, first=i == 0) for i, p in enumerate(served)]
        fx = next((p.fx.symbol for p in ctx.pairs if p.fx.symbol in self._instruments), "USDHKD")
        self.model = MarketModel(options, pairs, fx, spec.name, profiles)

    async def run(self) -> None:
        ctx, options = self._ctx, self._options
        interval = 1.0 / options.updates_per_second
        self.health.set_state(FeedState.STREAMING)
        try:
            now = ctx.clock()
            self._emit(self.model.opening_events(now, self._open_instruments(now)), now)
            while True:
                now = ctx.clock()
                self._emit(self.model.next_events(now, self._open_instruments(now)), now)
                await asyncio.sleep(interval)
        finally:
            self.health.set_state(FeedState.STOPPED)

    def _emit(self, events: list[Event], now: int) -> None:
        if not events:
            return
        health, sink = self.health, self._ctx.sink
        received = perf_counter_ns()
        for event in events:
            health.messages_total += 1
            health.last_message_ns = now
            sink(event)
        health.ingest_latency.observe_ns(perf_counter_ns() - received)

    def _open_instruments(self, now_ns: int) -> frozenset[str]:
        if self._options.mode == "demo":
            return self._instruments
        return frozenset(i for i in self._instruments if self._ctx.sessions.is_open(i, now_ns))
