"""The latency collector: ingest latency per feed and event-loop lag, read at scrape time.

Both are kept in plain counters (:class:`~monitor.latency.LatencyHistogram`) by the code
that measures them; this collector only copies them into Prometheus histograms.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator

from prometheus_client.core import HistogramMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from monitor.feeds.base import FeedHealth
from monitor.latency import LatencyHistogram
from monitor.scrape import guarded


class LatencyCollector(Collector):
    """Yield ``dlmon_ingest_latency_seconds{feed}`` and ``dlmon_event_loop_lag_seconds``."""

    def __init__(
        self,
        health: Callable[[], Iterable[FeedHealth]],
        loop_lag: LatencyHistogram | None,
        *,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self._health = health
        self._loop_lag = loop_lag
        if registry is not None:
            registry.register(self)

    def collect(self) -> Iterator[Metric]:
        yield from guarded(ingest_latency_family, self._health)
        if self._loop_lag is not None:
            yield from guarded(loop_lag_family, self._loop_lag)


def ingest_latency_family(health: Callable[[], Iterable[FeedHealth]]) -> Iterator[Metric]:
    """Per feed that has applied data: receive -> state-applied time of each frame."""
    family = HistogramMetricFamily(
        "dlmon_ingest_latency_seconds",
        "Time from receiving a frame to its last event applied to the state",
        labels=["feed"],
    )
    for feed in health():
        if feed.ingest_latency.count:
            _add(family, [feed.name], feed.ingest_latency)
    yield family


def loop_lag_family(histogram: LatencyHistogram) -> Iterator[Metric]:
    """How late the event loop ran the lag probe's timer."""
    family = HistogramMetricFamily(
        "dlmon_event_loop_lag_seconds",
        "Delay of the event loop in running a timer (probed every 10 ms)",
    )
    _add(family, [], histogram)
    yield family


def _add(family: HistogramMetricFamily, labels: list[str], histogram: LatencyHistogram) -> None:
    buckets = [
        ("+Inf" if math.isinf(le) else repr(le), float(count)) for le, count in histogram.buckets()
    ]
    family.add_metric(labels, buckets, histogram.sum_seconds)


__all__ = ["LatencyCollector", "ingest_latency_family", "loop_lag_family"]
