"""The replay feed: recorded tick files served through the normal pipeline.

A replay feed runs on recorded time (the daemon's clock becomes a
:class:`~monitor.recorder.clock.ReplayClock`), so it must be the only enabled feed; the
composition root (:mod:`monitor.app.build`) enforces that and builds the clock.
"""

from __future__ import annotations

from pydantic import BaseModel

from monitor.feeds.base import Feed, FeedContext, FeedSpec, FeedType
from monitor.feeds.replay.config import ReplayOptions, parse_speed


def create_feed(spec: FeedSpec, options: BaseModel, ctx: FeedContext) -> Feed:
    from monitor.feeds.replay.client import ReplayFeed

    assert isinstance(options, ReplayOptions)
    return ReplayFeed(spec, options, ctx)


FEED_TYPE = FeedType(options=ReplayOptions, factory=create_feed)

__all__ = ["FEED_TYPE", "ReplayOptions", "create_feed", "parse_speed"]
