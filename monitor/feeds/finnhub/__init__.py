"""Finnhub: US trades and FX last prices (e.g. OANDA:USD_HKD) over websocket; no quotes."""

from __future__ import annotations

from monitor.feeds.finnhub.client import FinnhubAdapter, default_symbol
from monitor.feeds.finnhub.config import FinnhubOptions
from monitor.feeds.streaming import StreamingProvider

PROVIDER = StreamingProvider(
    label="finnhub",
    options=FinnhubOptions,
    adapter=FinnhubAdapter,
    default_symbol=default_symbol,
)
FEED_TYPE = PROVIDER.feed_type()

__all__ = ["FEED_TYPE", "PROVIDER", "FinnhubOptions"]
