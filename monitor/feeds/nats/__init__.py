"""The bus feed: a gateway's events from NATS JetStream (``type: nats``; needs ``dlmon[nats]``)."""

from __future__ import annotations

from typing import Any

from monitor.feeds.base import Feed, FeedContext, FeedSpec, FeedType
from monitor.feeds.nats.config import NatsOptions


def create_nats_feed(spec: FeedSpec, options: NatsOptions, ctx: FeedContext) -> Feed:
    """Build a :class:`~monitor.feeds.nats.client.NatsFeed` (imports ``nats-py`` lazily)."""
    from monitor.feeds.nats.client import NatsFeed

    return NatsFeed(spec, options, ctx)


FEED_TYPE: FeedType[Any] = FeedType(
    options=NatsOptions, factory=create_nats_feed, extra="nats", requires=("nats", "msgpack")
)

__all__ = ["FEED_TYPE", "NatsOptions", "create_nats_feed"]
