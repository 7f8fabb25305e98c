"""Every analytics statistic is on /metrics (DESIGN.md conventions) and /api/v1/pairs."""

from __future__ import annotations

import orjson
from prometheus_client import CollectorRegistry, generate_latest

from monitor.core.engine import Engine
from monitor.core.sessions import SessionCalendar
from monitor.expose import api
from monitor.expose.metrics.market import MarketCollector
from tests.support.analytics import S, make_engine, pony_pair, run_to, synthetic_events

ANALYTICS_FAMILIES = (
    "dlmon_premium_basis_live",
    "dlmon_premium_leg_timestamp_seconds",
    "dlmon_premium_leg_reference",
    "dlmon_premium_mean_ratio",
    "dlmon_premium_stddev_ratio",
    "dlmon_premium_zscore",
    "dlmon_edge_positive_time_ratio",
    "dlmon_premium_half_life_seconds",
    "dlmon_premium_half_life_lower_seconds",
    "dlmon_premium_ar1_coefficient",
    "dlmon_premium_ar1_stderr",
    "dlmon_premium_at_open_ratio",
    "dlmon_premium_at_close_ratio",
    "dlmon_turnover_share_ratio",
    "dlmon_realized_volatility_ratio",
    "dlmon_amihud_illiquidity",
    "dlmon_time_weighted_spread_ratio",
    "dlmon_book_imbalance_ratio",
    "dlmon_trade_fillable_ratio",
    "dlmon_official_close_price",
    "dlmon_official_close_timestamp_seconds",
)


def loaded_engine() -> tuple[Engine, int]:
    rows = synthetic_events(5, 1500)
    engine = make_engine()
    now = rows[-1]["ts"] + S
    run_to(engine, rows, 0, now)
    return engine, now


def registry_for(engine: Engine, now: int) -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    MarketCollector(engine, lambda: engine.snapshot(now), registry=registry)
    return registry


def test_metrics_carry_the_analytics_with_bounded_labels() -> None:
    engine, now = loaded_engine()
    registry = registry_for(engine, now)
    view = engine.snapshot(now).pairs[0]
    assert view.analytics is not None
    text = generate_latest(registry).decode()
    for family in ANALYTICS_FAMILIES:
        assert f"\n{family}{{" in text, family
    z = next(w for w in view.analytics.premium_windows if w.basis == "mid" and w.window == "5m")
    labels = {"pair": "PONY", "basis": "mid", "window": "5m"}
    assert registry.get_sample_value("dlmon_premium_zscore", labels) == z.zscore
    assert registry.get_sample_value("dlmon_premium_basis_live", {"pair": "PONY"}) == 1.0
    share = view.analytics.turnover_shares[0]
    us = registry.get_sample_value(
        "dlmon_turnover_share_ratio", {"pair": "PONY", "venue": "XNAS", "window": share.window}
    )
    assert us == share.us
    leg_ts = registry.get_sample_value(
        "dlmon_premium_leg_timestamp_seconds", {"pair": "PONY", "leg": "us"}
    )
    assert leg_ts == view.analytics.legs[0].ts / 1e9  # type: ignore[operator]


def test_pairs_api_has_an_analytics_block() -> None:
    engine, now = loaded_engine()
    body = orjson.loads(orjson.dumps(api.pairs_json(engine.snapshot(now))))
    block = body[0]["analytics"]
    assert block["basis"] == body[0]["premium"]["basis"] == "live"
    assert set(block["legs"]) == {"us", "hk", "fx"}
    assert block["legs"]["hk"]["age_seconds"] >= 0
    assert set(block["premium"]) == {"mid", "buy_hk_sell_us", "buy_us_sell_hk"}
    assert "positive_share" in block["premium"]["buy_hk_sell_us"]["5m"]
    assert block["half_life"]["ar1_stderr"] > 0
    pony = block["instruments"]["PONY"]
    assert pony["windows"]["5m"]["realized_volatility"] > 0
    assert set(pony["trade_cost"]) == {"buy", "sell"}
    assert abs(sum(block["turnover_share"]["5m"].values()) - 1.0) < 1e-12
    assert block["daily"] and block["daily"][0]["venue"] in ("XNAS", "XHKG")


def test_analytics_can_be_turned_off() -> None:
    engine = Engine([pony_pair()], SessionCalendar("always_open"), analytics=None)
    view = engine.snapshot(1_790_000_000 * S).pairs[0]
    assert view.analytics is None and engine.listeners == []
    assert api.pairs_json(engine.snapshot(1_790_000_000 * S))[0]["analytics"] is None
