"""Small helpers shared by the family builders: units and absent-when-undefined gauges.

Conventions: base units, ratios not percent, timestamps as ``*_timestamp_seconds`` (ages are
left to PromQL: ``time() - metric``), bounded labels, and a value that is undefined is
absent rather than frozen.
"""

from __future__ import annotations

from prometheus_client.core import GaugeMetricFamily

NS = 1e9  # nanoseconds per second


def gauge(name: str, doc: str, *labels: str) -> GaugeMetricFamily:
    """Return an empty gauge family with ``labels``."""
    return GaugeMetricFamily(name, doc, labels=list(labels))


def add_known(family: GaugeMetricFamily, labels: list[str], value: float | None) -> None:
    """Add a sample unless ``value`` is undefined (``None``)."""
    if value is not None:
        family.add_metric(labels, value)
