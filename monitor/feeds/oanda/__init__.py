"""OANDA v20 pricing stream: FX bid/ask (USD_HKD) over chunked HTTP."""

from __future__ import annotations

from monitor.feeds.oanda.client import OandaAdapter, default_symbol
from monitor.feeds.oanda.config import OandaOptions
from monitor.feeds.streaming import StreamingProvider

PROVIDER = StreamingProvider(
    label="oanda",
    options=OandaOptions,
    adapter=OandaAdapter,
    default_symbol=default_symbol,
)
FEED_TYPE = PROVIDER.feed_type()

__all__ = ["FEED_TYPE", "PROVIDER", "OandaOptions"]
