"""What every dlmon collector follows: a scrape degrades, it never fails.

A collector builds its families in groups (pure functions of what it reads); a group that
raises is logged and left out, and the rest of the scrape is still served. Large gauge
families are :class:`RowGauge` rows, which ``monitor.expose.exposition`` writes fast.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Protocol, TypeVar

import structlog
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.samples import Sample, Timestamp

log = structlog.get_logger(__name__)

Source = TypeVar("Source")
PLAIN_NAME = re.compile(r"[a-zA-Z_][a-zA-Z0-9_]*")
"""Names that every escaping scheme of the fast exposition leaves as they are."""


class SteppedCollector(Protocol):
    """A collector whose families come in steps (its owner yields to the loop between)."""

    def steps(self) -> Iterator[list[Metric] | None]:
        """None after each step, then every family once, as the last item."""
        ...


def guarded(families: Callable[[Source], Iterable[Metric]], source: Source) -> list[Metric]:
    """Return ``families(source)``, or nothing (logged) if building them raises."""
    try:
        return list(families(source))
    except Exception:  # one broken group must not take the scrape down
        log.exception("metric_families_failed", families=getattr(families, "__name__", "?"))
        return []


def counters(rows: Iterable[tuple[str, str, float]]) -> Iterator[Metric]:
    """One counter family without labels per ``(name, help, value)``."""
    for name, doc, value in rows:
        yield CounterMetricFamily(name, doc, value=value)


class RowGauge(GaugeMetricFamily):
    """A gauge family whose samples are kept as ``(label values, value)`` rows.

    It takes ``add_metric(labels, value)`` as :class:`GaugeMetricFamily` does (without
    timestamps); ``samples`` builds prometheus_client's samples on demand.
    """

    def __init__(self, name: str, documentation: str, labels: Sequence[str] = ()) -> None:
        self.rows: list[tuple[tuple[str, ...], float]] = []
        super().__init__(name, documentation, labels=labels)
        self.plain = bool(PLAIN_NAME.fullmatch(name)) and all(
            PLAIN_NAME.fullmatch(label) for label in self._labelnames
        )
        # Label positions in name order, as prometheus_client sorts them.
        self.order = tuple(sorted(range(len(self._labelnames)), key=self._labelnames.__getitem__))

    def add_metric(
        self, labels: Sequence[str], value: float, timestamp: Timestamp | float | None = None
    ) -> None:
        if timestamp is not None:
            raise ValueError("RowGauge samples carry no timestamp")
        key = labels if type(labels) is tuple else tuple(labels)
        self.rows.append((key, value if type(value) is float else float(value)))

    @property
    def samples(self) -> list[Sample]:
        names = self._labelnames
        return [Sample(self.name, dict(zip(names, v, strict=True)), x) for v, x in self.rows]

    @samples.setter
    def samples(self, samples: list[Sample]) -> None:
        self.rows = [(tuple(s.labels[n] for n in self._labelnames), s.value) for s in samples]


__all__ = ["RowGauge", "SteppedCollector", "counters", "guarded"]
