"""Cost of the premium and liquidity analytics (issue 7) on the hot path and at read time.

Pushes the same pre-generated events (the simulator's model, via ``bench_core``) through
  * engine without analytics (``Engine(..., analytics=None)``: the core before issue 7), and
  * engine with analytics (the default settings: windows 5m, 1h, 1d),
alternating the two in each round, and prints events per second (median of the runs) and
their ratio. It then times ``snapshot(now)`` with and without analytics, each call at a new
second so that the per-second read cache never hits.

    python benchmarks/bench_analytics.py [--events 1000000] [--runs 5] [--reads 20]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from monitor.core.analytics import DEFAULT_ANALYTICS, AnalyticsSettings
from monitor.core.engine import Engine
from monitor.core.events import NS_PER_SECOND, Event
from monitor.core.sessions import SessionCalendar

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_core import make_events, pony  # noqa: E402


def build(analytics: AnalyticsSettings | None, sessions: str) -> Engine:
    calendar = SessionCalendar("exchange" if sessions == "exchange" else "always_open")
    return Engine([pony()], calendar, analytics=analytics)


def run_once(events: Sequence[Event], analytics: AnalyticsSettings | None, sessions: str) -> float:
    """Events per second of one pass over ``events`` through a fresh engine."""
    on_event = build(analytics, sessions).on_event
    gc.collect()
    start = time.perf_counter()
    for event in events:
        on_event(event)
    return len(events) / (time.perf_counter() - start)


def read_cost(
    events: Sequence[Event], analytics: AnalyticsSettings | None, reads: int, sessions: str
) -> float:
    """Median seconds per ``snapshot(now)`` after loading ``events``."""
    engine = build(analytics, sessions)
    for event in events:
        engine.on_event(event)
    now = max(e.ts_recv for e in events)
    times = []
    for i in range(reads):
        start = time.perf_counter()
        engine.snapshot(now + (i + 1) * NS_PER_SECOND)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--reads", type=int, default=20)
    parser.add_argument(
        "--sessions",
        choices=["always_open", "exchange"],
        default="always_open",
        help="exchange: real calendars (the events fall in the US session, HK closed)",
    )
    args = parser.parse_args()
    events = make_events(args.events)
    span = (events[-1].ts_recv - events[0].ts_recv) / NS_PER_SECOND
    without: list[float] = []
    with_: list[float] = []
    for _ in range(args.runs):  # alternate so that drift hits both alike
        without.append(run_once(events, None, args.sessions))
        with_.append(run_once(events, DEFAULT_ANALYTICS, args.sessions))
    base, full = statistics.median(without), statistics.median(with_)
    print(f"events: {len(events):,} over {span:,.0f} s simulated  runs: {args.runs} (median)")
    print(f"sessions: {args.sessions}")
    print(f"engine without analytics: {base:>12,.0f} events/s  ({1e9 / base:,.0f} ns/event)")
    print(f"engine with analytics:    {full:>12,.0f} events/s  ({1e9 / full:,.0f} ns/event)")
    print(
        f"ratio with/without: {full / base:.3f}  (analytics add {1e9 / full - 1e9 / base:,.0f} ns)"
    )
    read_base = read_cost(events, None, args.reads, args.sessions)
    read_full = read_cost(events, DEFAULT_ANALYTICS, args.reads, args.sessions)
    print(
        f"snapshot(now) without analytics: {read_base * 1e3:8.3f} ms   "
        f"with analytics: {read_full * 1e3:8.3f} ms   (median of {args.reads}, cache missed)"
    )


if __name__ == "__main__":
    main()
