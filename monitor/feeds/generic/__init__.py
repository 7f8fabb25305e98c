"""Generic JSON websocket feed for in-house sources, configured by field mappings."""

from __future__ import annotations

from monitor.feeds.generic.client import GenericAdapter, default_symbol
from monitor.feeds.generic.config import GenericOptions
from monitor.feeds.streaming import StreamingProvider

PROVIDER = StreamingProvider(
    label="generic",
    options=GenericOptions,
    adapter=GenericAdapter,
    default_symbol=default_symbol,
    refuse_if_none_served=False,  # serves whatever it is given, even nothing
)
FEED_TYPE = PROVIDER.feed_type()

__all__ = ["FEED_TYPE", "PROVIDER", "GenericOptions"]
