"""A gateway on the simulator publishes to a real JetStream server; a daemon reads it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from monitor.app.daemon import Daemon
from monitor.app.gateway import Gateway
from monitor.expose.api import readiness
from monitor.feeds.base import FeedState
from monitor.feeds.nats.client import NatsFeed
from tests.support.bus import daemon_config, gateway_config, settings
from tests.support.nats_server import NatsServer
from tests.support.polling import eventually


@pytest.fixture
async def gateway(nats_server: NatsServer) -> AsyncIterator[Gateway]:
    gw = Gateway(settings(gateway_config(nats_server.url, queue_size=50_000)))
    await gw.start()
    yield gw
    await gw.stop()


@pytest.fixture
async def daemon(nats_server: NatsServer) -> AsyncIterator[Daemon]:
    d = Daemon(settings(daemon_config(nats_server.url)))
    await d.start()
    yield d
    await d.stop()


def premium(daemon: Daemon) -> float | None:
    return daemon.snapshot().pairs[0].premium.mid


async def test_daemon_reads_the_gateways_events_and_health(
    gateway: Gateway, daemon: Daemon
) -> None:
    feed = daemon.feed("sim")
    await eventually(lambda: premium(daemon) is not None, within=10, what="a premium")
    await eventually(lambda: feed.health.state is FeedState.STREAMING, what="feed up")
    assert readiness(daemon.snapshot(), [feed.health]) == []
    assert gateway.readiness() == []
    assert gateway.publisher.stats.published_events > 0
    legs = daemon.snapshot().pairs[0]
    assert {legs.us.source, legs.hk.source, legs.fx.source} == {"sim"}


async def test_bus_down_marks_the_feed_down_then_resumes_without_a_gap(
    nats_server: NatsServer, gateway: Gateway, daemon: Daemon
) -> None:
    feed = daemon.feed("sim")
    assert isinstance(feed, NatsFeed)
    seqs: list[int] = []
    apply = feed.on_message
    feed.on_message = lambda m, a: (seqs.append(m.metadata.sequence.stream), apply(m, a))[1]  # type: ignore[method-assign]
    await eventually(lambda: premium(daemon) is not None, within=10, what="a premium")

    nats_server.kill()
    await eventually(lambda: not feed.health.up, within=10, what="feed down")
    assert "bus" in feed.health.reason
    await eventually(lambda: premium(daemon) is None, within=5, what="legs stale at once")
    await eventually(
        lambda: (
            "source sim is down (feed sim is backoff: bus"
            in str(readiness(daemon.snapshot(), [feed.health]))
        ),
        what="readiness saying why",
    )
    await eventually(lambda: not gateway.publisher.connected, what="gateway sees the bus down")
    assert any(p.startswith("bus:") for p in gateway.readiness())
    before = gateway.feeds[0].health.messages_total
    await eventually(
        lambda: gateway.feeds[0].health.messages_total > before + 20, what="feeds not blocked"
    )
    last_before = seqs[-1]

    nats_server.start()
    await eventually(lambda: feed.health.up and premium(daemon) is not None, within=15,
                     what="feed back with a premium")  # fmt: skip
    await eventually(lambda: gateway.publisher.stats.connects == 2, what="gateway back")
    await eventually(lambda: seqs[-1] > last_before + 10, what="events after the restart")
    resumed = seqs[seqs.index(last_before) + 1 :]
    assert resumed and resumed == list(range(last_before + 1, last_before + 1 + len(resumed)))

    await gateway.stop()  # every event offered is accounted for: sent, dropped or failed
    s = gateway.publisher.stats
    assert s.offered == s.published_events + s.dropped + s.failed_events + gateway.publisher.queued


async def test_a_gateway_without_a_bus_keeps_its_feeds_running_and_counts_drops(
    nats_server: NatsServer,
) -> None:
    nats_server.kill()
    gateway = Gateway(settings(gateway_config(nats_server.url, queue_size=20)))
    await gateway.start()
    try:
        feed = gateway.feeds[0].health
        await eventually(lambda: gateway.publisher.stats.dropped > 50, what="drops counted")
        assert feed.up and feed.messages_total >= gateway.publisher.stats.offered
        assert gateway.publisher.queued == 20
        (problem,) = gateway.readiness()
        assert problem.startswith("bus: bus nats://") and "unreachable" in problem
    finally:
        await gateway.stop()


async def test_gateway_down_is_seen_by_silence(gateway: Gateway, daemon: Daemon) -> None:
    feed = daemon.feed("sim")
    await eventually(lambda: feed.health.up, within=10, what="feed up")
    await gateway.stop()  # a clean stop says so at once (then, 1.5 s on, silence)
    stopped = "gateway feed sim is stopped: gateway stopped"
    await eventually(lambda: feed.health.reason == stopped, what="the gateway's last word")
    await eventually(lambda: not feed.health.up, within=10, what="feed down")
    await eventually(lambda: "gateway silent" in feed.health.reason, what="down by silence")
    await eventually(lambda: premium(daemon) is None, within=5, what="legs stale at once")


async def test_ingest_latency_of_a_bus_feed_counts_from_the_gateways_receipt(
    gateway: Gateway, daemon: Daemon
) -> None:
    feed = daemon.feed("sim")
    await eventually(lambda: feed.health.ingest_latency.count > 20, within=10, what="samples")
    histogram = feed.health.ingest_latency
    mean_seconds = histogram.sum_ns / histogram.count / 1e9
    assert 0 < mean_seconds < 1.0  # gateway flush, server, fetch: milliseconds here


async def test_a_stream_that_cannot_be_made_is_named_on_readyz(nats_server: NatsServer) -> None:
    first = Gateway(settings(gateway_config(nats_server.url)))
    await first.start()
    await eventually(lambda: first.publisher.connected, what="first gateway connected")
    data = gateway_config(nats_server.url)
    data["bus"]["stream"] = "OTHER"  # the same subjects under another stream name
    second = Gateway(settings(data))
    await second.start()
    try:
        await eventually(lambda: "stream OTHER cannot be created" in str(second.readiness()),
                         what="the reason on /readyz")  # fmt: skip
        (problem,) = second.readiness()
        assert problem.startswith("bus: stream OTHER cannot be created or updated: ")
    finally:
        await second.stop()
        await first.stop()
