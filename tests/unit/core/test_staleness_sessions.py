"""Staleness follows the venue calendar: no alarm at lunch, stale across a missed close."""

from __future__ import annotations

import pandas as pd

from monitor.core.engine import Engine
from monitor.core.events import FxQuote, Quote
from monitor.core.sessions import SessionCalendar
from tests.support.builders import pony_pair

S = 1_000_000_000


def ns(ts: str) -> int:
    return int(pd.Timestamp(ts).value)


def engine_with_data(t: int) -> Engine:
    engine = Engine([pony_pair()], SessionCalendar("exchange"))
    assert engine.on_event(Quote("PONY", 15.2, 1, 15.22, 1, t, t, "a"))
    assert engine.on_event(Quote("2026.HK", 118.4, 100, 118.5, 100, t, t, "a"))
    assert engine.on_event(FxQuote("USDHKD", 7.781, 7.7812, t, t, "a"))
    return engine


def test_hk_silence_over_lunch_is_not_stale() -> None:
    last = ns("2026-11-23 11:59:50+08:00")
    engine = engine_with_data(last)
    view = engine.snapshot(ns("2026-11-23 12:45+08:00")).pairs[0]
    assert view.hk.session == "lunch" and view.hk.reference
    assert not view.hk.stale


def test_hk_silence_in_the_afternoon_session_is_stale() -> None:
    engine = engine_with_data(ns("2026-11-23 11:59:50+08:00"))
    view = engine.snapshot(ns("2026-11-23 13:05+08:00")).pairs[0]
    assert view.hk.stale and view.premium.mid is None


def test_closed_venue_price_is_a_reference_while_fresh_enough() -> None:
    # HK closed at 16:10 HKT; US trades its regular session (Monday 10:00 ET = 15:00 UTC)
    close_print = ns("2026-11-23 16:09:59+08:00")
    engine = engine_with_data(close_print)
    now = ns("2026-11-23 15:00Z")
    t = now - S
    assert engine.on_event(Quote("PONY", 15.3, 1, 15.32, 1, t, t, "a"))
    assert engine.on_event(FxQuote("USDHKD", 7.781, 7.7812, t, t, "a"))
    view = engine.snapshot(now).pairs[0]
    assert view.hk.reference and not view.hk.stale
    assert view.basis == "reference" and view.premium.mid is not None


def test_closed_venue_price_older_than_its_last_close_is_stale() -> None:
    # HK data from Friday, now Monday evening after the HK close: the Monday close was missed
    engine = engine_with_data(ns("2026-11-20 15:00+08:00"))
    view = engine.snapshot(ns("2026-11-23 18:00+08:00")).pairs[0]
    assert view.hk.stale and view.hk.stale_reason == "older than the last session close"


def test_a_quiet_closing_auction_does_not_make_the_close_stale() -> None:
    # last HK quote at 16:00 HKT, no update during the closing auction (16:00-16:10)
    engine = engine_with_data(ns("2026-11-23 16:00+08:00"))
    view = engine.snapshot(ns("2026-11-23 18:00+08:00")).pairs[0]
    assert not view.hk.stale


def test_a_feed_that_died_mid_session_leaves_a_stale_reference() -> None:
    engine = engine_with_data(ns("2026-11-23 10:00+08:00"))
    view = engine.snapshot(ns("2026-11-23 18:00+08:00")).pairs[0]
    assert view.hk.stale
