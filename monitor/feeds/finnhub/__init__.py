"""Finnhub: US trades and FX last prices (e.g. OANDA:USD_HKD) over websocket; no quotes."""

from __future__ import annotations

from pydantic import BaseModel

from monitor.feeds.base import Feed, FeedContext, FeedSpec, FeedType
from monitor.feeds.finnhub.config import FinnhubOptions


def create_feed(spec: FeedSpec, options: BaseModel, ctx: FeedContext) -> Feed:
    """Build a Finnhub feed from its validated options."""
    from monitor.feeds.finnhub.client import create_finnhub_feed

    assert isinstance(options, FinnhubOptions)
    return create_finnhub_feed(spec, options, ctx)


FEED_TYPE = FeedType(options=FinnhubOptions, factory=create_feed)

__all__ = ["FEED_TYPE", "FinnhubOptions", "create_feed"]
