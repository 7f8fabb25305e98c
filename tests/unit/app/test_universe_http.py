"""The cross-section over HTTP: /api/v1/index, sorted /api/v1/pairs, the ranking, metrics."""

from __future__ import annotations

import dataclasses

import orjson
import pytest
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import CollectorRegistry

from monitor.app.build import build_pairs
from monitor.app.market_clock import MarketClock
from monitor.core.analytics_view import (
    InstrumentAnalytics,
    LegBasis,
    PairAnalytics,
    PremiumWindow,
)
from monitor.core.engine import Engine
from monitor.core.events import FxQuote, Quote
from monitor.core.premium_index import IndexSettings, PremiumIndex
from monitor.core.sessions import SessionCalendar
from monitor.core.snapshot import PairView
from monitor.expose.api_universe import SortError, ranking_json, sorted_pairs
from monitor.expose.metrics.market import MarketCollector
from monitor.expose.server import HUB_KEY, ServerState, create_app
from monitor.settings.root import Settings

T0 = 1_790_000_000_000_000_000

# FX mid 7.8. PONY (r=1): 13.01 * 7.8 / 100 - 1 = +1.478 %; BABA (r=8): 150 * 7.8 / 8 / 150 - 1
# = -2.5 %; NIO (r=1): 5.00 * 7.8 / 38 - 1 = +2.6316 %.
QUOTES = {
    "PONY": (12.99, 13.03, 99.9, 100.1),
    "BABA": (149.9, 150.1, 149.9, 150.1),
    "NIO": (4.99, 5.01, 37.98, 38.02),
}
PREMIUMS = {"PONY": 0.01478, "BABA": -0.025, "NIO": 39.0 / 38.0 - 1}


def build(index: bool = True) -> tuple[MarketClock, ServerState]:
    settings = Settings(pairs=list(QUOTES), feeds={"sim": {"type": "simulator"}})
    pairs = build_pairs(settings)
    engine = Engine(pairs, SessionCalendar("always_open"), analytics=None)
    for pair in pairs:
        us_bid, us_ask, hk_bid, hk_ask = QUOTES[pair.name]
        engine.on_event(Quote(pair.us.symbol, us_bid, 500, us_ask, 500, T0, T0, "sim"))
        engine.on_event(Quote(pair.hk.symbol, hk_bid, 5000, hk_ask, 5000, T0, T0, "sim"))
    engine.on_event(FxQuote("USDHKD", 7.7999, 7.8001, T0, T0, "sim"))
    caps = {"PONY": 1.0, "BABA": 2.0, "NIO": 1.0}
    premium_index = PremiumIndex(IndexSettings(weighting="market_cap", market_caps=caps))
    clock = MarketClock(engine, lambda: T0 + 1, index=premium_index if index else None)
    registry = CollectorRegistry(auto_describe=False)
    MarketCollector(engine, clock.snapshot, registry=registry)
    state = ServerState(
        registry=registry,
        snapshot=clock.snapshot,
        feeds=list,
        alive=lambda: True,
        version="test",
    )
    return clock, state


async def test_the_index_endpoint_shows_value_constituents_and_weights() -> None:
    clock, state = build()
    await clock.tick()
    async with TestClient(TestServer(create_app(state))) as client:
        body = await (await client.get("/api/v1/index")).json()
    # weights 1:2:1 -> 100 * (1 + 0.25 * 0.01478 - 0.5 * 0.025 + 0.25 * 0.0263158) = 99.77739
    assert body["value"] == pytest.approx(99.77739, abs=1e-5)
    assert body["premium"] == pytest.approx(-0.0022261, abs=1e-7)
    weights = {c["pair"]: c["target_weight"] for c in body["constituents"]}
    assert weights == pytest.approx({"PONY": 0.25, "BABA": 0.5, "NIO": 0.25})
    premiums = {c["pair"]: c["premium"] for c in body["constituents"]}
    assert premiums == pytest.approx(PREMIUMS, abs=1e-9)
    assert body["included"] == 3 and body["rebalances"] == 1


async def test_pairs_sort_by_premium_either_way_with_a_limit() -> None:
    clock, state = build()
    await clock.tick()
    async with TestClient(TestServer(create_app(state))) as client:
        rich = await (await client.get("/api/v1/pairs?sort=premium")).json()
        cheap = await (await client.get("/api/v1/pairs?sort=premium&order=asc&limit=2")).json()
        by_name = await (await client.get("/api/v1/pairs?sort=pair")).json()
        by_z = await (await client.get("/api/v1/pairs?sort=zscore")).json()
        bad = await client.get("/api/v1/pairs?sort=colour")
        error = (await bad.json())["error"]
        plain = await (await client.get("/api/v1/pairs")).json()
    assert [p["pair"] for p in rich] == ["NIO", "PONY", "BABA"]
    assert [p["pair"] for p in cheap] == ["BABA", "PONY"]
    assert [p["pair"] for p in by_name] == ["BABA", "NIO", "PONY"]
    assert len(by_z) == 3  # no analytics here: every z-score unknown, listed last
    assert bad.status == 400 and "sort must be one of" in error
    assert [p["pair"] for p in plain] == ["PONY", "BABA", "NIO"]  # config order


async def test_the_ranking_lists_rich_cheap_and_positive_edges_after_costs() -> None:
    clock, state = build()
    await clock.tick()
    async with TestClient(TestServer(create_app(state))) as client:
        ranking = await (await client.get("/api/v1/ranking")).json()
    assert [r["pair"] for r in ranking["richest"]] == ["NIO", "PONY", "BABA"]
    assert ranking["cheapest"][0]["pair"] == "BABA"
    edges = ranking["positive_edges"]
    assert edges and all(e["edge"] > 0 for e in edges)
    assert [e["edge"] for e in edges] == sorted((e["edge"] for e in edges), reverse=True)
    # BABA's ADS is 2.5 % cheap: buying it and selling HK clears the costs; NIO the other way
    assert {(e["pair"], e["direction"]) for e in edges} >= {
        ("BABA", "buy_us_sell_hk"),
        ("NIO", "buy_hk_sell_us"),
    }


async def test_index_metrics_and_no_index_without_the_setting() -> None:
    clock, state = build()
    await clock.tick()
    async with TestClient(TestServer(create_app(state))) as client:
        text = await (await client.get("/metrics")).text()
    families = {f.name: f for f in text_string_to_metric_families(text)}
    (value,) = families["dlmon_index_value"].samples
    assert value.labels == {"index": "hk_us"} and value.value == pytest.approx(99.77739, abs=1e-5)
    weights = {s.labels["pair"]: s.value for s in families["dlmon_index_target_weight"].samples}
    assert weights == pytest.approx({"PONY": 0.25, "BABA": 0.5, "NIO": 0.25})
    assert families["dlmon_index_rebalances"].samples[0].value == 1

    clock, state = build(index=False)
    await clock.tick()
    async with TestClient(TestServer(create_app(state))) as client:
        missing = await client.get("/api/v1/index")
        text = await (await client.get("/metrics")).text()
    assert missing.status == 404
    assert "dlmon_index_value" not in text


def with_zscore(view: PairView, z: float | None) -> PairView:
    leg = LegBasis(view.pair, "live", None, None, None)
    instrument = InstrumentAnalytics(view.pair, "X", None, None, None, (), ())
    window = PremiumWindow("mid", "5m", 300, 300, 0.0, 0.001, z, None)
    analytics = PairAnalytics(
        "live", (leg, leg, leg), (window,), None, (), instrument, instrument, ()
    )
    return view._replace(analytics=analytics)


async def test_pairs_sort_by_z_score_and_by_edge() -> None:
    clock, _ = build()
    snapshot = await clock.tick()
    zs = {"PONY": 0.5, "BABA": -3.1, "NIO": None}
    views = tuple(with_zscore(v, zs[v.pair]) for v in snapshot.pairs)
    snapshot = dataclasses.replace(snapshot, pairs=views)
    by_z = sorted_pairs(snapshot, {"sort": "zscore"})
    assert [v.pair for v in by_z] == ["PONY", "BABA", "NIO"]  # unknown last
    assert [v.pair for v in sorted_pairs(snapshot, {"sort": "zscore", "order": "asc"})] == [
        "BABA",
        "PONY",
        "NIO",
    ]
    assert sorted_pairs(snapshot, {"sort": "zscore", "window": "1h"})[0].pair == "PONY"
    best = [
        max(e for e in (v.premium.buy_hk_sell_us, v.premium.buy_us_sell_hk) if e is not None)
        for v in sorted_pairs(snapshot, {"sort": "edge"})
    ]
    assert best == sorted(best, reverse=True)
    ranking = ranking_json(snapshot)
    assert [r["pair"] for r in ranking["largest_zscores"]] == ["BABA", "PONY"]
    with pytest.raises(SortError, match="limit"):
        sorted_pairs(snapshot, {"sort": "pair", "limit": "many"})


async def test_the_status_page_shows_the_ranking_and_the_index() -> None:
    clock, state = build()
    await clock.tick()
    async with TestClient(TestServer(create_app(state))) as client:
        page = await (await client.get("/")).text()
    assert "<h2>Ranking</h2>" in page and "Premium index hk_us: <b>99.78</b>" in page
    richest = page.index("Richest ADS")
    assert page.index("NIO", richest) < page.index("PONY", richest) < page.index("BABA", richest)
    assert "Edges positive after costs" in page


async def test_each_pair_is_encoded_once_per_snapshot_for_every_list_and_the_status_page() -> None:
    clock, state = build()
    clock.before_publish.append(state.pairs_json.prepare)
    await clock.tick()
    async with TestClient(TestServer(create_app(state))) as client:
        whole = await (await client.get("/api/v1/pairs")).json()
        assert [p["pair"] for p in whole] == list(QUOTES)
        cheap = await (await client.get("/api/v1/pairs?sort=premium&order=asc&limit=2")).json()
        assert cheap == sorted(whole, key=lambda p: p["premium"]["mid"])[:2]
        head = await client.head("/api/v1/pairs")
        assert head.status == 200
        hub = client.app[HUB_KEY]
        hub.subscribe()  # an open status page
        await hub.tick()
        assert hub.latest is not None and orjson.loads(hub.latest)["pairs"] == whole
        assert state.pairs_json.built == 1  # one encoding for all of them
        await clock.tick()  # read at the last snapshot: the next one is encoded ahead
        assert state.pairs_json.built == 2
        await client.get("/api/v1/pairs")
        assert state.pairs_json.built == 2
