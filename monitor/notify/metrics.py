"""Prometheus collector of the notification service, read at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from monitor.notify.service import NotifyService
from monitor.scrape import guarded


class NotifyCollector(Collector):
    """Yield the ``dlmon_notification*`` families per sink on each scrape."""

    def __init__(
        self, service: NotifyService, *, registry: CollectorRegistry | None = None
    ) -> None:
        self._service = service
        if registry is not None:
            registry.register(self)

    def collect(self) -> Iterator[Metric]:
        yield from guarded(sink_families, self._service)


def sink_families(service: NotifyService) -> Iterator[Metric]:
    """Yield sent / failed / attempt-error counters and spool depth per sink."""
    sent = CounterMetricFamily(
        "dlmon_notifications_sent", "Notifications the platform confirmed.", labels=["sink"]
    )
    failed = CounterMetricFamily(
        "dlmon_notifications_failed",
        "Notifications given up (permanent error, too old or spool full).",
        labels=["sink"],
    )
    retries = CounterMetricFamily(
        "dlmon_notification_attempt_errors",
        "Delivery attempts that failed and will be retried.",
        labels=["sink"],
    )
    depth = GaugeMetricFamily(
        "dlmon_notification_spool_depth", "Notifications waiting for delivery.", labels=["sink"]
    )
    for name, stats in service.stats().items():
        sent.add_metric([name], stats.sent)
        failed.add_metric([name], stats.failed)
        retries.add_metric([name], stats.attempt_errors)
        depth.add_metric([name], stats.spool_depth)
    yield sent
    yield failed
    yield retries
    yield depth
