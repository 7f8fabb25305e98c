"""The edges' cost breakdown, the implied FX and the ratio flag on the API and /metrics."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from prometheus_client import CollectorRegistry

from monitor.core.engine import Engine
from monitor.core.events import FxQuote, Quote
from monitor.core.fee_table import default_fee_table
from monitor.core.sessions import SessionCalendar
from monitor.expose.api import pair_json
from monitor.expose.metrics.market import MarketCollector
from tests.support import oracle
from tests.support.builders import pony_pair

T = int(datetime(2026, 11, 20, 14, 30, tzinfo=UTC).timestamp()) * 1_000_000_000


def fed_engine(**pair: object) -> Engine:
    engine = Engine(
        [pony_pair(fee_table=default_fee_table(), **pair)],
        SessionCalendar("always_open"),
        analytics=None,
    )
    engine.on_event(Quote("PONY", 15.20, 300, 15.22, 500, T, T, "sim"))
    engine.on_event(Quote("2026.HK", 118.40, 2000, 118.50, 1500, T, T, "sim"))
    engine.on_event(FxQuote("USDHKD", 7.7810, 7.7814, T, T, "sim"))
    return engine


def test_api_shows_each_edge_cost_in_hkd_and_the_implied_fx() -> None:
    view = fed_engine().snapshot(T + 1).pairs[0]
    body = pair_json(view)
    costs = body["premium"]["costs"]
    a, b = costs["buy_hk_sell_us"], costs["buy_us_sell_hk"]
    fees = default_fee_table().at(T)
    assert a["edge"] == pytest.approx(
        oracle.edge_buy_hk_sell_us(15.20, 118.50, 7.7810, 1, fees, 100_000), abs=1e-14
    )
    assert body["premium"]["buy_us_sell_hk"] == pytest.approx(b["edge"], abs=1e-15)
    assert b["base_hkd"] == pytest.approx(778_140.0)  # N * fx_ask
    assert a["costs_hkd"]["stamp_duty"] == 780.0 and b["costs_hkd"]["stamp_duty"] == 778.0
    assert set(a["costs_hkd"]) >= {"sfc_levy", "afrc_levy", "trading_fee", "settlement"}
    assert set(a["costs_hkd"]) >= {"sec_fee", "finra_taf", "depositary", "fx_spread"}
    assert sum(a["costs_hkd"].values()) == pytest.approx(a["total_cost_hkd"])
    assert a["gross_hkd"] - a["total_cost_hkd"] == pytest.approx(a["pnl_hkd"])
    mid_hk, mid_us = (118.40 + 118.50) / 2, (15.20 + 15.22) / 2
    assert body["implied_fx"] == pytest.approx(oracle.implied_fx(mid_us, mid_hk, 1), abs=1e-12)
    assert body["ratio_unconfirmed"] is False


def test_without_prices_there_is_no_breakdown_and_no_implied_fx() -> None:
    engine = Engine([pony_pair()], SessionCalendar("always_open"), analytics=None)
    body = pair_json(engine.snapshot(T).pairs[0])
    assert body["premium"]["costs"] is None and body["implied_fx"] is None


def test_metrics_carry_the_implied_fx_and_the_unconfirmed_ratio_flag() -> None:
    registry = CollectorRegistry()
    engine = fed_engine(ratio_unconfirmed=True)
    MarketCollector(engine, lambda: engine.snapshot(T + 1), registry=registry)
    implied = registry.get_sample_value("dlmon_implied_fx_rate", {"pair": "PONY"})
    assert implied == pytest.approx(1 * 118.45 / 15.21, abs=1e-12)
    assert registry.get_sample_value("dlmon_pair_ratio_unconfirmed", {"pair": "PONY"}) == 1.0
