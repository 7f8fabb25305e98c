"""The market families' text of the published snapshot, written once per snapshot and
format and shared by every scrape of it (``monitor.expose.per_snapshot``: written ahead by
the market clock while every snapshot is scraped).

The market families are a pure function of the snapshot, and writing them is most of a
scrape at hundreds of pairs (~28,000 samples at 200 pairs, tens of milliseconds of CPU);
the engine's validation counters are live and are written at each scrape.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from prometheus_client.core import Metric

from monitor.core.snapshot import MarketSnapshot
from monitor.expose.exposition import Encoder, Writer, text_format
from monitor.expose.metrics.market import MarketCollector
from monitor.expose.per_snapshot import PerSnapshot
from monitor.slices import TimeSlice


class MarketText:
    """The written market families of the published snapshot (see the module docstring)."""

    def __init__(self, collector: MarketCollector, snapshot: Callable[[], MarketSnapshot]) -> None:
        self.collector = collector
        self._snapshot = snapshot
        self.texts: PerSnapshot[Encoder, list[bytes]] = PerSnapshot(self._write, text_format)

    def steps(self) -> Iterator[list[Metric] | None]:
        """The market families in steps, from the published snapshot (filtered scrapes)."""
        return self.collector.steps()

    async def text(self, encoder: Encoder, slice_: TimeSlice) -> list[bytes]:
        """The published snapshot's market families as ``encoder`` writes them."""
        return await self.texts.get(self._snapshot(), encoder, slice_)

    async def prepare(self, snapshot: MarketSnapshot, slice_: TimeSlice) -> None:
        """Write ``snapshot``'s text ahead while snapshots are scraped (market clock)."""
        await self.texts.prepare(snapshot, slice_)

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
        return parts


__all__ = ["MarketText"]
