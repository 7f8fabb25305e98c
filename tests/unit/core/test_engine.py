"""Validation, state, staleness and source selection in the engine."""

from __future__ import annotations

import math

import pytest

from monitor.core.engine import Engine
from monitor.core.events import FxQuote, Quote, Trade
from monitor.core.fees import FeeSchedule
from tests.support.builders import T0, S
from tests.support.oracle import edge_buy_hk_sell_us, edge_buy_us_sell_hk


def feed_all(engine: Engine, t: int = T0, source: str = "a") -> None:
    assert engine.on_event(Quote("PONY", 15.20, 300, 15.22, 500, t, t, source))
    assert engine.on_event(Quote("2026.HK", 118.4, 1000, 118.5, 2000, t, t, source))
    assert engine.on_event(FxQuote("USDHKD", 7.7810, 7.7814, t, t, source))


def test_snapshot_premium_matches_formulas(engine: Engine) -> None:
    feed_all(engine)
    view = engine.snapshot(T0 + S).pairs[0]
    assert not view.stale
    mid = (15.21 * 7.7812 / 1) / 118.45 - 1
    assert view.premium.mid == pytest.approx(mid, rel=1e-12)
    fees = FeeSchedule()
    assert view.premium.buy_hk_sell_us == pytest.approx(
        edge_buy_hk_sell_us(15.20, 118.5, 7.7810, 1, fees, 100_000), rel=1e-12
    )
    assert view.premium.buy_us_sell_hk == pytest.approx(
        edge_buy_us_sell_hk(15.22, 118.4, 7.7814, 1, fees, 100_000), rel=1e-12
    )


@pytest.mark.parametrize(
    ("event", "reason"),
    [
        (Quote("PONY", math.nan, 1, 15.3, 1, T0, T0, "a"), "non_finite_price"),
        (Quote("PONY", math.inf, 1, 15.3, 1, T0, T0, "a"), "non_finite_price"),
        (Quote("PONY", 0.0, 1, 15.3, 1, T0, T0, "a"), "non_positive_price"),
        (Quote("PONY", -1.0, 1, 15.3, 1, T0, T0, "a"), "non_positive_price"),
        (Quote("PONY", 15.4, 1, 15.3, 1, T0, T0, "a"), "crossed_book"),
        (Quote("PONY", 15.2, -100, 15.3, 1, T0, T0, "a"), "negative_size"),
        (Quote("PONY", 15.2, math.nan, 15.3, 1, T0, T0, "a"), "non_finite_size"),
        (Quote("PONY", 15.2, 1, 15.3, 1, T0 + 6 * S, T0, "a"), "future_timestamp"),
        (Trade("PONY", 15.2, -5, T0, T0, "a"), "negative_size"),
        (Trade("PONY", -15.2, 5, T0, T0, "a"), "non_positive_price"),
        (FxQuote("USDHKD", 7.60, 7.61, T0, T0, "a"), "out_of_band"),
        (FxQuote("USDHKD", 7.91, 7.92, T0, T0, "a"), "out_of_band"),
        (FxQuote("USDHKD", 7.79, 7.78, T0, T0, "a"), "crossed_book"),
        (Quote("BABA", 80.0, 1, 80.1, 1, T0, T0, "a"), "unknown_instrument"),
    ],
)
def test_bad_events_are_rejected_counted_and_leave_the_last_good_state(
    engine: Engine, event: Quote | Trade | FxQuote, reason: str
) -> None:
    feed_all(engine)
    before = engine.snapshot(T0 + S).pairs[0]
    assert engine.on_event(event) is False
    assert engine.rejects[(event.instrument, reason)] == 1
    after = engine.snapshot(T0 + S).pairs[0]
    assert after.premium == before.premium
    assert after.us.bid == 15.20 and after.fx.bid == 7.7810


def test_a_locked_book_and_a_small_clock_skew_are_accepted(engine: Engine) -> None:
    assert engine.on_event(Quote("PONY", 15.2, 1, 15.2, 1, T0 + 4 * S, T0, "a"))
    assert engine.rejects == {}


def test_out_of_order_quote_does_not_overwrite_newer_state(engine: Engine) -> None:
    feed_all(engine, T0 + 10 * S)
    assert not engine.on_event(Quote("PONY", 14.0, 1, 14.1, 1, T0, T0 + 11 * S, "a"))
    assert engine.rejects[("PONY", "out_of_order")] == 1
    assert engine.snapshot(T0 + 11 * S).pairs[0].us.bid == 15.20


def test_stale_leg_makes_the_premium_disappear(engine: Engine) -> None:
    feed_all(engine)
    assert engine.on_event(Quote("PONY", 15.20, 300, 15.22, 500, T0 + 50 * S, T0 + 50 * S, "a"))
    assert engine.on_event(FxQuote("USDHKD", 7.78, 7.781, T0 + 50 * S, T0 + 50 * S, "a"))
    fresh = engine.snapshot(T0 + 59 * S).pairs[0]
    assert fresh.premium.mid is not None
    stale = engine.snapshot(T0 + 61 * S).pairs[0]  # HK silent for 61 s > 60 s
    assert stale.stale and stale.hk.stale and not stale.us.stale
    assert stale.premium.mid is None and stale.premium.buy_hk_sell_us is None
    assert "2026.HK" in stale.stale_reasons[0]


def test_missing_leg_means_no_premium(engine: Engine) -> None:
    assert engine.on_event(Quote("PONY", 15.20, 300, 15.22, 500, T0, T0, "a"))
    view = engine.snapshot(T0).pairs[0]
    assert view.premium.mid is None and view.hk.stale_reason == "no data"


def test_failover_to_backup_source_and_failback(engine: Engine) -> None:
    feed_all(engine, T0, "a")  # a has priority 10, b 5
    assert engine.on_event(Quote("PONY", 15.00, 1, 15.02, 1, T0 + S, T0 + S, "b"))
    assert engine.snapshot(T0 + 2 * S).pairs[0].us.source == "a"
    # a goes silent; b keeps quoting
    t = T0 + 70 * S
    assert engine.on_event(Quote("PONY", 15.01, 1, 15.03, 1, t, t, "b"))
    view = engine.snapshot(t).pairs[0]
    assert view.us.source == "b" and view.us.bid == 15.01
    # a comes back: failback to the preferred source
    t2 = t + S
    assert engine.on_event(Quote("PONY", 15.05, 1, 15.07, 1, t2, t2, "a"))
    assert engine.snapshot(t2).pairs[0].us.source == "a"


def test_trades_only_leg_uses_last_price_and_says_so(engine: Engine) -> None:
    # Finnhub-style: the FX leg only ever has last prices (size 0)
    assert engine.on_event(Quote("PONY", 15.20, 300, 15.22, 500, T0, T0, "a"))
    assert engine.on_event(Quote("2026.HK", 118.4, 1000, 118.5, 2000, T0, T0, "a"))
    assert engine.on_event(Trade("USDHKD", 7.7800, 0, T0, T0, "b"))
    view = engine.snapshot(T0).pairs[0]
    assert view.fx.price_basis == "last" and view.fx.mid == 7.78
    assert view.premium.mid == pytest.approx(15.21 * 7.78 / 118.45 - 1, rel=1e-12)
    # executable edges use the last price for both sides of the leg that has no quotes
    assert view.premium.buy_hk_sell_us == pytest.approx(
        edge_buy_hk_sell_us(15.20, 118.5, 7.78, 1, FeeSchedule(), 100_000), rel=1e-12
    )


def test_off_grid_hk_price_is_flagged_but_kept(engine: Engine) -> None:
    assert engine.on_event(Quote("2026.HK", 118.43, 100, 118.5, 100, T0, T0, "a"))
    assert engine.flags[("2026.HK", "off_tick_grid")] == 1
    assert engine.snapshot(T0).pairs[0].hk.bid == 118.43


def test_liquidity_windows_and_usd_conversion(engine: Engine) -> None:
    feed_all(engine)
    assert engine.on_event(Trade("2026.HK", 118.5, 1000, T0, T0, "a"))
    assert engine.on_event(Trade("2026.HK", 118.4, 500, T0 + 30 * S, T0 + 30 * S, "a"))
    assert engine.on_event(Trade("PONY", 15.21, 200, T0 + 30 * S, T0 + 30 * S, "a"))
    hk = engine.snapshot(T0 + 70 * S).pairs[0].hk
    assert hk.liquidity is not None
    one_min, five_min = hk.liquidity.windows[0], hk.liquidity.windows[1]
    assert (one_min.volume, one_min.trades) == (500, 1)  # the first trade fell out
    assert (five_min.volume, five_min.trades) == (1500, 2)
    assert five_min.turnover == pytest.approx(118_500 + 59_200)
    assert five_min.vwap == pytest.approx((118_500 + 59_200) / 1500)
    assert five_min.turnover_usd == pytest.approx((118_500 + 59_200) / 7.7812)
    assert hk.liquidity.quoted_spread_ratio == pytest.approx(0.1 / 118.45)
    assert hk.liquidity.bid_depth_usd == pytest.approx(118.4 * 1000 / 7.7812)
