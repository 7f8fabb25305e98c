"""A time-windowed, down-sampled series with mean, deviation and median (pure)."""

from __future__ import annotations

import math
import statistics
from collections import deque

NS = 1_000_000_000


class RollingSeries:
    """Samples no closer than ``sample_seconds`` kept for ``window_seconds``."""

    __slots__ = ("_sample_ns", "_samples", "_window_ns")

    def __init__(self, window_seconds: float, sample_seconds: float) -> None:
        self._window_ns = int(window_seconds * NS)
        self._sample_ns = int(sample_seconds * NS)
        self._samples: deque[tuple[int, float]] = deque()

    def __len__(self) -> int:
        return len(self._samples)

    def add(self, ts_ns: int, value: float) -> None:
        """Record ``value`` unless the previous sample is too recent; drop old samples."""
        if not math.isfinite(value):
            return
        if self._samples and ts_ns - self._samples[-1][0] < self._sample_ns:
            return
        self._samples.append((ts_ns, value))
        self.prune(ts_ns)

    def prune(self, now_ns: int) -> None:
        horizon = now_ns - self._window_ns
        while self._samples and self._samples[0][0] < horizon:
            self._samples.popleft()

    def mean_std(self) -> tuple[float, float] | None:
        if len(self._samples) < 2:
            return None
        values = [v for _, v in self._samples]
        return statistics.fmean(values), statistics.pstdev(values)

    def min_max(self) -> tuple[float, float] | None:
        """The lowest and highest sample in the window (``None`` when empty)."""
        if not self._samples:
            return None
        values = [v for _, v in self._samples]
        return min(values), max(values)

    def median(self) -> float | None:
        if not self._samples:
            return None
        return statistics.median(v for _, v in self._samples)


class SeriesBySubject:
    """One :class:`RollingSeries` per subject (a pair, or a pair's leg), made on first use."""

    __slots__ = ("_sample_seconds", "_series", "_window_seconds")

    def __init__(self, window_seconds: float, sample_seconds: float) -> None:
        self._window_seconds = window_seconds
        self._sample_seconds = sample_seconds
        self._series: dict[str, RollingSeries] = {}

    def get(self, subject: str, now_ns: int) -> RollingSeries:
        """The series of ``subject`` with the samples older than its window dropped."""
        series = self._series.get(subject)
        if series is None:
            series = RollingSeries(self._window_seconds, self._sample_seconds)
            self._series[subject] = series
        series.prune(now_ns)
        return series
