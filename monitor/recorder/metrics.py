"""Prometheus collector of the recorder's counters, read at scrape time."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector, CollectorRegistry

from monitor.recorder.recorder import Recorder
from monitor.scrape import counters, guarded


class RecorderCollector(Collector):
    """Yields ``dlmon_recorder_*`` families from the recorder's plain counters."""

    def __init__(self, recorder: Recorder, *, registry: CollectorRegistry | None = None) -> None:
        self._recorder = recorder
        if registry is not None:
            registry.register(self)

    def collect(self) -> Iterator[Metric]:
        yield from guarded(recorder_families, self._recorder)


def recorder_families(recorder: Recorder) -> Iterator[Metric]:
    """Yield the recorder's event, drop, error and file counters, queue and disk use."""
    rec, store = recorder.stats, recorder.store.stats
    rows = (
        ("dlmon_recorder_events", "Events written to tick files", store.rows_written),
        ("dlmon_recorder_dropped", "Events not recorded (queue full or write failed)",
         rec.dropped),
        ("dlmon_recorder_write_errors", "Failed writes of a batch", rec.write_errors),
        ("dlmon_recorder_files_opened", "Tick files started", store.files_opened),
        ("dlmon_recorder_files_deleted", "Old tick files deleted to bound disk use",
         store.files_deleted),
    )  # fmt: skip
    yield from counters(rows)
    yield GaugeMetricFamily(
        "dlmon_recorder_queue_events", "Events waiting to be written", value=recorder.queued
    )
    yield GaugeMetricFamily(
        "dlmon_recorder_disk_bytes", "Bytes used by the recorder's files", value=store.disk_bytes
    )


__all__ = ["RecorderCollector"]
