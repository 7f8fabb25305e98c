"""The market families' text, written once per snapshot and shared by every scrape of it.

The market families are a pure function of the shared snapshot, which the market clock
publishes once a second, and writing them is most of a scrape at hundreds of pairs
(~28,000 samples at 200 pairs, tens of milliseconds of CPU). :class:`MarketText` keeps the
text of the latest snapshot in each format asked for, so every scrape of one snapshot (a
Prometheus HA pair, a dashboard, ``curl``) shares one writing of it. While either of the
last ``RECENT`` snapshots was scraped, the market clock also writes each new snapshot's
text ahead, in the format last scraped and in its own background slices, before it
publishes the snapshot (:meth:`MarketText.prepare`): at a scrape interval of a second a
scrape then finds the text ready instead of writing it while Prometheus waits. At slower
intervals (15 s) the text written ahead goes unread at most ``RECENT`` times per scrape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client.core import Metric

from monitor.core.snapshot import MarketSnapshot
from monitor.expose.exposition import Encoder, Writer, text_format
from monitor.expose.metrics.market import MarketCollector
from monitor.slices import TimeSlice

RECENT = 2
"""Snapshots looked back on: one scraped among them has the next one written ahead (two,
so a scrape that drifts past a snapshot's publication does not stop it)."""


class MarketText:
    """The written market families of the latest snapshot (see the module docstring)."""

    def __init__(self, collector: MarketCollector, snapshot: Callable[[], MarketSnapshot]) -> None:
        self.collector = collector
        self._snapshot = snapshot
        self._of: MarketSnapshot | None = None  # the snapshot the texts were written from
        self._texts: dict[tuple[bool, str], list[bytes]] = {}
        self._last_encoder: Encoder | None = None
        self._scraped = False  # since the last snapshot was prepared
        self._recent: list[bool] = []  # of the last snapshots published: was it scraped
        self.written = 0  # texts written (scrapes and ahead)

    def steps(self) -> Iterator[list[Metric] | None]:
        """The market families in steps, from the published snapshot (filtered scrapes)."""
        return self.collector.steps()

    async def text(self, encoder: Encoder, slice_: TimeSlice) -> list[bytes]:
        """The published snapshot's market families as ``encoder`` writes them."""
        snapshot = self._snapshot()
        self._scraped, self._last_encoder = True, encoder
        key = text_format(encoder)
        if self._of is snapshot and key in self._texts:
            return self._texts[key]
        parts = await self._write(snapshot, encoder, slice_)
        self._keep(snapshot, key, parts)
        return parts

    async def prepare(self, snapshot: MarketSnapshot, slice_: TimeSlice) -> None:
        """Write ``snapshot``'s text ahead if one of the last ``RECENT`` snapshots was
        scraped (called by the market clock before it publishes ``snapshot``)."""
        self._recent = [*self._recent[-(RECENT - 1) :], self._scraped]
        self._scraped = False
        encoder = self._last_encoder
        if encoder is None or not any(self._recent):
            return
        self._keep(snapshot, text_format(encoder), await self._write(snapshot, encoder, slice_))

    async def _write(
        self, snapshot: MarketSnapshot, encoder: Encoder, slice_: TimeSlice
    ) -> list[bytes]:
        families: list[Metric] = []
        for step in self.collector.snapshot_steps(snapshot):
            if step is None:
                await slice_.pause()
            else:
                families = step
        writer = Writer(encoder)
        parts = []
        for family in families:
            for part in writer.parts(family):
                parts.append(part.encode("utf-8"))
                await slice_.pause()
        self.written += 1
        return parts

    def _keep(self, snapshot: MarketSnapshot, key: tuple[bool, str], parts: list[bytes]) -> None:
        if self._of is not snapshot:
            if self._of is not None and snapshot.as_of < self._of.as_of:
                return  # written from a snapshot that has been replaced meanwhile
            self._of, self._texts = snapshot, {}
        self._texts[key] = parts


__all__ = ["MarketText"]
