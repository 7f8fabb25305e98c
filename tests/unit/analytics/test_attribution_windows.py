"""Premium attribution per window on the pair's analytics and in the API JSON."""

from __future__ import annotations

import math

import pytest

from monitor.core.events import FxQuote, Quote
from monitor.expose.api_analytics import analytics_json
from tests.support.analytics import T0, S, make_engine


def test_each_window_splits_the_move_since_its_start_into_legs_by_hand() -> None:
    engine = make_engine()  # windows 1m and 5m
    t = T0
    engine.advance(t)
    engine.on_event(Quote("PONY", 15.00, 100.0, 15.10, 100.0, t, t, "a"))
    engine.on_event(Quote("2026.HK", 117.0, 100.0, 117.2, 100.0, t, t, "a"))
    engine.on_event(FxQuote("USDHKD", 7.780, 7.782, t, t, "a"))
    later = t + 100 * S
    for second in range(1, 100):
        engine.advance(t + second * S)
    engine.advance(later)
    engine.on_event(Quote("PONY", 15.30, 100.0, 15.40, 100.0, later, later, "a"))
    engine.on_event(Quote("2026.HK", 116.0, 100.0, 116.2, 100.0, later, later, "a"))
    engine.on_event(FxQuote("USDHKD", 7.789, 7.791, later, later, "a"))
    now = later + S // 2
    view = engine.snapshot(now).pairs[0]
    assert view.analytics is not None
    one_minute, five_minutes = view.analytics.attribution
    assert five_minutes.attribution is None  # the 5m window starts before any price
    x = one_minute.attribution
    assert x is not None and one_minute.window == "1m"
    us, hk, fx = math.log(15.35 / 15.05), -math.log(116.1 / 117.1), math.log(7.790 / 7.781)
    assert (x.us, x.hk, x.fx, x.ratio) == pytest.approx((us, hk, fx, 0.0), rel=1e-12)
    p0, p1 = 15.05 * 7.781 / 117.1 - 1, 15.35 * 7.790 / 116.1 - 1
    assert x.premium_start == pytest.approx(p0, rel=1e-12)
    assert x.premium_now == pytest.approx(p1, rel=1e-12)
    assert x.total == pytest.approx(math.log((1 + p1) / (1 + p0)), rel=1e-12)
    body = analytics_json(view.analytics)
    assert body is not None
    assert body["attribution"]["5m"] is None
    assert body["attribution"]["1m"]["us"] == pytest.approx(us, rel=1e-12)
