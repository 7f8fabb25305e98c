"""The built-in simulator: a realistic, deterministic PONY / 2026.HK / USDHKD feed."""

from __future__ import annotations

from monitor.feeds.base import FeedType
from monitor.feeds.simulator.client import SimulatorFeed
from monitor.feeds.simulator.config import SimulatorOptions

FEED_TYPE = FeedType(options=SimulatorOptions, factory=SimulatorFeed)

__all__ = ["FEED_TYPE", "SimulatorFeed", "SimulatorOptions"]
