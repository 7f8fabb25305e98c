"""The engine's inlined common case gives the same verdicts as the exact checks."""

from __future__ import annotations

import math

from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.core import validation as v
from monitor.core.engine import Engine
from monitor.core.events import FxQuote, Quote, Trade
from monitor.core.sessions import SessionCalendar
from tests.support.builders import T0, S, pony_pair

EDGES = [math.nan, math.inf, -math.inf, 0.0, -0.0, -1.0, 1e-300, 7.70, 7.90, 7.6999, 7.9001]
price = st.one_of(
    st.sampled_from([*EDGES, 15.2, 15.3, 118.4, 118.5, 7.78, 7.79]),
    st.floats(allow_nan=True, allow_infinity=True),
)
size = st.one_of(st.sampled_from([math.nan, math.inf, -1.0, -0.0, 0.0, 100.0]), st.floats())
instrument = st.sampled_from(["PONY", "2026.HK", "USDHKD"])


def fresh() -> Engine:
    return Engine([pony_pair()], SessionCalendar("always_open"), analytics=None)


def exact_reason(engine: Engine, event: Quote | Trade | FxQuote) -> str | None:
    """The verdict of the validation functions, in the engine's documented order."""
    inst = engine.instruments[event.instrument].instrument
    if isinstance(event, Trade):
        return v.check_price(event.price, inst) or v.check_size(event.size)
    if isinstance(event, Quote):
        return v.check_book(event.bid, event.ask, event.bid_size, event.ask_size, inst)
    reason = v.check_price(event.bid, inst) or v.check_price(event.ask, inst)
    return reason or (v.CROSSED_BOOK if event.bid > event.ask else None)


@settings(max_examples=400, deadline=None)
@given(instrument, price, price, size, size)
def test_quotes_get_the_exact_reason(
    symbol: str, bid: float, ask: float, bid_size: float, ask_size: float
) -> None:
    engine = fresh()
    event: Quote | FxQuote
    if symbol == "USDHKD":
        event = FxQuote(symbol, bid, ask, T0, T0, "a")
    else:
        event = Quote(symbol, bid, bid_size, ask, ask_size, T0, T0, "a")
    expected = exact_reason(engine, event)
    assert engine.on_event(event) is (expected is None)
    assert engine.rejects == ({} if expected is None else {(symbol, expected): 1})


@settings(max_examples=200, deadline=None)
@given(instrument.filter(lambda s: s != "USDHKD"), price, size)
def test_trades_get_the_exact_reason(symbol: str, trade_price: float, trade_size: float) -> None:
    engine = fresh()
    event = Trade(symbol, trade_price, trade_size, T0, T0, "a")
    expected = exact_reason(engine, event)
    assert engine.on_event(event) is (expected is None)
    assert engine.rejects == ({} if expected is None else {(symbol, expected): 1})


def test_band_edges_are_inside_the_band() -> None:
    engine = fresh()
    assert engine.on_event(FxQuote("USDHKD", 7.70, 7.90, T0, T0, "a"))
    assert not engine.on_event(FxQuote("USDHKD", 7.6999, 7.90, T0, T0, "a"))
    assert engine.rejects == {("USDHKD", v.OUT_OF_BAND): 1}


def test_alternating_sources_each_keep_their_own_state() -> None:
    engine = Engine(
        [pony_pair()], SessionCalendar("always_open"), priorities={"a": 10, "b": 5}, analytics=None
    )
    assert engine.on_event(Quote("PONY", 15.20, 1, 15.22, 1, T0, T0, "b"))
    assert engine.on_event(Quote("PONY", 15.30, 1, 15.32, 1, T0 + S, T0 + S, "a"))
    assert engine.on_event(Quote("PONY", 15.40, 1, 15.42, 1, T0 + 2 * S, T0 + 2 * S, "b"))
    # an older quote of source "a" is out of order for "a", although "b" was heard last
    assert not engine.on_event(Quote("PONY", 15.0, 1, 15.1, 1, T0, T0 + 3 * S, "a"))
    state = engine.instruments["PONY"]
    assert state.sources["a"].bid == 15.30 and state.sources["b"].bid == 15.40
    assert state.active is state.sources["a"]  # the preferred source stays active
    assert engine.rejects == {("PONY", v.OUT_OF_ORDER): 1}


def test_off_grid_prices_are_flagged_every_time() -> None:
    engine = fresh()
    for _ in range(3):
        assert engine.on_event(Quote("2026.HK", 118.41, 1, 118.5, 1, T0, T0, "a"))
        assert engine.on_event(Trade("2026.HK", 118.43, 100, T0, T0, "a"))
    assert engine.on_event(Quote("2026.HK", 118.4, 1, 118.5, 1, T0, T0, "a"))
    assert engine.flags == {("2026.HK", "off_tick_grid"): 6}
