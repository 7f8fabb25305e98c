"""iTick: US and HK stocks (``stock`` cluster) and FX (``forex`` cluster) over websocket."""

from __future__ import annotations

from pydantic import BaseModel

from monitor.feeds.base import Feed, FeedContext, FeedSpec, FeedType
from monitor.feeds.itick.config import ItickOptions


def create_feed(spec: FeedSpec, options: BaseModel, ctx: FeedContext) -> Feed:
    """Build an iTick feed from its validated options."""
    from monitor.feeds.itick.client import create_itick_feed

    assert isinstance(options, ItickOptions)
    return create_itick_feed(spec, options, ctx)


FEED_TYPE = FeedType(options=ItickOptions, factory=create_feed)

__all__ = ["FEED_TYPE", "ItickOptions", "create_feed"]
