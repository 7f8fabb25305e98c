"""Per-second sample rings: O(1) writes on the hot path, read in order by the windows.

A ring keeps at most one entry per second (the second, then one float per field) in
``array`` buffers. Entries are numbered in write order (``seq``); entry ``seq`` lives at
``seq % len(buffer)``. The buffers start small and double up to the ring's capacity, so
memory follows the seconds that had updates, bounded by the capacity whatever the run
time. Seconds without an entry carry the previous value forward in a
:class:`LastRing` (a price or premium in force) and count as zero in a :class:`SumRing`
(traded value). A written entry never changes once a later second has one.
"""

from __future__ import annotations

from array import array
from typing import Final

NAN: Final = float("nan")
INITIAL_SLOTS: Final = 64


class _Ring:
    __slots__ = ("capacity", "last_second", "secs", "total", "values")

    def __init__(self, capacity: int, fields: int) -> None:
        if capacity < 2:
            raise ValueError("a ring needs room for at least two seconds")
        self.capacity = capacity
        slots = min(capacity, INITIAL_SLOTS)
        self.secs = array("q", [0]) * slots
        self.values = [array("d", [NAN]) * slots for _ in range(fields)]
        self.total = 0  # entries ever written; the newest is seq ``total - 1``
        self.last_second = -1

    @property
    def first_seq(self) -> int:
        """Sequence number of the oldest entry still stored."""
        return max(0, self.total - len(self.secs))

    def __len__(self) -> int:
        return self.total - self.first_seq

    def second_at(self, seq: int) -> int:
        return self.secs[seq % len(self.secs)]

    def value_at(self, field: int, seq: int) -> float:
        return self.values[field][seq % len(self.secs)]

    def seq_at(self, second: int) -> int:
        """The newest stored entry at or before ``second`` (-1 if none is stored)."""
        lo, hi = self.first_seq, self.total - 1
        if hi < lo or self.second_at(lo) > second:
            return -1
        while lo < hi:
            mid = (lo + hi + 1) // 2
            if self.second_at(mid) <= second:
                lo = mid
            else:
                hi = mid - 1
        return lo

    def _append(self, second: int) -> int:
        size = len(self.secs)
        if self.total - self.first_seq == size and size < self.capacity:
            self._grow(min(size * 2, self.capacity))
            size = len(self.secs)
        idx = self.total % size
        self.secs[idx] = second
        self.total += 1
        self.last_second = second
        return idx

    def _grow(self, size: int) -> None:
        old = len(self.secs)
        secs = array("q", [0]) * size
        values = [array("d", [NAN]) * size for _ in self.values]
        for seq in range(self.first_seq, self.total):
            secs[seq % size] = self.secs[seq % old]
            for new, buf in zip(values, self.values, strict=True):
                new[seq % size] = buf[seq % old]
        self.secs, self.values = secs, values


class LastRing(_Ring):
    """The value of each field at the end of each second that had an update."""

    __slots__ = ()

    def put(self, second: int, *values: float) -> None:
        """Store ``values`` as of the end of ``second`` (the same second overwrites)."""
        if second > self.last_second:
            idx = self._append(second)
        else:
            idx = (self.total - 1) % len(self.secs)
        for buf, value in zip(self.values, values, strict=True):
            buf[idx] = value


class SumRing(_Ring):
    """One running sum per second (e.g. traded value)."""

    __slots__ = ()

    def __init__(self, capacity: int) -> None:
        super().__init__(capacity, 1)

    def add(self, second: int, value: float) -> None:
        """Add ``value`` to ``second`` (an older second is added to the latest one)."""
        if second > self.last_second:
            idx = self._append(second)  # may grow the buffers
            self.values[0][idx] = value
        else:
            self.values[0][(self.total - 1) % len(self.secs)] += value


__all__ = ["LastRing", "SumRing"]
