"""The built-in simulator: deterministic, on the HKEX grid, realistic magnitudes."""

from __future__ import annotations

import asyncio
import statistics

import pandas as pd

from monitor.core.engine import Engine
from monitor.core.events import Event, FxQuote, Quote, Trade
from monitor.core.sessions import SessionCalendar
from monitor.core.ticks import is_on_hkex_grid
from monitor.feeds.base import FeedContext, FeedHealth, FeedSpec, FeedState
from monitor.feeds.simulator.client import SimulatorFeed
from monitor.feeds.simulator.config import SimulatorOptions
from monitor.feeds.simulator.model import MarketModel
from tests.support.builders import pony_pair

T0 = 1_790_000_000_000_000_000
MS = 1_000_000
OPEN = {"PONY", "2026.HK", "USDHKD"}


def run_model(options: SimulatorOptions, steps: int, step_ns: int = 50 * MS) -> list[Event]:
    model = MarketModel(options, [("PONY", "2026.HK", 1.0)], "USDHKD", "sim")
    events: list[Event] = []
    for i in range(1, steps + 1):
        events.extend(model.next_events(T0 + i * step_ns, OPEN))
    return events


def test_same_seed_same_events_other_seed_other_events() -> None:
    a = run_model(SimulatorOptions(seed=3), 500)
    b = run_model(SimulatorOptions(seed=3), 500)
    c = run_model(SimulatorOptions(seed=4), 500)
    assert a == b
    assert a != c


def test_hk_quotes_on_the_tick_grid_in_board_lots_fx_in_the_band() -> None:
    events = run_model(SimulatorOptions(), 5000)
    hk = [e for e in events if isinstance(e, Quote) and e.instrument == "2026.HK"]
    fx = [e for e in events if isinstance(e, FxQuote)]
    trades = [e for e in events if isinstance(e, Trade)]
    assert hk and fx and trades
    assert all(is_on_hkex_grid(q.bid) and is_on_hkex_grid(q.ask) for q in hk)
    assert all(q.bid < q.ask for q in hk)
    assert all(q.bid_size % 100 == 0 and q.ask_size % 100 == 0 for q in hk)
    assert all(t.size % 100 == 0 for t in trades if t.instrument == "2026.HK")
    assert all(7.75 <= q.bid < q.ask <= 7.85 for q in fx)


def test_premium_is_tens_of_basis_points_with_rare_jumps() -> None:
    # 30 minutes of simulated time at 20 updates/s, premium read after every event
    engine = Engine(
        [pony_pair()],
        SessionCalendar("always_open"),
        analytics=None,
    )
    premiums = []
    for event in run_model(SimulatorOptions(jump_probability_per_second=0.0), 36_000):
        engine.on_event(event)
        values = engine.pair_states[0].premiums(event.ts_event)
        if values is not None and values[0] == values[0]:
            premiums.append(values[0])
    assert len(premiums) > 30_000
    assert 0.0003 < statistics.pstdev(premiums) < 0.01  # a few to tens of bp
    assert abs(statistics.mean(premiums)) < 0.01
    jumpy = run_model(SimulatorOptions(jump_probability_per_second=0.05, seed=1), 36_000)
    assert jumpy != run_model(SimulatorOptions(jump_probability_per_second=0.0, seed=1), 36_000)


def test_faulty_ticks_are_emitted_when_asked_and_rejected_by_the_core() -> None:
    engine = Engine(
        [pony_pair()],
        SessionCalendar("always_open"),
        analytics=None,
    )
    for event in run_model(SimulatorOptions(fault_probability=0.2), 2000):
        engine.on_event(event)
    assert sum(engine.rejects.values()) > 100
    assert engine.snapshot(T0 + 2000 * 50 * MS).pairs[0].premium.mid is not None


async def test_calendar_mode_only_quotes_venues_in_session() -> None:
    now = int(pd.Timestamp("2026-11-23 15:00Z").value)  # NASDAQ regular, HKEX closed
    sessions = SessionCalendar("exchange")
    for symbol, venue in (("PONY", "XNAS"), ("2026.HK", "XHKG"), ("USDHKD", "FX")):
        sessions.register(symbol, venue)
    received: list[Event] = []
    health = FeedHealth("sim")
    pair = pony_pair()
    ctx = FeedContext(received.append, lambda: now, sessions, health, (pair,))
    spec = FeedSpec("sim", "simulator", 0, sorted(OPEN), {}, 30.0)
    feed = SimulatorFeed(spec, SimulatorOptions(mode="calendar", updates_per_second=1000), ctx)
    task = asyncio.create_task(feed.run())
    async with asyncio.timeout(5):
        while len(received) < 200:  # noqa: ASYNC110 - polling with a deadline
            await asyncio.sleep(0.01)
    assert health.state is FeedState.STREAMING
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)
    assert health.state is FeedState.STOPPED
    assert {e.instrument for e in received} == {"PONY", "USDHKD"}


def test_opening_events_quote_every_open_instrument_once_like_a_subscribe_snapshot() -> None:
    model = MarketModel(
        SimulatorOptions(), [("PONY", "2026.HK", 1.0), ("BABA", "9988.HK", 8.0)], "USDHKD", "sim"
    )
    opening = model.opening_events(T0, {"PONY", "2026.HK", "USDHKD", "9988.HK"})
    assert sorted(e.instrument for e in opening) == ["2026.HK", "9988.HK", "PONY", "USDHKD"]
    assert all(isinstance(e, Quote | FxQuote) and e.ts_event == T0 for e in opening)
    engine = Engine([pony_pair()], SessionCalendar("always_open"), analytics=None)
    assert all(engine.on_event(e) for e in opening if e.instrument != "9988.HK")
    assert engine.snapshot(T0).pairs[0].premium.mid is not None  # ready from the first tick
