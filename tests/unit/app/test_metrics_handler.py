"""/metrics in batches: the same bytes as prometheus_client, in both text formats."""

from __future__ import annotations

import gzip

import aiohttp
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import Counter, Gauge, generate_latest, openmetrics
from prometheus_client.registry import CollectorRegistry

from monitor.expose.market_text import MarketText
from monitor.expose.metrics.market import MarketCollector
from monitor.expose.metrics_handler import make_metrics_handler
from monitor.slices import TimeSlice
from tests.support.analytics import make_engine, run_to, synthetic_events


def registry_with_many_families() -> CollectorRegistry:
    registry = CollectorRegistry(auto_describe=False)
    for i in range(30):
        gauge = Gauge(f"g{i}", "a gauge", ["pair"], registry=registry)
        for pair in range(20):
            gauge.labels(f"P{pair}").set(i * pair / 7)
    Counter("events", "a counter", registry=registry).inc(3)
    return registry


async def test_batched_output_equals_the_library_output_in_both_formats() -> None:
    registry = registry_with_many_families()
    app = web.Application()
    app.router.add_get("/metrics", make_metrics_handler(registry))
    async with TestClient(TestServer(app)) as client:
        text = await client.get("/metrics")
        assert text.headers["Content-Type"].startswith("text/plain")
        assert await text.read() == generate_latest(registry)
        om = await client.get(
            "/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"}
        )
        assert om.headers["Content-Type"].startswith("application/openmetrics-text")
        body = await om.read()
        assert body == openmetrics.exposition.generate_latest(registry)
        assert body.count(b"# EOF") == 1 and body.endswith(b"# EOF\n")
        only = await client.get("/metrics", params={"name[]": "g3"})
        assert (await only.text()).count("# TYPE") == 1


async def test_market_families_are_served_with_the_others() -> None:
    engine = make_engine()
    rows = synthetic_events(3, 2000)
    now = rows[-1]["ts"] + 10**9
    run_to(engine, rows, 0, now)
    snapshot = engine.snapshot(now)
    market = MarketText(MarketCollector(engine, lambda: snapshot), lambda: snapshot)
    app = web.Application()
    app.router.add_get("/metrics", make_metrics_handler(registry_with_many_families(), market))
    async with TestClient(TestServer(app)) as client:
        assert (await client.head("/metrics")).status == 200
        assert market.texts.built == 0  # a HEAD writes nothing
        for _ in range(2):  # written once, then shared
            text = await (await client.get("/metrics")).text()
            assert 'dlmon_premium_ratio{basis="mid",pair="PONY"}' in text
            assert "events_total 3.0" in text and "dlmon_events_accepted_total" in text
        assert market.texts.built == 1
        only = await (await client.get("/metrics", params={"name[]": "dlmon_premium_ratio"})).text()
        assert only.count("# TYPE") == 1 and 'pair="PONY"' in only


async def test_a_gzip_scrape_sends_the_same_text_deflated_once_per_snapshot() -> None:
    engine = make_engine()
    rows = synthetic_events(3, 2000)
    now = rows[-1]["ts"] + 10**9
    run_to(engine, rows, 0, now)
    latest = [engine.snapshot(now)]
    market = MarketText(MarketCollector(engine, lambda: latest[0]), lambda: latest[0])
    app = web.Application()
    app.router.add_get("/metrics", make_metrics_handler(registry_with_many_families(), market))
    async with TestClient(TestServer(app)) as client:
        raw = aiohttp.ClientSession(auto_decompress=False)
        url = client.make_url("/metrics")
        async with raw:
            for accept in ("", "application/openmetrics-text;version=1.0.0"):
                plain = await (await client.get("/metrics", headers={"Accept": accept})).read()
                for _ in range(2):  # deflated once, then shared
                    response = await raw.get(
                        url, headers={"Accept": accept, "Accept-Encoding": "gzip"}
                    )
                    assert response.headers["Content-Encoding"] == "gzip"
                    assert gzip.decompress(await response.read()) == plain
                assert b"dlmon_premium_ratio" in plain
            assert market.deflations == 2  # one per format
            # scraped with gzip: the next snapshot's text (in the format last asked for) is
            # deflated ahead with it, and the next scrape finds both ready
            latest[0] = engine.snapshot(now + 10**9)
            await market.prepare(latest[0], TimeSlice())
            assert market.deflations == 3
            om = {"Accept": "application/openmetrics-text;version=1.0.0", "Accept-Encoding": "gzip"}
            response = await raw.get(url, headers=om)
            assert gzip.decompress(await response.read()).endswith(b"# EOF\n")
            assert market.deflations == 3
            head = await raw.head(url, headers={"Accept-Encoding": "gzip"})
            assert head.status == 200 and await head.read() == b""
