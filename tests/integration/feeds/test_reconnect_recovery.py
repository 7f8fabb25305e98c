"""Recovery after a provider outage and under flapping, against a local Polygon server.

The feed runs with the production reconnect defaults. Backoff sleeps pass in virtual time
(tests/support/virtual_time.py): a 20 s outage takes milliseconds, while connecting,
authenticating and subscribing take their real time. Recovery is measured in virtual
seconds from the provider's return (or the drop) to the first quote of the new session,
which is also what the engine's premium is computed from.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from monitor.core.engine import Engine
from monitor.core.events import Event, FxQuote, Quote
from monitor.core.sessions import SessionCalendar
from monitor.expose.metrics.feeds import FeedsCollector
from monitor.feeds.base import FeedContext, FeedHealth
from monitor.feeds.polygon import PROVIDER
from monitor.feeds.polygon.config import PolygonOptions
from monitor.feeds.streaming import WebSocketFeed
from tests.support.builders import pony_pair
from tests.support.feeds import Sessions, Spec, running
from tests.support.polling import eventually
from tests.support.servers.polygon import PolygonServer
from tests.support.virtual_time import VirtualTime

HK_BID, HK_ASK = 118.4, 118.5
FX_BID, FX_ASK = 7.8231, 7.8236


def quote(bid: float) -> list[dict[str, Any]]:
    """A Polygon stock quote frame for PONY stamped now (sizes in shares, post-2025-11-03)."""
    return [
        {
            "ev": "Q",
            "sym": "PONY",
            "bx": 12,
            "bp": bid,
            "bs": 300,
            "ax": 11,
            "ap": round(bid + 0.02, 2),
            "as": 500,
            "t": time.time_ns() // 1_000_000,
            "q": 1,
            "z": 3,
        }
    ]


def expected_mid(us_bid: float) -> float:
    us_mid = (us_bid + round(us_bid + 0.02, 2)) / 2
    return us_mid * (FX_BID + FX_ASK) / 2 / ((HK_BID + HK_ASK) / 2) - 1


@dataclass
class World:
    """A Polygon feed in virtual time whose quotes feed an engine with HK and FX legs."""

    server: PolygonServer
    time: VirtualTime = field(default_factory=VirtualTime)
    health: FeedHealth = field(default_factory=lambda: FeedHealth("poly"))
    arrivals: list[tuple[float, Quote]] = field(default_factory=list)
    engine: Engine = field(
        default_factory=lambda: Engine([pony_pair()], SessionCalendar("always_open"))
    )

    def __post_init__(self) -> None:
        now = time.time_ns()
        self.engine.on_event(Quote("2026.HK", HK_BID, 1000, HK_ASK, 1000, now, now, "hk"))
        self.engine.on_event(FxQuote("USDHKD", FX_BID, FX_ASK, now, now, "fx"))

    def sink(self, event: Event) -> None:
        self.engine.on_event(event)
        if isinstance(event, Quote):
            self.arrivals.append((self.time.monotonic(), event))

    def feed(self) -> WebSocketFeed:
        options = PolygonOptions.model_validate(
            {
                "api_key": "good-key",
                "url": self.server.url,
                "connection": {"handshake_timeout_seconds": 2.0, "close_timeout_seconds": 0.2},
            }
        )
        ctx = FeedContext(self.sink, time.time_ns, Sessions(open={"PONY"}), self.health)
        feed = PROVIDER.build(
            Spec("poly", "polygon", ["PONY"]),
            options,
            ctx,
            sleep=self.time.sleep,
            monotonic=self.time.monotonic,
        )
        assert isinstance(feed, WebSocketFeed)
        return feed

    def first_arrival(self, bid: float, after: int = 0) -> float | None:
        return next((t for t, q in self.arrivals[after:] if q.bid == bid), None)

    def premium(self) -> float | None:
        return self.engine.snapshot(time.time_ns()).pairs[0].premium.mid


async def test_premium_is_back_within_2s_of_the_return_of_a_provider_down_for_20s() -> None:
    async with PolygonServer(frames=[quote(15.00)]) as server:
        world = World(server)
        async with running(world.feed()):
            await eventually(lambda: world.first_arrival(15.00), what="first quote")
            attempts_before = world.health.connect_attempts_total
            server.frames = [quote(15.50)]
            await server.stop()
            returned_at = world.time.monotonic() + 20.0
            world.time.at(returned_at, server.start)
            await eventually(lambda: world.first_arrival(15.50), what="quote after the return")
            back_at = world.first_arrival(15.50)
            assert world.premium() == pytest.approx(expected_mid(15.50), rel=1e-12)

    assert back_at is not None
    recovery = back_at - returned_at
    attempts = world.health.connect_attempts_total - attempts_before
    print(f"\noutage 20 s: back {recovery:.3f} s after the return, {attempts} attempts")
    assert 0 <= recovery <= 2.0
    assert attempts <= 20 + 1  # at most one a second, plus the one that succeeded
    assert all(d <= 1.5 for d in world.time.sleeps)  # the in-session ceiling


async def test_a_provider_dropping_every_5s_for_a_minute_is_back_within_2s_each_time() -> None:
    async with PolygonServer(frames=[quote(15.00)]) as server:
        world = World(server)
        recoveries: list[float] = []
        async with running(world.feed()):
            await eventually(lambda: world.arrivals, what="first quote")
            for _ in range(12):
                await world.time.advance(5.0)  # five seconds of streaming
                seen = len(world.arrivals)
                dropped_at = world.time.monotonic()
                server.drop()
                await eventually(lambda n=seen: len(world.arrivals) > n, what="quote after drop")
                recoveries.append(world.arrivals[seen][0] - dropped_at)
            assert world.premium() == pytest.approx(expected_mid(15.00), rel=1e-12)

    print(
        f"\nflapping: {len(recoveries)} drops, recovery max {max(recoveries):.3f} s,"
        f" mean {sum(recoveries) / len(recoveries):.3f} s,"
        f" {world.health.connect_attempts_total} attempts"
    )
    assert max(recoveries) <= 2.0
    assert world.health.connect_attempts_total == 13  # one per drop, never more
    registry = CollectorRegistry()
    FeedsCollector(lambda: [world.health], registry=registry)
    assert registry.get_sample_value("dlmon_feed_connect_attempts_total", {"feed": "poly"}) == 13
    assert all(d <= 1.0 for d in world.time.sleeps)  # the delay never climbs


async def test_in_real_time_too_a_3s_outage_is_recovered_within_2s() -> None:
    """The same policy on the real clock (a shorter outage keeps the test quick)."""
    async with PolygonServer(frames=[quote(15.00)]) as server:
        health = FeedHealth("poly")
        arrivals: list[float] = []
        options = PolygonOptions.model_validate(
            {"api_key": "good-key", "url": server.url, "connection": {"close_timeout_seconds": 0.2}}
        )
        ctx = FeedContext(
            lambda event: arrivals.append(time.monotonic()),
            time.time_ns,
            Sessions(open={"PONY"}),
            health,
        )
        feed = PROVIDER.build(Spec("poly", "polygon", ["PONY"]), options, ctx)
        async with running(feed):
            await eventually(lambda: arrivals, what="first quote")
            await server.stop()
            await eventually(lambda: health.connect_attempts_total >= 3, what="failed attempts")
            seen = len(arrivals)
            await server.start()
            returned_at = time.monotonic()
            await eventually(lambda: len(arrivals) > seen, what="quote after the return")
    recovery = arrivals[seen] - returned_at
    print(f"\nreal time: back {recovery:.3f} s after the return")
    assert recovery <= 2.0
