"""The built-in simulator: a realistic, deterministic PONY / 2026.HK / USDHKD feed."""

from __future__ import annotations

from pydantic import BaseModel

from monitor.feeds.base import Feed, FeedContext, FeedSpec, FeedType
from monitor.feeds.simulator.config import SimulatorOptions


def create_feed(spec: FeedSpec, options: BaseModel, ctx: FeedContext) -> Feed:
    from monitor.feeds.simulator.client import SimulatorFeed

    assert isinstance(options, SimulatorOptions)
    return SimulatorFeed(spec, options, ctx)


FEED_TYPE = FeedType(options=SimulatorOptions, factory=create_feed)

__all__ = ["FEED_TYPE", "SimulatorOptions", "create_feed"]
