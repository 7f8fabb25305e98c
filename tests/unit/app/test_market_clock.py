"""The market clock advances the engine and publishes the shared snapshot; reads are pure."""

from __future__ import annotations

import asyncio
from typing import cast

from monitor.app.market_clock import EventClock, MarketClock
from monitor.core.engine import Engine
from monitor.core.events import Quote
from monitor.core.snapshot import MarketSnapshot
from monitor.slices import TimeSlice
from tests.support.analytics import S, make_engine, run_to, synthetic_events, to_event


async def test_a_tick_advances_the_engine_and_publishes_one_snapshot_for_every_reader() -> None:
    rows = synthetic_events(8, 400)
    engine = make_engine()
    for row in rows:
        engine.on_event(to_event(row))
    now = [rows[-1]["ts"] + 2 * S]
    clock = MarketClock(engine, lambda: now[0])
    before = clock.snapshot()  # before the first tick: built on the spot
    assert before.as_of == now[0]
    published = await clock.tick()
    assert clock.snapshot() is published and clock.ticks == 1
    analytics = published.pairs[0].analytics
    assert analytics is not None and analytics.premium_windows[0].samples > 0
    now[0] += 5 * S
    assert clock.snapshot() is published  # readers share it until the next tick


async def test_work_before_publishing_sees_the_new_snapshot_while_readers_see_the_old() -> None:
    engine = make_engine()
    now = [10 * S]
    clock = MarketClock(engine, lambda: now[0])
    first = await clock.tick()
    seen: list[tuple[int, int]] = []

    async def prepare(snapshot: MarketSnapshot, slice_: TimeSlice) -> None:
        await slice_.pause()
        seen.append((snapshot.as_of, clock.snapshot().as_of))

    clock.before_publish.append(prepare)
    now[0] += S
    second = await clock.tick()
    assert seen == [(second.as_of, first.as_of)] and clock.snapshot() is second


async def test_work_before_publishing_that_fails_does_not_stop_the_snapshots() -> None:
    engine = make_engine()
    now = [10 * S]
    clock = MarketClock(engine, lambda: now[0])

    async def broken(snapshot: MarketSnapshot, slice_: TimeSlice) -> None:
        raise RuntimeError("a bug in a reader")

    clock.before_publish.append(broken)
    published = await clock.tick()
    assert clock.snapshot() is published and clock.ticks == 1


async def test_run_ticks_on_whole_intervals_until_cancelled() -> None:
    engine = make_engine()
    now = [1_790_000_000 * S + S // 4]
    sleeps: list[float] = []

    async def sleep(seconds: float) -> None:
        sleeps.append(seconds)
        now[0] += int(seconds * S)
        if len(sleeps) == 3:
            raise asyncio.CancelledError

    clock = MarketClock(engine, lambda: now[0], interval=0.5, sleep=sleep)
    try:
        await clock.run()
    except asyncio.CancelledError:
        pass
    assert sleeps == [0.25, 0.5, 0.5] and clock.ticks == 3


def test_a_snapshot_writes_nothing() -> None:
    rows = synthetic_events(9, 300)
    engine = make_engine()
    run_to(engine, rows, 0, rows[-1]["ts"])
    assert engine.analytics is not None
    windows = engine.analytics.pairs["PONY"].windows
    end, moments = windows.end, windows.moments[0][0].n
    first = engine.snapshot(rows[-1]["ts"] + 600 * S)
    second = engine.snapshot(rows[-1]["ts"] + 600 * S)
    assert first == second
    assert (windows.end, windows.moments[0][0].n) == (end, moments)


def test_replayed_time_advances_as_events_cross_seconds() -> None:
    seen: list[int] = []

    class Recorder:  # stands in for the engine: EventClock only calls its advance
        def advance(self, now_ns: int) -> None:
            seen.append(now_ns)

    clock = EventClock(cast(Engine, Recorder()))
    t = 1_790_000_000 * S
    for offset in (0, S // 2, S, 3 * S + 1):
        clock(Quote("PONY", 15.0, 100.0, 15.1, 100.0, t + offset, t + offset, "a"))
    assert seen == [t, t + S, t + 3 * S + 1]
