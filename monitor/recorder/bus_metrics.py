"""Prometheus collector of ``dlmon record`` (``dlmon_bus_recorder_*``), read at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from monitor.recorder.bus import BusRecorder
from monitor.scrape import counters, guarded


class BusRecorderCollector(Collector):
    """Yields the bus recorder's counters, its position and whether it is connected."""

    def __init__(self, recorder: BusRecorder, *, registry: CollectorRegistry | None = None):
        self._recorder = recorder
        if registry is not None:
            registry.register(self)

    def collect(self) -> Iterator[Metric]:
        yield from guarded(bus_recorder_families, self._recorder)


def bus_recorder_families(recorder: BusRecorder) -> Iterator[Metric]:
    s, journal = recorder.stats, recorder.journal
    rows = (
        ("dlmon_bus_recorder_events", "Events written to the journal", s.events),
        ("dlmon_bus_recorder_messages", "Bus messages received", s.messages),
        ("dlmon_bus_recorder_repeats_skipped", "Messages delivered again, already on disk",
         s.repeats_skipped),
        ("dlmon_bus_recorder_malformed", "Bus messages that could not be read", s.malformed),
        ("dlmon_bus_recorder_files_opened", "Journal files started", journal.files_opened),
    )  # fmt: skip
    yield from counters(rows)
    yield GaugeMetricFamily(
        "dlmon_bus_recorder_last_sequence",
        "Last stream sequence written and checkpointed",
        value=journal.last_seq,
    )
    yield GaugeMetricFamily(
        "dlmon_bus_recorder_connected", "1 while consuming the bus", value=int(recorder.connected)
    )


__all__ = ["BusRecorderCollector", "bus_recorder_families"]
