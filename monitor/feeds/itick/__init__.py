"""iTick: US and HK stocks (``stock`` cluster) and FX (``forex`` cluster) over websocket."""

from __future__ import annotations

from monitor.feeds.itick.client import ItickAdapter, default_symbol
from monitor.feeds.itick.config import ItickOptions
from monitor.feeds.streaming import StreamingProvider

PROVIDER = StreamingProvider(
    label=lambda options: f"itick {options.market}",
    options=ItickOptions,
    adapter=ItickAdapter,
    default_symbol=default_symbol,
    refuse_if_none_served=False,  # serving none of its instruments only warns
)
FEED_TYPE = PROVIDER.feed_type()

__all__ = ["FEED_TYPE", "PROVIDER", "ItickOptions"]
