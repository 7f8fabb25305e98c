"""Small helpers shared by the family builders: units and absent-when-undefined gauges.

Conventions: base units, ratios not percent, timestamps as ``*_timestamp_seconds`` (ages are
left to PromQL: ``time() - metric``), bounded labels, and a value that is undefined is
absent rather than frozen.
"""

from __future__ import annotations

from collections.abc import Sequence

from monitor.scrape import RowGauge

NS = 1e9  # nanoseconds per second


def gauge(name: str, doc: str, *labels: str) -> RowGauge:
    """Return an empty gauge family with ``labels`` (rows, fast to encode)."""
    return RowGauge(name, doc, labels)


def add_known(family: RowGauge, labels: Sequence[str], value: float | None) -> None:
    """Add a sample unless ``value`` is undefined (``None``)."""
    if value is not None:
        family.add_metric(labels, value)
