"""The replay feed: recorded tick files served through the normal pipeline."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pydantic import BaseModel

from monitor.errors import ConfigError
from monitor.feeds.base import Clock, Feed, FeedContext, FeedSpec, FeedType
from monitor.feeds.replay.config import ReplayOptions, parse_speed
from monitor.recorder.clock import ReplayClock

if TYPE_CHECKING:
    from monitor.config import Settings


def create_feed(spec: FeedSpec, options: BaseModel, ctx: FeedContext) -> Feed:
    from monitor.feeds.replay.client import ReplayFeed

    assert isinstance(options, ReplayOptions)
    return ReplayFeed(spec, options, ctx)


FEED_TYPE = FeedType(options=ReplayOptions, factory=create_feed)


def check_replay_alone(settings: Settings) -> list[str]:
    """Names of the enabled replay feeds; ConfigError if one runs beside other feeds."""
    enabled = [name for name, cfg in settings.feeds.items() if cfg.enabled]
    replays = [name for name in enabled if settings.feeds[name].type == "replay"]
    if replays and len(enabled) > 1:
        raise ConfigError(
            f"feeds.{replays[0]}: a replay feed runs on recorded time and must be the only"
            f" enabled feed (enabled: {', '.join(enabled)})"
        )
    return replays


def replay_clock(settings: Settings, default: Clock) -> Clock:
    """The daemon's clock: a :class:`ReplayClock` when a replay feed is enabled, else ``default``.

    A replay feed brings its own time, so it must be the only enabled feed.
    """
    enabled = {name: cfg for name, cfg in settings.feeds.items() if cfg.enabled}
    replays = check_replay_alone(settings)
    if not replays:
        return default
    from monitor.wiring import feed_options  # late: wiring imports the feed registry

    options = feed_options(replays[0], enabled[replays[0]])
    assert isinstance(options, ReplayOptions)
    return ReplayClock(options.speed)


__all__ = [
    "FEED_TYPE",
    "ReplayClock",
    "ReplayOptions",
    "create_feed",
    "parse_speed",
    "replay_clock",
]
