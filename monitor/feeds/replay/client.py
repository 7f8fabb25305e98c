"""The replay feed: reads recorded files in a worker thread and paces them on a ReplayClock.

Every event is handed to the sink exactly as a live feed would: ``ts_event`` is the
recorded timestamp (shifted by whole laps when looping) and ``ts_recv`` the replay clock,
so staleness and sessions are judged on recorded time. Rows for instruments the feed does
not serve are skipped and counted (``errors_total['skipped_instrument']``); malformed rows
are counted as ``malformed_row``. After the last event the feed stays up, idle, until
cancelled (the daemon keeps serving the final state).
"""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Iterator
from dataclasses import dataclass

import structlog

from monitor.core.events import NS_PER_SECOND, Event
from monitor.errors import DlmonError
from monitor.feeds.base import FeedContext, FeedSpec, FeedState
from monitor.feeds.replay.config import ReplayOptions
from monitor.recorder.clock import ReplayClock
from monitor.recorder.reader import ReadReport, merge_ticks

log = structlog.get_logger(__name__)

MIN_SLEEP_SECONDS = 0.001


@dataclass(slots=True)
class LapResult:
    """What one pass over the files did."""

    events: int = 0
    skipped: int = 0
    first_ts: int | None = None  # earliest recorded timestamp replayed
    last_ts: int | None = None  # latest recorded timestamp replayed


class ReplayFeed:
    """Replays ``options.files`` once (or forever, with ``loop``) into the context's sink."""

    def __init__(self, spec: FeedSpec, options: ReplayOptions, ctx: FeedContext) -> None:
        if not isinstance(ctx.clock, ReplayClock):
            raise DlmonError(f"feeds.{spec.name}: a replay feed needs the daemon's ReplayClock")
        self.name = spec.name
        self.health = ctx.health
        self.clock: ReplayClock = ctx.clock
        self.options = options
        self.report = ReadReport(strict=options.strict)
        self._ctx = ctx
        self._instruments = frozenset(spec.instruments)
        self._canonical = {provider: canonical for canonical, provider in spec.symbols.items()}
        self.laps = 0
        self.finished = asyncio.Event()

    async def run(self) -> None:
        """Replay, then stay idle until cancelled (a returning task would be restarted)."""
        try:
            await self.replay()
        except DlmonError as exc:  # a file is unreadable or (strict) a row is malformed
            self.health.set_state(FeedState.FATAL, str(exc))
            log.error("replay_failed", feed=self.name, error=str(exc))
        self.finished.set()
        await asyncio.Event().wait()

    async def replay(self) -> list[LapResult]:
        """Replay the files (every lap when looping, so only returns without ``loop``)."""
        self.health.set_state(FeedState.STREAMING)
        results: list[LapResult] = []
        offset = 0
        while True:
            lap = await self._lap(offset)
            results.append(lap)
            self.laps += 1
            if not self.options.loop or lap.first_ts is None or lap.last_ts is None:
                break
            gap = int(self.options.loop_gap_seconds * NS_PER_SECOND)
            offset += lap.last_ts - lap.first_ts + gap
        total = sum(r.events for r in results)
        self.health.set_state(FeedState.STOPPED, f"end of recording after {total} events")
        log.info(
            "replay_finished",
            feed=self.name,
            events=total,
            malformed_rows=self.report.malformed,
            skipped=sum(r.skipped for r in results),
        )
        self.finished.set()
        return results

    async def _lap(self, offset: int) -> LapResult:
        stream = merge_ticks(self.options.files, self.name, self.report)
        lap = LapResult()
        size = self.options.batch_rows
        while True:
            malformed = self.report.malformed
            batch = await asyncio.to_thread(_take, stream, size)
            self._count("malformed_row", self.report.malformed - malformed)
            if not batch:
                return lap
            for event in batch:
                await self._emit(event, offset, lap)
            await asyncio.sleep(0)  # let the HTTP server and others run between batches

    async def _emit(self, event: Event, offset: int, lap: LapResult) -> None:
        instrument = self._canonical.get(event.instrument, event.instrument)
        if instrument not in self._instruments:
            lap.skipped += 1
            self._count("skipped_instrument", 1)
            return
        ts = event.ts_event + offset
        delay = self.clock.delay_until(ts)
        if delay >= MIN_SLEEP_SECONDS:
            await asyncio.sleep(delay)
        self.clock.advance_to(ts)
        event.instrument, event.ts_event, event.ts_recv = instrument, ts, self.clock()
        recorded = ts - offset
        lap.first_ts = recorded if lap.first_ts is None else min(lap.first_ts, recorded)
        lap.last_ts = recorded if lap.last_ts is None else max(lap.last_ts, recorded)
        lap.events += 1
        health = self.health
        health.messages_total += 1
        health.last_message_ns = event.ts_recv
        self._ctx.sink(event)

    def _count(self, kind: str, n: int) -> None:
        if n:
            self.health.errors_total[kind] = self.health.errors_total.get(kind, 0) + n


def _take(stream: Iterator[Event], n: int) -> list[Event]:
    return list(itertools.islice(stream, n))


__all__ = ["LapResult", "ReplayFeed"]
