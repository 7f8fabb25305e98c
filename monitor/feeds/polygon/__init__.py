"""Polygon.io / Massive: US stocks (Q quotes, T trades) or forex (C quotes) over websocket."""

from __future__ import annotations

from pydantic import BaseModel

from monitor.feeds.base import Feed, FeedContext, FeedSpec, FeedType
from monitor.feeds.polygon.config import PolygonOptions


def create_feed(spec: FeedSpec, options: BaseModel, ctx: FeedContext) -> Feed:
    """Build a Polygon feed from its validated options."""
    from monitor.feeds.polygon.client import create_polygon_feed

    assert isinstance(options, PolygonOptions)
    return create_polygon_feed(spec, options, ctx)


FEED_TYPE = FeedType(options=PolygonOptions, factory=create_feed)

__all__ = ["FEED_TYPE", "PolygonOptions", "create_feed"]
