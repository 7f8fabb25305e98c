"""The feeds collector: connection state and counters of every feed, read at scrape time."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

import structlog
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from monitor.expose.metrics.common import NS
from monitor.feeds.base import FeedHealth
from monitor.scrape import guarded

log = structlog.get_logger(__name__)


class FeedsCollector(Collector):
    """Yield the ``dlmon_feed_*`` families from the feeds' health records on each scrape."""

    def __init__(
        self,
        health: Callable[[], Iterable[FeedHealth]],
        *,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self._health = health
        if registry is not None:
            registry.register(self)

    def collect(self) -> Iterator[Metric]:
        try:
            health = list(self._health())
        except Exception:  # a scrape degrades, never fails
            log.exception("feed_health_failed")
            return
        yield from guarded(feed_families, health)


def feed_families(feeds: Iterable[FeedHealth]) -> Iterator[Metric]:
    """Yield up, message, error, reconnect, attempt, last-message and state families."""
    up = GaugeMetricFamily(
        "dlmon_feed_up", "1 when connected, authenticated and subscribed", labels=["feed"]
    )
    messages = CounterMetricFamily("dlmon_feed_messages", "Messages received", labels=["feed"])
    errors = CounterMetricFamily(
        "dlmon_feed_errors", "Feed errors by kind", labels=["feed", "kind"]
    )
    reconnects = CounterMetricFamily("dlmon_feed_reconnects", "Reconnections", labels=["feed"])
    attempts = CounterMetricFamily(
        "dlmon_feed_connect_attempts",
        "Connection attempts (sessions started, the first one included)",
        labels=["feed"],
    )
    last = GaugeMetricFamily(
        "dlmon_feed_last_message_timestamp_seconds", "Time of the last message", labels=["feed"]
    )
    state = GaugeMetricFamily(
        "dlmon_feed_state", "Connection state (1 for the current state)", labels=["feed", "state"]
    )
    for health in feeds:
        up.add_metric((health.name,), 1 if health.up else 0)
        messages.add_metric((health.name,), health.messages_total)
        reconnects.add_metric((health.name,), health.reconnects_total)
        attempts.add_metric((health.name,), health.connect_attempts_total)
        for kind, count in sorted(health.errors_total.items()):
            errors.add_metric((health.name, kind), count)
        if health.last_message_ns:
            last.add_metric((health.name,), health.last_message_ns / NS)
        state.add_metric((health.name, health.state.value), 1)
    yield from (up, messages, errors, reconnects, attempts, last, state)
