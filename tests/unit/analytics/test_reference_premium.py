"""Session-aware premium: a closed venue counts at its official close, labelled reference."""

from __future__ import annotations

import pytest

from monitor.core.analytics_view import PairAnalytics
from monitor.core.engine import Engine
from monitor.core.events import FxQuote, Quote, Trade
from monitor.core.fees import DEFAULT_FEES
from monitor.core.reference import SessionClock
from monitor.core.sessions import SessionCalendar
from tests.support.analytics import S, make_engine, ns
from tests.support.oracle import edge_buy_hk_sell_us, edge_buy_us_sell_hk

FX_BID, FX_ASK = 7.781, 7.7812
FX_MID = (FX_BID + FX_ASK) / 2


def fx(engine: Engine, t: int) -> None:
    assert engine.on_event(FxQuote("USDHKD", FX_BID, FX_ASK, t, t, "a"))


def us_quote(engine: Engine, t: int, bid: float, ask: float) -> None:
    assert engine.on_event(Quote("PONY", bid, 500, ask, 500, t, t, "a"))


def hk_quote(engine: Engine, t: int, bid: float, ask: float) -> None:
    assert engine.on_event(Quote("2026.HK", bid, 1000, ask, 1000, t, t, "a"))


def trade(engine: Engine, instrument: str, t: int, price: float) -> None:
    assert engine.on_event(Trade(instrument, price, 100, t, t, "a"))


def analytics(engine: Engine, now: int) -> tuple[PairAnalytics, float | None]:
    view = engine.snapshot(now).pairs[0]
    assert view.analytics is not None
    assert view.basis == view.analytics.basis
    return view.analytics, view.premium.mid


def friday_us_session(engine: Engine) -> None:
    """US Friday 20 Nov 2026: regular close print, a closing-cross print inside the grace."""
    us_quote(engine, ns("2026-11-20 15:59:30-05:00"), 15.09, 15.11)
    trade(engine, "PONY", ns("2026-11-20 15:59:30-05:00"), 15.10)
    trade(engine, "PONY", ns("2026-11-20 16:00:01-05:00"), 15.12)  # cross, within 2 s
    trade(engine, "PONY", ns("2026-11-20 16:00:05-05:00"), 15.15)  # after-hours
    fx(engine, ns("2026-11-20 16:30-05:00"))
    trade(engine, "PONY", ns("2026-11-20 17:00-05:00"), 15.20)  # after-hours
    us_quote(engine, ns("2026-11-20 19:59:30-05:00"), 15.18, 15.22)


def test_the_us_official_close_is_the_last_regular_print_plus_the_closing_cross() -> None:
    engine = make_engine("exchange")
    friday_us_session(engine)
    a, _ = analytics(engine, ns("2026-11-20 20:00-05:00"))
    assert a.us.official_close == 15.12
    assert a.us.official_close_ts == ns("2026-11-20 16:00:01-05:00")


def test_hk_morning_counts_the_us_leg_at_its_official_close() -> None:
    engine = make_engine("exchange")
    friday_us_session(engine)
    fx(engine, ns("2026-11-23 09:30:00+08:00"))
    hk_quote(engine, ns("2026-11-23 09:30:05+08:00"), 117.9, 118.0)
    fx(engine, ns("2026-11-23 09:59:00+08:00"))
    hk_quote(engine, ns("2026-11-23 09:59:30+08:00"), 118.1, 118.2)

    a, mid = analytics(engine, ns("2026-11-23 10:00+08:00"))

    assert a.basis == "reference"
    us, hk, _ = a.legs
    assert (us.kind, us.price, us.ts) == ("close", 15.12, ns("2026-11-20 16:00:01-05:00"))
    assert hk.kind == "live" and hk.price == pytest.approx(118.15)
    assert us.age_seconds == pytest.approx((ns("2026-11-23 10:00+08:00") - us.ts) / S)
    assert mid == pytest.approx(15.12 * FX_MID / 118.15 - 1, rel=1e-12)
    opening = [d for d in a.days if d.venue == "XHKG"]
    assert len(opening) == 1 and opening[0].date == "2026-11-23"
    assert opening[0].open_premium == pytest.approx(15.12 * FX_MID / 117.95 - 1, rel=1e-12)
    assert opening[0].open_ts == ns("2026-11-23 09:30:05+08:00")


def hk_day_with_auction(engine: Engine, auction: bool) -> None:
    friday_us_session(engine)
    fx(engine, ns("2026-11-23 15:58:00+08:00"))
    hk_quote(engine, ns("2026-11-23 15:58:30+08:00"), 117.9, 118.0)
    trade(engine, "2026.HK", ns("2026-11-23 15:59:00+08:00"), 118.0)
    if auction:
        trade(engine, "2026.HK", ns("2026-11-23 16:08:30+08:00"), 118.6)
    fx(engine, ns("2026-11-23 16:09:00+08:00"))


def test_hk_official_close_is_the_closing_auction_price() -> None:
    engine = make_engine("exchange")
    hk_day_with_auction(engine, auction=True)
    now = ns("2026-11-23 10:00:01-05:00")  # Monday US regular session
    us_quote(engine, now - S, 15.30, 15.32)
    fx(engine, now - S)

    a, mid = analytics(engine, now)

    assert a.basis == "reference"
    us, hk, _ = a.legs
    assert us.kind == "live"
    assert (hk.kind, hk.price, hk.ts) == ("close", 118.6, ns("2026-11-23 16:08:30+08:00"))
    assert mid == pytest.approx(15.31 * FX_MID / 118.6 - 1, rel=1e-12)
    view = engine.snapshot(now).pairs[0]
    notional = 100_000.0
    assert view.premium.buy_hk_sell_us == pytest.approx(
        edge_buy_hk_sell_us(15.30, 118.6, FX_BID, 1.0, DEFAULT_FEES, notional), rel=1e-12
    )
    assert view.premium.buy_us_sell_hk == pytest.approx(
        edge_buy_us_sell_hk(15.32, 118.6, FX_ASK, 1.0, DEFAULT_FEES, notional), rel=1e-12
    )
    closing = [d for d in a.days if d.venue == "XHKG"][-1]
    assert closing.close_premium == pytest.approx(15.12 * FX_MID / 118.6 - 1, rel=1e-12)
    assert closing.close_ts == ns("2026-11-23 16:08:30+08:00")


def test_without_an_auction_print_the_hk_close_is_the_last_continuous_print() -> None:
    engine = make_engine("exchange")
    hk_day_with_auction(engine, auction=False)
    a, _ = analytics(engine, ns("2026-11-23 17:00+08:00"))
    assert a.hk.official_close == 118.0
    assert a.legs[1].kind == "close"


def test_lunch_uses_the_last_quotes_and_blanks_the_statistics() -> None:
    engine = make_engine("exchange")
    friday_us_session(engine)
    hk_quote(engine, ns("2026-11-23 11:59:00+08:00"), 118.0, 118.1)
    start = ns("2026-11-23 12:01:00+08:00")
    for i in range(120):  # FX keeps ticking over the HK lunch, the US is closed
        fx(engine, start + i * S)

    a, mid = analytics(engine, start + 120 * S)

    assert a.basis == "reference" and a.legs[1].kind == "last"
    assert mid == pytest.approx(15.12 * FX_MID / 118.05 - 1, rel=1e-12)
    one_minute = [w for w in a.premium_windows if w.window == "1m"]
    assert all(w.samples == 0 and w.mean is None for w in one_minute)


@pytest.mark.parametrize(
    ("hk_time", "basis"),
    [
        ("2026-06-15 16:05+08:00", "live"),  # US summer: pre-market overlaps the HK auction
        ("2026-11-23 16:05+08:00", "reference"),  # US winter: 03:05 New York, closed
    ],
)
def test_the_hk_closing_auction_overlaps_us_pre_market_only_in_us_summer(
    hk_time: str, basis: str
) -> None:
    engine = make_engine("exchange")
    now = ns(hk_time)
    fx(engine, now - 2 * S)
    us_quote(engine, now - 2 * S, 15.30, 15.32)
    hk_quote(engine, now - S, 118.0, 118.1)
    a, _ = analytics(engine, now)
    assert a.basis == basis
    assert (a.legs[0].kind == "live") is (basis == "live")


def test_the_us_overnight_session_is_live_only_when_enabled() -> None:
    now = ns("2026-11-23 10:00+08:00")  # Sunday 21:00 New York: Blue Ocean trades
    for enabled, basis in ((True, "live"), (False, "reference")):
        engine = make_engine("exchange", us_overnight_session=enabled)
        fx(engine, now - 2 * S)
        us_quote(engine, now - 2 * S, 15.30, 15.32)
        hk_quote(engine, now - S, 118.0, 118.1)
        a, _ = analytics(engine, now)
        assert a.basis == basis
        assert not [d for d in a.days if d.venue == "XNAS"]  # overnight is not the open


@pytest.mark.parametrize(
    ("new_york", "phase"),
    [
        ("2026-11-22 21:00", "overnight"),  # Sunday night before Monday's session
        ("2026-11-24 03:30", "overnight"),  # Tuesday early morning
        ("2026-11-24 04:30", "pre_market"),
        ("2026-11-25 21:00", "closed"),  # Thanksgiving eve: no session next day
        ("2026-11-20 21:00", "closed"),  # Friday night
    ],
)
def test_session_clock_models_the_overnight_session(new_york: str, phase: str) -> None:
    clock = SessionClock(SessionCalendar("exchange"), us_overnight=True)
    assert clock.phase("XNAS", ns(f"{new_york}-05:00")) == phase


def test_trade_cost_walks_only_the_top_level_and_says_when_it_is_short() -> None:
    engine = make_engine()
    t = ns("2026-11-23 15:00Z")
    fx(engine, t)
    assert engine.on_event(Quote("PONY", 15.00, 10_000, 15.02, 3_000, t, t, "a"))
    hk_quote(engine, t, 118.0, 118.1)

    a, _ = analytics(engine, t + S)

    buy, sell = a.us.trade_costs
    assert buy.side == "buy" and not buy.fillable and buy.cost_ratio is None
    assert buy.top_notional_usd == pytest.approx(15.02 * 3_000)
    assert sell.fillable and sell.top_notional_usd == pytest.approx(150_000)
    spread = (15.01 - 15.00) / 15.01
    fees = DEFAULT_FEES.us_sell_cost_usd(100_000 / 15.00, 100_000) / 100_000
    assert sell.spread_cost_ratio == pytest.approx(spread)
    assert sell.cost_ratio == pytest.approx(spread + fees)
    assert a.us.book_imbalance == pytest.approx((10_000 - 3_000) / 13_000)
    hk_buy = a.hk.trade_costs[0]
    assert not hk_buy.fillable  # 1000 shares at HK$118.1 is about US$15k
    assert hk_buy.fees_ratio == pytest.approx(
        DEFAULT_FEES.hk_cost_hkd(100_000 * FX_MID) / (100_000 * FX_MID)
    )


def test_the_daily_open_close_series_keeps_only_the_configured_days() -> None:
    engine = make_engine("exchange", daily_history_days=2)
    friday_us_session(engine)
    for day in ("2026-11-23", "2026-11-24", "2026-11-25"):
        fx(engine, ns(f"{day} 09:30:00+08:00"))
        hk_quote(engine, ns(f"{day} 09:30:05+08:00"), 117.9, 118.0)
        trade(engine, "2026.HK", ns(f"{day} 16:08:30+08:00"), 118.5)
    a, _ = analytics(engine, ns("2026-11-25 17:00+08:00"))
    hk_days = [d for d in a.days if d.venue == "XHKG"]
    assert [d.date for d in hk_days] == ["2026-11-24", "2026-11-25"]
    assert all(d.open_premium is not None and d.close_premium is not None for d in hk_days)
