"""The plausibility ceiling on sizes: a feed's events with an absurd size never reach the core.

A size beyond ``feeds.<name>.max_size`` shares (a unit mix-up, a corrupted field, a
hostile sender) would poison depth, turnover and VWAP; the event is dropped and counted
as ``dlmon_feed_errors_total{kind="implausible_size"}`` on the feed that sent it. An
infinite or NaN size is left to the core, which rejects it as ``non_finite_size``.
"""

from __future__ import annotations

from monitor.core.events import Event, Quote, Trade
from monitor.feeds.badinput import BadInputLog
from monitor.feeds.base import EventSink, FeedHealth

IMPLAUSIBLE_SIZE = "implausible_size"
_INF = float("inf")


def size_checked(sink: EventSink, max_size: float, health: FeedHealth) -> EventSink:
    """Wrap ``sink`` so that quotes and trades with a size above ``max_size`` are dropped."""
    bad = BadInputLog(health.name)

    def checked(event: Event) -> object:
        if type(event) is Quote:
            if event.bid_size <= max_size and event.ask_size <= max_size:
                return sink(event)  # the common case: plausible sizes (NaN takes the exact test)
            implausible = max_size < event.bid_size < _INF or max_size < event.ask_size < _INF
        elif type(event) is Trade:
            implausible = max_size < event.size < _INF
        else:
            implausible = False
        if implausible:
            health.count_error(IMPLAUSIBLE_SIZE)
            bad.note(IMPLAUSIBLE_SIZE, f"size above {max_size:g}: {event!r}", None, event.ts_recv)
            return False
        return sink(event)

    return checked


__all__ = ["IMPLAUSIBLE_SIZE", "size_checked"]
