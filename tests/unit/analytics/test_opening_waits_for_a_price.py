"""The opening premium of a venue while a leg of the pair has no price yet.

The leg stops asking on every event while the pair lacks a price (a feed down, before
its first tick); the first price of the missing leg wakes it, so the premium is kept at
the leg's next event, exactly as if it had asked on every one.
"""

from __future__ import annotations

import pytest

from monitor.core.analytics_view import DayMark
from monitor.core.engine import Engine
from monitor.core.events import FxQuote, Quote, Trade
from tests.support.analytics import make_engine, ns

FX_BID, FX_ASK = 7.781, 7.7812
FX_MID = (FX_BID + FX_ASK) / 2
US_CLOSE = 15.12


def friday_us_close(engine: Engine) -> None:
    """An official US close (15.12), and no FX price at all."""
    assert engine.on_event(
        Quote("PONY", 15.09, 500, 15.11, 500, *[ns("2026-11-20 15:59:30-05:00")] * 2, "a")
    )
    assert engine.on_event(Trade("PONY", 15.10, 100, *[ns("2026-11-20 15:59:30-05:00")] * 2, "a"))
    assert engine.on_event(
        Trade("PONY", US_CLOSE, 100, *[ns("2026-11-20 16:00:01-05:00")] * 2, "a")
    )


def hk_quote(engine: Engine, when: str, bid: float, ask: float) -> None:
    t = ns(when)
    assert engine.on_event(Quote("2026.HK", bid, 1000, ask, 1000, t, t, "a"))


def fx_quote(engine: Engine, when: str) -> None:
    t = ns(when)
    assert engine.on_event(FxQuote("USDHKD", FX_BID, FX_ASK, t, t, "a"))


def hk_days(engine: Engine, now: str) -> list[DayMark]:
    view = engine.snapshot(ns(now)).pairs[0]
    assert view.analytics is not None
    return [d for d in view.analytics.days if d.venue == "XHKG"]


def test_the_opening_premium_is_kept_at_the_first_event_after_the_missing_price() -> None:
    engine = make_engine("exchange")
    friday_us_close(engine)
    hk_quote(engine, "2026-11-23 09:30:05+08:00", 117.9, 118.0)  # no FX price: no premium
    hk_quote(engine, "2026-11-23 09:31:00+08:00", 118.0, 118.1)
    fx_quote(engine, "2026-11-23 09:32:00+08:00")  # the missing leg's first price
    hk_quote(engine, "2026-11-23 09:33:00+08:00", 118.1, 118.2)
    hk_quote(engine, "2026-11-23 09:34:00+08:00", 118.3, 118.4)

    (day,) = hk_days(engine, "2026-11-23 10:00+08:00")

    assert day.date == "2026-11-23"
    assert day.open_ts == ns("2026-11-23 09:33:00+08:00")
    assert day.open_premium == pytest.approx(US_CLOSE * FX_MID / 118.15 - 1, rel=1e-12)


def test_without_the_missing_price_no_opening_premium_is_kept() -> None:
    engine = make_engine("exchange")
    friday_us_close(engine)
    hk_quote(engine, "2026-11-23 09:30:05+08:00", 117.9, 118.0)
    hk_quote(engine, "2026-11-23 09:31:00+08:00", 118.0, 118.1)

    days = hk_days(engine, "2026-11-23 10:00+08:00")

    assert all(d.open_premium is None for d in days)


def test_a_leg_that_waited_asks_again_on_a_new_day() -> None:
    engine = make_engine("exchange")
    friday_us_close(engine)
    hk_quote(engine, "2026-11-23 09:30:05+08:00", 117.9, 118.0)
    fx_quote(engine, "2026-11-23 16:30:00+08:00")  # priced after the HK close
    hk_quote(engine, "2026-11-24 09:30:05+08:00", 118.1, 118.2)  # the next day's open

    days = hk_days(engine, "2026-11-24 10:00+08:00")

    opened = [d for d in days if d.open_premium is not None]
    assert [d.date for d in opened] == ["2026-11-24"]
    assert opened[0].open_ts == ns("2026-11-24 09:30:05+08:00")
