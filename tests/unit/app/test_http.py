"""The HTTP surface with aiohttp's test client: readiness, health, pairs, metrics."""

from __future__ import annotations

from collections.abc import Callable

from aiohttp.test_utils import TestClient, TestServer
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.registry import CollectorRegistry

from monitor.core.engine import Engine
from monitor.core.events import FxQuote, Quote
from monitor.core.instruments import USD_HKD_BAND, Instrument, Pair
from monitor.core.sessions import SessionCalendar
from monitor.expose.metrics.feeds import FeedsCollector
from monitor.expose.metrics.market import MarketCollector
from monitor.expose.metrics.tasks import TasksCollector
from monitor.expose.server import ServerState, create_app
from monitor.feeds.base import FeedHealth, FeedState

T0 = 1_790_000_000_000_000_000
S = 1_000_000_000


def build(now: list[int]) -> tuple[Engine, FeedHealth, Callable[[], ServerState]]:
    pair = Pair(
        "PONY",
        Instrument("PONY", "XNAS", "USD"),
        Instrument("2026.HK", "XHKG", "HKD", lot_size=100, hkex_tick_grid=True),
        Instrument("USDHKD", "FX", "HKD", price_band=USD_HKD_BAND),
        1.0,
    )
    engine = Engine([pair], SessionCalendar("always_open"))
    health = FeedHealth("sim", FeedState.STREAMING)
    registry = CollectorRegistry(auto_describe=False)
    MarketCollector(engine, lambda: engine.snapshot(now[0]), registry=registry)
    FeedsCollector(lambda: [health], registry=registry)
    TasksCollector("test", {}, registry=registry)

    def state() -> ServerState:
        return ServerState(
            registry=registry,
            snapshot=lambda: engine.snapshot(now[0]),
            feeds=lambda: [health],
            alive=lambda: True,
            version="test",
        )

    return engine, health, state


def feed(engine: Engine, t: int) -> None:
    engine.on_event(Quote("PONY", 15.2, 100, 15.22, 100, t, t, "sim"))
    engine.on_event(Quote("2026.HK", 118.4, 100, 118.5, 100, t, t, "sim"))
    engine.on_event(FxQuote("USDHKD", 7.781, 7.7812, t, t, "sim"))


async def test_readiness_follows_data_and_feed_state() -> None:
    now = [T0]
    engine, health, state = build(now)
    async with TestClient(TestServer(create_app(state()))) as client:
        response = await client.get("/readyz")
        assert response.status == 503
        body = await response.json()
        assert any("no data" in problem for problem in body["not_ready"])

        feed(engine, T0)
        assert (await client.get("/readyz")).status == 200

        health.set_state(FeedState.FATAL, "auth_failed")
        body = await (await client.get("/readyz")).json()
        assert any("feed sim" in p and "fatal" in p for p in body["not_ready"])

        health.set_state(FeedState.STREAMING)
        now[0] = T0 + 61 * S  # every leg silent for 61 s in session
        response = await client.get("/readyz")
        assert response.status == 503
        assert (await client.get("/healthz")).status == 200  # liveness ignores feeds


async def test_stale_premium_disappears_from_metrics_and_api() -> None:
    now = [T0]
    engine, _, state = build(now)
    feed(engine, T0)
    async with TestClient(TestServer(create_app(state()))) as client:
        text = await (await client.get("/metrics")).text()
        samples = [
            s
            for f in text_string_to_metric_families(text)
            if f.name == "dlmon_premium_ratio"
            for s in f.samples
        ]
        assert len(samples) == 3
        (pony,) = await (await client.get("/api/v1/pairs")).json()
        assert pony["premium"]["mid"] is not None and pony["stale"] is False

        now[0] = T0 + 61 * S
        text = await (await client.get("/metrics")).text()
        assert "dlmon_premium_ratio{" not in text
        assert 'dlmon_pair_stale{pair="PONY"} 1.0' in text
        (pony,) = await (await client.get("/api/v1/pairs")).json()
        assert pony["premium"]["mid"] is None and pony["stale"] is True
        assert "silent for 61s in session" in pony["stale_reason"]


async def test_rejections_are_counted_in_metrics() -> None:
    now = [T0]
    engine, _, state = build(now)
    engine.on_event(FxQuote("USDHKD", 8.1, 8.2, T0, T0, "sim"))
    async with TestClient(TestServer(create_app(state()))) as client:
        text = await (await client.get("/metrics")).text()
        assert 'dlmon_events_rejected_total{instrument="USDHKD",reason="out_of_band"} 1.0' in text
        feeds = await (await client.get("/api/v1/feeds")).json()
        assert feeds[0]["feed"] == "sim" and feeds[0]["up"] is True
        page = await (await client.get("/")).text()
        assert "dlmon test" in page


async def test_premium_basis_is_null_while_the_pair_has_no_premium() -> None:
    now = [T0]
    engine, _, state = build(now)
    async with TestClient(TestServer(create_app(state()))) as client:
        (pony,) = await (await client.get("/api/v1/pairs")).json()
        premium = pony["premium"]
        assert premium["mid"] is None and premium["buy_hk_sell_us"] is None
        assert premium["buy_us_sell_hk"] is None and premium["basis"] is None
        feed(engine, T0)
        (pony,) = await (await client.get("/api/v1/pairs")).json()
        assert pony["premium"]["basis"] == "live"
