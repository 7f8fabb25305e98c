"""Generic JSON websocket feed for in-house sources, configured by field mappings."""

from __future__ import annotations

from pydantic import BaseModel

from monitor.feeds.base import Feed, FeedContext, FeedSpec, FeedType
from monitor.feeds.generic.config import GenericOptions


def create_feed(spec: FeedSpec, options: BaseModel, ctx: FeedContext) -> Feed:
    """Build a generic websocket feed from its validated options."""
    from monitor.feeds.generic.client import create_generic_feed

    assert isinstance(options, GenericOptions)
    return create_generic_feed(spec, options, ctx)


FEED_TYPE = FeedType(options=GenericOptions, factory=create_feed)

__all__ = ["FEED_TYPE", "GenericOptions", "create_feed"]
