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
    spool_errors = CounterMetricFamily(
        "dlmon_notification_spool_errors",
        "Failed spool reads or writes (writes are retried until they succeed).",
        labels=["sink"],
    )
    unwritten = GaugeMetricFamily(
        "dlmon_notification_spool_unwritten",
        "Notifications queued in memory but not yet durable in the spool.",
        labels=["sink"],
    )
    capped = CounterMetricFamily(
        "dlmon_notification_retry_after_capped",
        "Platform-requested waits (Retry-After) cut to notify.retry_after_max_seconds.",
        labels=["sink"],
    )
    muted = CounterMetricFamily(
        "dlmon_notifications_muted",
        "Notifications not sent because a silence or an inhibition muted them.",
        labels=["sink"],
    )
    for name, count in sorted(service.muted_total.items()):
        muted.add_metric([name], count)
    for name, stats in service.stats().items():
        sent.add_metric([name], stats.sent)
        failed.add_metric([name], stats.failed)
        retries.add_metric([name], stats.attempt_errors)
        depth.add_metric([name], stats.spool_depth)
        spool_errors.add_metric([name], stats.spool_errors)
        unwritten.add_metric([name], stats.spool_unwritten)
        capped.add_metric([name], stats.retry_after_capped)
    yield sent
    yield failed
    yield retries
    yield depth
    yield spool_errors
    yield unwritten
    yield capped
    yield muted
