"""Alpaca market data v2: US stock quotes and trades (IEX or SIP) over websocket."""

from __future__ import annotations

from pydantic import BaseModel

from monitor.feeds.alpaca.config import AlpacaOptions
from monitor.feeds.base import Feed, FeedContext, FeedSpec, FeedType


def create_feed(spec: FeedSpec, options: BaseModel, ctx: FeedContext) -> Feed:
    """Build an Alpaca feed from its validated options."""
    from monitor.feeds.alpaca.client import create_alpaca_feed

    assert isinstance(options, AlpacaOptions)
    return create_alpaca_feed(spec, options, ctx)


FEED_TYPE = FeedType(options=AlpacaOptions, factory=create_feed)

__all__ = ["FEED_TYPE", "AlpacaOptions", "create_feed"]
