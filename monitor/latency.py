"""Latency histograms in plain counters: cheap to fill on the hot path, read at scrape time.

A :class:`LatencyHistogram` is a list of bucket counts and a sum, in integer nanoseconds;
``observe_ns`` is one ``bisect`` and two additions (no prometheus_client call, no lock: it
is written and read on the event loop). Collectors turn it into a Prometheus histogram.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Sequence

NS_PER_SECOND = 1_000_000_000
INF = float("inf")

INGEST_BUCKETS_SECONDS: tuple[float, ...] = (
    0.000_005,
    0.000_01,
    0.000_025,
    0.000_05,
    0.000_1,
    0.000_25,
    0.000_5,
    0.001,
    0.002_5,
    0.005,
    0.01,
    0.025,
    0.05,
    0.1,
)
"""Receive -> state-applied of one frame: tens of microseconds when all is well."""

LOOP_LAG_BUCKETS_SECONDS: tuple[float, ...] = (
    0.000_25,
    0.000_5,
    0.001,
    0.002,
    0.003,
    0.005,
    0.007_5,
    0.01,
    0.025,
    0.05,
    0.1,
    0.25,
    0.5,
    1.0,
    2.5,
    5.0,
)
"""Event-loop lag: fine around the 5 ms target, coarse up to multi-second stalls."""


class LatencyHistogram:
    """Bucket counts (``le`` bounds, the last bucket is ``+Inf``) and a sum of durations."""

    __slots__ = ("bounds", "bounds_ns", "counts", "sum_ns")

    def __init__(self, bounds_seconds: Sequence[float]) -> None:
        if list(bounds_seconds) != sorted(set(bounds_seconds)):
            raise ValueError("bucket bounds must be strictly increasing")
        self.bounds = tuple(bounds_seconds)
        self.bounds_ns = tuple(round(b * NS_PER_SECOND) for b in self.bounds)
        self.counts = [0] * (len(self.bounds) + 1)
        self.sum_ns = 0

    def observe_ns(self, duration_ns: int) -> None:
        """Count one duration (nanoseconds; a value equal to a bound falls in its bucket)."""
        self.counts[bisect_left(self.bounds_ns, duration_ns)] += 1
        self.sum_ns += duration_ns

    @property
    def count(self) -> int:
        return sum(self.counts)

    def buckets(self) -> list[tuple[float, int]]:
        """Cumulative ``(le, count)`` pairs as Prometheus exposes them, ``inf`` last."""
        out: list[tuple[float, int]] = []
        total = 0
        for bound, count in zip((*self.bounds, INF), self.counts, strict=True):
            total += count
            out.append((bound, total))
        return out

    @property
    def sum_seconds(self) -> float:
        return self.sum_ns / NS_PER_SECOND


__all__ = [
    "INGEST_BUCKETS_SECONDS",
    "LOOP_LAG_BUCKETS_SECONDS",
    "LatencyHistogram",
]
