"""Prometheus collector of the gateway's publisher (``dlmon_bus_*``), read at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from monitor.bus.publisher import BusPublisher
from monitor.scrape import counters, guarded


class PublisherCollector(Collector):
    """Yields the publisher's counters, its queue and whether the bus is connected."""

    def __init__(
        self, publisher: BusPublisher, *, registry: CollectorRegistry | None = None
    ) -> None:
        self._publisher = publisher
        if registry is not None:
            registry.register(self)

    def collect(self) -> Iterator[Metric]:
        yield from guarded(publisher_families, self._publisher)


def publisher_families(publisher: BusPublisher) -> Iterator[Metric]:
    """Yield the ``dlmon_bus_*`` families of one publisher."""
    s = publisher.stats
    rows = (
        ("dlmon_bus_offered_events", "Events the feeds handed to the publisher", s.offered),
        ("dlmon_bus_published_events", "Events acknowledged by the bus", s.published_events),
        ("dlmon_bus_published_messages", "Messages acknowledged by the bus",
         s.published_messages),
        ("dlmon_bus_dropped_events", "Events dropped because the publish queue was full",
         s.dropped),
        ("dlmon_bus_failed_events", "Events whose publish was refused or not acknowledged",
         s.failed_events),
        ("dlmon_bus_health_notes", "Feed health notes published", s.health_notes),
        ("dlmon_bus_connects", "Connections to the bus established", s.connects),
    )  # fmt: skip
    yield from counters(rows)
    yield GaugeMetricFamily(
        "dlmon_bus_connected", "1 while connected to the bus", value=int(publisher.connected)
    )
    yield GaugeMetricFamily(
        "dlmon_bus_queue_events", "Events waiting to be published", value=publisher.queued
    )
    yield GaugeMetricFamily(
        "dlmon_bus_pending_acks", "Publishes awaiting the bus's acknowledgement",
        value=publisher.pending_acks,
    )  # fmt: skip


__all__ = ["PublisherCollector", "publisher_families"]
