"""The market collector: every pair, instrument, liquidity, analytics and validation family,
built from one fresh :class:`~monitor.core.snapshot.MarketSnapshot` per scrape.

Nothing on the hot path writes a metric; a premium whose inputs are stale or invalid is
absent, never frozen.
"""

from __future__ import annotations

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
from monitor.scrape import guarded

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
        try:
            snapshot = self._snapshot()
        except Exception:  # no snapshot: serve the engine's counters and the other collectors
            log.exception("snapshot_failed")
        else:
            for families in SNAPSHOT_FAMILIES:
                yield from guarded(families, snapshot)
        yield from guarded(validation_families, self._engine)
