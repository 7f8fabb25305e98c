"""The market families' text of the published snapshot, written once per snapshot and
format and shared by every scrape of it (``monitor.expose.per_snapshot``: written ahead by
the market clock while every snapshot is scraped).

The market families are a pure function of the snapshot, and writing them is most of a
scrape at hundreds of pairs (~28,000 samples at 200 pairs, tens of milliseconds of CPU);
the engine's validation counters are live and are written at each scrape. Once a scrape
asks for gzip (Prometheus does), the text is also deflated once per snapshot, ahead with
it while the last scrape asked for gzip (``monitor.expose.gzipped``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from prometheus_client.core import Metric

from monitor.core.snapshot import MarketSnapshot
from monitor.expose.exposition import Encoder, Writer, text_format
from monitor.expose.gzipped import Deflated, deflate
from monitor.expose.metrics.market import MarketCollector
from monitor.expose.per_snapshot import PerSnapshot
from monitor.slices import TimeSlice


@dataclass(slots=True)
class Written:
    """A snapshot's market families as one format writes them, deflated once asked for."""

    text: list[bytes]
    deflated: Deflated | None = None


class MarketText:
    """The written market families of the published snapshot (see the module docstring)."""

    def __init__(self, collector: MarketCollector, snapshot: Callable[[], MarketSnapshot]) -> None:
        self.collector = collector
        self._snapshot = snapshot
        # per format; written ahead as the last scrape asked: in its format, deflated for gzip
        self.texts: PerSnapshot[tuple[Encoder, bool], Written] = PerSnapshot(
            self._write, lambda asked: text_format(asked[0])
        )
        self.deflations = 0

    async def text(self, encoder: Encoder, slice_: TimeSlice, gzip: bool = False) -> Written:
        """The published snapshot's market families as ``encoder`` writes them (and
        deflated, for ``gzip``)."""
        written = await self.texts.get(self._snapshot(), (encoder, gzip), slice_)
        if gzip and written.deflated is None:
            written.deflated = await self._deflate(written.text, slice_)
        return written

    async def prepare(self, snapshot: MarketSnapshot, slice_: TimeSlice) -> None:
        """Write ``snapshot``'s text ahead while snapshots are scraped (market clock)."""
        await self.texts.prepare(snapshot, slice_)

    async def _write(
        self, snapshot: MarketSnapshot, asked: tuple[Encoder, bool], slice_: TimeSlice
    ) -> Written:
        encoder, gzip = asked
        families = await stepped(self.collector.snapshot_steps(snapshot), slice_)
        writer = Writer(encoder)
        parts = []
        for family in families:
            for part in writer.parts(family):
                parts.append(part.encode("utf-8"))
                await slice_.pause()
        return Written(parts, await self._deflate(parts, slice_) if gzip else None)

    async def _deflate(self, parts: list[bytes], slice_: TimeSlice) -> Deflated:
        self.deflations += 1
        return await deflate(parts, slice_)


async def stepped(steps: Iterator[list[Metric] | None], slice_: TimeSlice) -> list[Metric]:
    """The families a stepped collector ends with, pausing at each of its steps."""
    families: list[Metric] = []
    for step in steps:
        if step is None:
            await slice_.pause()
        else:
            families = step
    return families


__all__ = ["MarketText", "Written", "stepped"]
