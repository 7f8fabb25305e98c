"""The replay feed: recorded tick files served through the normal pipeline.

A replay feed runs on recorded time (the daemon's clock becomes a
:class:`~monitor.recorder.clock.ReplayClock`), so it must be the only enabled feed; the
composition root (:mod:`monitor.app.build`) enforces that and builds the clock.
"""

from __future__ import annotations

from monitor.feeds.base import FeedType
from monitor.feeds.replay.client import ReplayFeed
from monitor.feeds.replay.config import ReplayOptions, parse_speed

FEED_TYPE = FeedType(options=ReplayOptions, factory=ReplayFeed)

__all__ = ["FEED_TYPE", "ReplayFeed", "ReplayOptions", "parse_speed"]
