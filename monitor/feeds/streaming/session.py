"""What both streaming transports are built from, in one place: a feed's silence
watchdog, the dispatcher every frame goes through and the reconnect loop."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

from monitor.feeds.base import FeedContext
from monitor.feeds.streaming.dispatch import ControlHandler, Dispatcher, Parser
from monitor.feeds.streaming.options import ConnectionOptions
from monitor.feeds.streaming.reconnect import ReconnectLoop, Sleep, venue_open
from monitor.feeds.streaming.watchdog import SilenceWatchdog
from monitor.retry import Monotonic


@dataclass(frozen=True, slots=True)
class StreamParts:
    """The watchdog, dispatcher and reconnect loop of one streaming feed."""

    watchdog: SilenceWatchdog
    dispatcher: Dispatcher
    reconnect: ReconnectLoop

    @classmethod
    def build(
        cls,
        name: str,
        parse: Parser,
        on_control: ControlHandler,
        ctx: FeedContext,
        *,
        instruments: Sequence[str],
        silence_timeout_seconds: float,
        options: ConnectionOptions,
        sleep: Sleep,
        rng: random.Random | None,
        monotonic: Monotonic,
    ) -> StreamParts:
        watchdog = SilenceWatchdog(silence_timeout_seconds, instruments, ctx)
        reconnect = ReconnectLoop(
            ctx.health,
            options,
            sleep=sleep,
            rng=rng,
            monotonic=monotonic,
            in_session=venue_open(ctx, instruments),
        )
        return cls(watchdog, Dispatcher(name, parse, on_control, ctx, watchdog), reconnect)


__all__ = ["StreamParts"]
