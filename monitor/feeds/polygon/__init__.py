"""Polygon.io / Massive: US stocks (Q quotes, T trades) or forex (C quotes) over websocket."""

from __future__ import annotations

from monitor.feeds.polygon.client import PolygonAdapter, default_symbol
from monitor.feeds.polygon.config import PolygonOptions
from monitor.feeds.streaming import StreamingProvider

PROVIDER = StreamingProvider(
    label=lambda options: f"polygon {options.market}",
    options=PolygonOptions,
    adapter=PolygonAdapter,
    default_symbol=default_symbol,
)
FEED_TYPE = PROVIDER.feed_type()

__all__ = ["FEED_TYPE", "PROVIDER", "PolygonOptions"]
