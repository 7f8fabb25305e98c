"""Per-second sample rings: O(1) writes on the hot path, numpy arrays at read time.

A ring keeps at most one entry per second (the second, then one float per field) in
``array`` buffers of fixed capacity, so memory is bounded whatever the run time and a
write is a few scalar stores. Seconds without an entry are filled at read time: a
:class:`LastRing` carries the last value forward (a price or premium in force), a
:class:`SumRing` counts them as zero (traded value).
"""

from __future__ import annotations

from array import array

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
NAN = float("nan")


class _Ring:
    __slots__ = ("_count", "_idx", "capacity", "last_second", "secs", "values")

    def __init__(self, capacity: int, fields: int) -> None:
        if capacity < 2:
            raise ValueError("a ring needs room for at least two seconds")
        self.capacity = capacity
        self.secs = array("q", [0]) * capacity
        self.values = [array("d", [NAN]) * capacity for _ in range(fields)]
        self._idx = -1
        self._count = 0
        self.last_second = -1

    def _advance(self, second: int) -> int:
        idx = self._idx + 1
        if idx == self.capacity:
            idx = 0
        self._idx = idx
        self.secs[idx] = second
        self.last_second = second
        if self._count < self.capacity:
            self._count += 1
        return idx

    def arrays(self) -> tuple[IntArray, list[FloatArray]]:
        """The stored seconds (ascending) and each field's values, as fresh numpy arrays."""
        n, idx = self._count, self._idx
        secs = np.frombuffer(self.secs, dtype=np.int64)
        fields = [np.frombuffer(v, dtype=np.float64) for v in self.values]
        if n < self.capacity:
            return secs[:n].copy(), [f[:n].copy() for f in fields]
        start = idx + 1
        return (
            np.concatenate((secs[start:], secs[:start])),
            [np.concatenate((f[start:], f[:start])) for f in fields],
        )


class LastRing(_Ring):
    """The value of each field at the end of each second that had an update."""

    __slots__ = ()

    def put(self, second: int, *values: float) -> None:
        """Store ``values`` as of the end of ``second`` (an older second overwrites the last)."""
        idx = self._advance(second) if second > self.last_second else self._idx
        for buf, value in zip(self.values, values, strict=True):
            buf[idx] = value


class SumRing(_Ring):
    """One running sum per second (e.g. traded value)."""

    __slots__ = ()

    def __init__(self, capacity: int) -> None:
        super().__init__(capacity, 1)

    def add(self, second: int, value: float) -> None:
        """Add ``value`` to ``second`` (an older second is added to the latest one)."""
        buf = self.values[0]
        if second > self.last_second:
            buf[self._advance(second)] = value
        else:
            buf[self._idx] += value


def fill_positions(secs: IntArray, start: int, end: int) -> IntArray:
    """Per second of ``start..end``: index of the latest entry at or before it (-1: none)."""
    pos = np.full(end - start + 1, -1, dtype=np.int64)
    first = int(np.searchsorted(secs, start, side="right")) - 1
    if first >= 0:
        pos[0] = first
    inside = np.nonzero((secs > start) & (secs <= end))[0]
    pos[secs[inside] - start] = inside
    np.maximum.accumulate(pos, out=pos)
    return pos


def take(values: FloatArray, pos: IntArray) -> FloatArray:
    """``values[pos]`` with NaN where ``pos`` is -1."""
    if not len(values):
        return np.full(len(pos), NAN)
    out = values[np.maximum(pos, 0)]
    out[pos < 0] = NAN
    return out


def forward_fill(secs: IntArray, values: FloatArray, start: int, end: int) -> FloatArray:
    """Dense series for seconds ``start..end``: the latest value at or before each second."""
    return take(values, fill_positions(secs, start, end))


def dense_sums(secs: IntArray, values: FloatArray, start: int, end: int) -> FloatArray:
    """Dense series for seconds ``start..end``: the stored sum of each second, else 0."""
    out = np.zeros(end - start + 1, dtype=np.float64)
    mask = (secs >= start) & (secs <= end)
    out[secs[mask] - start] = values[mask]
    return out
