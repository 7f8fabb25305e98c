"""The gateway's publisher: never blocks the feeds, loses nothing it can keep, counts the rest."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from monitor.bus.encoding import decode
from monitor.bus.publisher import BusPublisher
from monitor.core.events import Event, Trade
from monitor.settings.bus import BusConfig
from tests.support.builders import T0


class FlakyJetStream:
    """Accepts ``accept`` publishes, then the connection drops."""

    def __init__(self, accept: int) -> None:
        self.accept = accept
        self.sent: list[tuple[str, bytes]] = []

    async def publish_async(self, subject: str, payload: bytes) -> asyncio.Future[Any]:
        if len(self.sent) >= self.accept:
            raise ConnectionResetError("connection closed")
        self.sent.append((subject, payload))
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        future.set_result(object())
        return future


def trade(instrument: str, i: int) -> Event:
    return Trade(instrument, 10.0 + i, 1.0, T0 + i, T0 + i, "sim")


def test_a_full_queue_drops_and_counts_without_blocking() -> None:
    publisher = BusPublisher(BusConfig(queue_size=3))
    for i in range(5):
        publisher.offer(trade("PONY", i))
    assert (publisher.queued, publisher.stats.offered, publisher.stats.dropped) == (3, 5, 2)


async def test_events_not_yet_published_when_the_connection_drops_go_back_in_order() -> None:
    publisher = BusPublisher(BusConfig(batch_events=2, queue_size=100))
    events = [trade("PONY", i) for i in range(4)] + [trade("2026.HK", i) for i in range(3)]
    for event in events:
        publisher.offer(event)
    js = FlakyJetStream(accept=1)
    with pytest.raises(ConnectionResetError):
        await publisher._publish_events(js)  # type: ignore[arg-type]
    await asyncio.sleep(0)  # acknowledgement callbacks
    (subject, payload), = js.sent  # fmt: skip
    assert subject == "dlmon.ticks.sim.PONY" and decode(payload) == events[:2]
    assert list(publisher._queue) == events[2:]
    s = publisher.stats
    assert s.offered == s.published_events + publisher.queued + s.dropped + s.failed_events


def test_the_stopping_state_is_the_feeds_stopped_state() -> None:
    from monitor.bus.publisher import STOPPED
    from monitor.feeds.base import FeedState

    assert FeedState.STOPPED.value == STOPPED
