"""OANDA v20 pricing stream: FX bid/ask (USD_HKD) over chunked HTTP."""

from __future__ import annotations

from pydantic import BaseModel

from monitor.feeds.base import Feed, FeedContext, FeedSpec, FeedType
from monitor.feeds.oanda.config import OandaOptions


def create_feed(spec: FeedSpec, options: BaseModel, ctx: FeedContext) -> Feed:
    """Build an OANDA feed from its validated options."""
    from monitor.feeds.oanda.client import create_oanda_feed

    assert isinstance(options, OandaOptions)
    return create_oanda_feed(spec, options, ctx)


FEED_TYPE = FeedType(options=OandaOptions, factory=create_feed)

__all__ = ["FEED_TYPE", "OandaOptions", "create_feed"]
