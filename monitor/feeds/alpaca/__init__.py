"""Alpaca market data v2: US stock quotes and trades (IEX or SIP) over websocket."""

from __future__ import annotations

from monitor.feeds.alpaca.client import AlpacaAdapter, default_symbol
from monitor.feeds.alpaca.config import AlpacaOptions
from monitor.feeds.streaming import StreamingProvider

PROVIDER = StreamingProvider(
    label="alpaca",
    options=AlpacaOptions,
    adapter=AlpacaAdapter,
    default_symbol=default_symbol,
)
FEED_TYPE = PROVIDER.feed_type()

__all__ = ["FEED_TYPE", "PROVIDER", "AlpacaOptions"]
