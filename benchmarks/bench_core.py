"""Throughput of the core hot path: validation, state and liquidity windows per event.

Pushes the same pre-generated events (from the simulator's model) through
  * baseline: a loop that only stores each event in a dict by instrument, and
  * engine:   Engine.on_event (validation, source selection, state, windows; the
              analytics of bench_analytics.py switched off; the premium and the edges
              are computed when a snapshot is read, not per event),
and prints events per second for each (median of several runs) and their ratio.

    python benchmarks/bench_core.py [--events 2000000] [--runs 5]
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time
from collections.abc import Callable, Sequence

from monitor.core.engine import Engine
from monitor.core.events import Event
from monitor.core.instruments import USD_HKD_BAND, Instrument, Pair
from monitor.core.sessions import SessionCalendar
from monitor.feeds.simulator.config import SimulatorOptions
from monitor.feeds.simulator.model import MarketModel

T0 = 1_790_000_000_000_000_000
OPEN = {"PONY", "2026.HK", "USDHKD"}


def pony() -> Pair:
    return Pair(
        name="PONY",
        us=Instrument("PONY", "XNAS", "USD"),
        hk=Instrument("2026.HK", "XHKG", "HKD", lot_size=100, hkex_tick_grid=True),
        fx=Instrument("USDHKD", "FX", "HKD", price_band=USD_HKD_BAND),
        ads_ratio=1.0,
    )


def make_events(count: int, seed: int = 7) -> list[Event]:
    """``count`` realistic events, one every millisecond of simulated time."""
    model = MarketModel(SimulatorOptions(seed=seed), [("PONY", "2026.HK", 1.0)], "USDHKD", "sim")
    events: list[Event] = []
    t = T0
    while len(events) < count:
        t += 1_000_000
        events.extend(model.next_events(t, OPEN))
    return events[:count]


def baseline(events: Sequence[Event]) -> None:
    store: dict[str, Event] = {}
    for event in events:
        store[event.instrument] = event


def engine_run(events: Sequence[Event]) -> None:
    on_event = Engine([pony()], SessionCalendar("always_open"), analytics=None).on_event
    for event in events:
        on_event(event)


def measure(fn: Callable[[Sequence[Event]], None], events: Sequence[Event], runs: int) -> float:
    """Median events per second over ``runs`` runs."""
    rates = []
    for _ in range(runs):
        gc.collect()
        start = time.perf_counter()
        fn(events)
        rates.append(len(events) / (time.perf_counter() - start))
    return statistics.median(rates)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2_000_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    events = make_events(args.events)
    base = measure(baseline, events, args.runs)
    core = measure(engine_run, events, args.runs)
    print(f"events: {len(events):,}  runs: {args.runs} (median)")
    print(f"baseline (store only): {base:>12,.0f} events/s")
    print(f"engine (full core):    {core:>12,.0f} events/s")
    print(f"ratio engine/baseline: {core / base:.3f}  (cost per event {1e9 / core:,.0f} ns)")


if __name__ == "__main__":
    main()
