"""The market collector: every pair, instrument, liquidity, analytics and validation family,
built from one fresh :class:`~monitor.core.snapshot.MarketSnapshot` per scrape.

At hundreds of pairs a group of families takes milliseconds to build, so the collector
builds each group over ``PAIRS_PER_STEP`` pairs at a time (:meth:`MarketCollector.steps`;
``/metrics`` yields to the loop between steps) and merges the parts: each family once,
with the rows of every part, and a series that several parts share (the USD/HKD leg of
every pair, a venue's session) once.

Nothing on the hot path writes a metric; a premium whose inputs are stale or invalid is
absent, never frozen.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator

import structlog
from prometheus_client.core import Metric
from prometheus_client.registry import Collector, CollectorRegistry

from monitor.core.engine import Engine
from monitor.core.snapshot import MarketSnapshot
from monitor.expose.metrics.instrument_analytics import instrument_analytics_families
from monitor.expose.metrics.instruments import instrument_families
from monitor.expose.metrics.liquidity import liquidity_families
from monitor.expose.metrics.pair_analytics import (
    premium_basis_families,
    premium_open_close_families,
    premium_statistics_families,
    turnover_share_families,
)
from monitor.expose.metrics.pairs import pair_families
from monitor.expose.metrics.premium_index import index_families
from monitor.expose.metrics.validation import validation_families
from monitor.scrape import RowGauge, guarded

log = structlog.get_logger(__name__)

SNAPSHOT_FAMILIES: tuple[Callable[[MarketSnapshot], Iterable[Metric]], ...] = (
    pair_families,
    premium_basis_families,
    premium_statistics_families,
    premium_open_close_families,
    instrument_analytics_families,
    turnover_share_families,
    instrument_families,
    liquidity_families,
    index_families,
)
"""The groups of families built from the snapshot, in exposition order."""
PAIRS_PER_STEP = 20
"""Pairs of the snapshot a group's families are built over in one step."""
PER_PAIR_ONLY = frozenset(
    {
        premium_basis_families,
        premium_statistics_families,
        premium_open_close_families,
        turnover_share_families,
    }
)
"""Groups whose every series belongs to one pair: their parts never share one."""


class MarketCollector(Collector):
    """Yield the market families from the shared snapshot (``snapshot()``) per scrape."""

    def __init__(
        self,
        engine: Engine,
        snapshot: Callable[[], MarketSnapshot],
        *,
        registry: CollectorRegistry | None = None,
    ) -> None:
        self._engine = engine
        self._snapshot = snapshot
        if registry is not None:
            registry.register(self)

    def collect(self) -> Iterator[Metric]:
        for step in self.steps():
            if step is not None:
                yield from step

    def steps(self) -> Iterator[list[Metric] | None]:
        """None after each group's part (see the module docstring), then the families."""
        try:
            snapshot = self._snapshot()
        except Exception:  # no snapshot: serve the engine's counters and the other collectors
            log.exception("snapshot_failed")
            yield self.live_families()
            return
        families: list[Metric] = []
        for step in self.snapshot_steps(snapshot):
            if step is None:
                yield None
            else:
                families = step
        yield families + self.live_families()

    def snapshot_steps(self, snapshot: MarketSnapshot) -> Iterator[list[Metric] | None]:
        """:meth:`steps` of the families built from ``snapshot`` alone."""
        merged = _Merged()
        pairs = snapshot.pairs
        parts = [
            dataclasses.replace(snapshot, pairs=pairs[i : i + PAIRS_PER_STEP])
            for i in range(0, len(pairs), PAIRS_PER_STEP)
        ] or [snapshot]
        for families in SNAPSHOT_FAMILIES:
            shared = families not in PER_PAIR_ONLY
            for part in parts:
                merged.add(guarded(families, part), shared)
                yield None
        yield merged.families()

    def live_families(self) -> list[Metric]:
        """The families read from the engine as it is now (its validation counters)."""
        return guarded(validation_families, self._engine)


class _Merged:
    """Families by name in first-seen order; later parts add the rows not seen yet."""

    def __init__(self) -> None:
        self._families: dict[str, Metric] = {}
        self._seen: dict[str, set[tuple[str, ...]]] = {}

    def add(self, families: Iterable[Metric], shared: bool) -> None:
        """Add a part's families; ``shared``: its series may be in other parts too."""
        for family in families:
            kept = self._families.setdefault(family.name, family)
            if kept is family or not isinstance(kept, RowGauge):
                continue  # a family not built per pair comes whole from the first part
            assert isinstance(family, RowGauge)
            if not shared:
                kept.rows.extend(family.rows)
                continue
            seen = self._seen.get(family.name)
            if seen is None:
                seen = self._seen[family.name] = {labels for labels, _ in kept.rows}
            for row in family.rows:
                if row[0] not in seen:
                    seen.add(row[0])
                    kept.rows.append(row)

    def families(self) -> list[Metric]:
        return list(self._families.values())
