"""Latency histograms: plain counters on the hot path, Prometheus histograms at scrape time."""

from __future__ import annotations

import asyncio
import time

import pytest
from prometheus_client import CollectorRegistry

from monitor.app.loop_lag import LoopLagProbe
from monitor.core.events import Trade
from monitor.expose.metrics.latency import LatencyCollector
from monitor.feeds.base import FeedHealth
from monitor.feeds.streaming import Dispatcher, SilenceWatchdog
from monitor.feeds.wire import Parsed
from monitor.latency import LatencyHistogram
from tests.support.feeds import Recorder
from tests.support.polling import eventually

US = 1_000  # one microsecond in nanoseconds


def test_a_value_on_a_bound_counts_in_that_bucket_and_buckets_are_cumulative() -> None:
    histogram = LatencyHistogram([0.00001, 0.0001])
    for ns in (0, 10 * US, 10 * US + 1, 100 * US, 5_000 * US):
        histogram.observe_ns(ns)
    assert histogram.counts == [2, 2, 1]
    assert histogram.buckets() == [(0.00001, 2), (0.0001, 4), (float("inf"), 5)]
    assert histogram.count == 5
    assert histogram.sum_seconds == pytest.approx((20 * US + 1 + 100 * US + 5_000 * US) / 1e9)


def test_bounds_must_increase() -> None:
    with pytest.raises(ValueError, match="increasing"):
        LatencyHistogram([0.1, 0.01])


def test_collector_exports_both_histograms_and_skips_feeds_that_measured_nothing() -> None:
    measured, silent = FeedHealth("poly"), FeedHealth("futu")
    measured.ingest_latency.observe_ns(30 * US)
    measured.ingest_latency.observe_ns(70 * US)
    lag = LatencyHistogram([0.001, 0.005])
    lag.observe_ns(2_000 * US)
    registry = CollectorRegistry()
    LatencyCollector(lambda: [measured, silent], lag, registry=registry)

    def sample(name: str, labels: dict[str, str]) -> float | None:
        return registry.get_sample_value(name, labels)

    feed = {"feed": "poly"}
    assert sample("dlmon_ingest_latency_seconds_bucket", {**feed, "le": "2.5e-05"}) == 0
    assert sample("dlmon_ingest_latency_seconds_bucket", {**feed, "le": "5e-05"}) == 1
    assert sample("dlmon_ingest_latency_seconds_bucket", {**feed, "le": "0.0001"}) == 2
    assert sample("dlmon_ingest_latency_seconds_bucket", {**feed, "le": "+Inf"}) == 2
    assert sample("dlmon_ingest_latency_seconds_count", feed) == 2
    assert sample("dlmon_ingest_latency_seconds_sum", feed) == pytest.approx(100e-6)
    assert sample("dlmon_ingest_latency_seconds_count", {"feed": "futu"}) is None
    assert sample("dlmon_event_loop_lag_seconds_bucket", {"le": "0.001"}) == 0
    assert sample("dlmon_event_loop_lag_seconds_bucket", {"le": "0.005"}) == 1
    assert sample("dlmon_event_loop_lag_seconds_count", {}) == 1


def test_dispatcher_counts_one_latency_per_frame_that_carried_events() -> None:
    rec = Recorder("f")
    trades = [Trade("PONY", 1.0, 1.0, 1, 2), Trade("PONY", 1.0, 1.0, 1, 2)]
    frames = {"data": Parsed(events=trades), "control": Parsed()}
    dispatcher = Dispatcher(
        "f", lambda f, t: frames[str(f)], lambda c: None, rec.ctx, SilenceWatchdog(1, [], rec.ctx)
    )
    dispatcher.dispatch("data")
    dispatcher.dispatch("control")
    assert rec.health.ingest_latency.count == 1
    assert len(rec.events) == 2


async def test_loop_lag_probe_sees_a_stalled_loop() -> None:
    probe = LoopLagProbe(interval_seconds=0.005)
    task = asyncio.create_task(probe.run())
    try:
        await eventually(lambda: probe.histogram.count >= 1, what="a first probe")
        stall_until = time.perf_counter() + 0.06
        while time.perf_counter() < stall_until:  # the loop is blocked: a stalled event loop
            pass
        # the wake-up after the stall is over 25 ms late: counted above the 25 ms bound
        await eventually(
            lambda: probe.histogram.count > dict(probe.histogram.buckets())[0.025],
            what="the stall counted",
        )
    finally:
        task.cancel()
        await asyncio.gather(task, return_exceptions=True)
