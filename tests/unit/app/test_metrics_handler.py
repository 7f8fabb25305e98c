"""/metrics in batches: the same bytes as prometheus_client, in both text formats."""

from __future__ import annotations

from collections.abc import Iterator

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from prometheus_client import Counter, Gauge, generate_latest, openmetrics
from prometheus_client.metrics_core import Metric
from prometheus_client.registry import CollectorRegistry

from monitor.expose.metrics_handler import make_metrics_handler


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


class Steps:
    """A stepped collector over a registry: two empty steps, then its families."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.registry = registry

    def steps(self) -> Iterator[list[Metric] | None]:
        yield None
        yield None
        yield list(self.registry.collect())


async def test_market_families_are_served_with_the_others() -> None:
    live, market = registry_with_many_families(), CollectorRegistry(auto_describe=False)
    Gauge("dlmon_premium_ratio", "the premium", ["pair"], registry=market).labels("PONY").set(0.01)
    app = web.Application()
    app.router.add_get("/metrics", make_metrics_handler(live, Steps(market)))
    async with TestClient(TestServer(app)) as client:
        text = await (await client.get("/metrics")).text()
        assert 'dlmon_premium_ratio{pair="PONY"} 0.01' in text and "events_total 3.0" in text
        only = await (await client.get("/metrics", params={"name[]": "dlmon_premium_ratio"})).text()
        assert only.count("# TYPE") == 1
