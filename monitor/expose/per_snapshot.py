"""Work on the published snapshot done once per snapshot, shared by all its readers, and
done ahead while every snapshot is read.

Readers of the snapshot that the market clock publishes once a second (``/metrics``, the
pairs list, the status stream) turn it into bytes, which at hundreds of pairs takes tens of
milliseconds. :class:`PerSnapshot` keeps what was built from the latest snapshot (per key:
a text format, say), so every reader of one snapshot shares one build. While either of the
last ``RECENT`` snapshots was read, the market clock also builds each new snapshot's value
ahead (:meth:`PerSnapshot.prepare`, in its background slices, before it publishes the
snapshot) for the argument last asked for: at one read a second a reader then finds the
value ready instead of building it while its client waits. At slower read intervals (a
15 s scrape) a value built ahead goes unread at most ``RECENT`` times per read.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Hashable
from typing import Generic, TypeVar

from monitor.core.snapshot import MarketSnapshot
from monitor.slices import TimeSlice

A = TypeVar("A")
V = TypeVar("V")

RECENT = 2
"""Snapshots looked back on: one read among them has the next one built ahead (two, so a
read that drifts past a snapshot's publication does not stop it)."""


class PerSnapshot(Generic[A, V]):
    """``build(snapshot, arg, slice_)`` once per snapshot and ``key(arg)``."""

    def __init__(
        self,
        build: Callable[[MarketSnapshot, A, TimeSlice], Awaitable[V]],
        key: Callable[[A], Hashable],
    ) -> None:
        self._build = build
        self._key = key
        self._of: MarketSnapshot | None = None  # the snapshot the values were built from
        self._values: dict[Hashable, V] = {}
        self._last_arg: tuple[A] | None = None
        self._read = False  # since the last snapshot was prepared
        self._recent: list[bool] = []  # of the last snapshots published: was it read
        self.built = 0  # values built (for readers and ahead)

    async def get(self, snapshot: MarketSnapshot, arg: A, slice_: TimeSlice) -> V:
        """The value of ``snapshot`` (the published one) for ``arg``."""
        self._read, self._last_arg = True, (arg,)
        key = self._key(arg)
        if self._of is snapshot and key in self._values:
            return self._values[key]
        value = await self._build(snapshot, arg, slice_)
        self.built += 1
        self._keep(snapshot, key, value)
        return value

    async def prepare(self, snapshot: MarketSnapshot, slice_: TimeSlice) -> None:
        """Build ``snapshot``'s value ahead if one of the last ``RECENT`` snapshots was read
        (the market clock calls it before it publishes ``snapshot``)."""
        self._recent = [*self._recent[-(RECENT - 1) :], self._read]
        self._read = False
        if self._last_arg is None or not any(self._recent):
            return
        (arg,) = self._last_arg
        value = await self._build(snapshot, arg, slice_)
        self.built += 1
        self._keep(snapshot, self._key(arg), value)

    def _keep(self, snapshot: MarketSnapshot, key: Hashable, value: V) -> None:
        if self._of is not snapshot:
            if self._of is not None and snapshot.as_of < self._of.as_of:
                return  # built from a snapshot that has been replaced meanwhile
            self._of, self._values = snapshot, {}
        self._values[key] = value


__all__ = ["RECENT", "PerSnapshot"]
