"""Polygon/Massive feed against a local server speaking the Polygon protocol."""

from __future__ import annotations

import asyncio

from monitor.core.events import FxQuote, Quote, Trade
from monitor.feeds.base import FeedState
from monitor.feeds.polygon import PROVIDER
from monitor.feeds.polygon.config import PolygonOptions
from monitor.feeds.streaming import WebSocketFeed
from tests.support.feeds import Recorder, SleepRecorder, Spec, fast_connection, running
from tests.support.polling import eventually
from tests.support.servers.polygon import PolygonServer

QUOTE = {
    "ev": "Q",
    "sym": "PONY",
    "bx": 12,
    "bp": 18.42,
    "bs": 300,
    "ax": 11,
    "ap": 18.45,
    "as": 500,
    "c": 0,
    "i": [604],
    "t": 1763780400123,
    "q": 50385480,
    "z": 3,
}
TRADE = {
    "ev": "T",
    "sym": "PONY",
    "x": 4,
    "i": "52983525029461",
    "z": 3,
    "p": 18.44,
    "s": 200,
    "c": [0, 12],
    "t": 1763780400456,
    "q": 3681328,
}


def make_feed(
    server: PolygonServer,
    rec: Recorder,
    *,
    key: str = "good-key",
    silence: float = 30.0,
    sleep: SleepRecorder | None = None,
    market: str = "stocks",
    **conn: float,
) -> WebSocketFeed:
    options = PolygonOptions.model_validate(
        {"api_key": key, "url": server.url, "market": market, "connection": fast_connection(**conn)}
    )
    instruments = ["USDHKD"] if market == "forex" else ["PONY", "2026.HK", "USDHKD"]
    spec = Spec(rec.name, "polygon", instruments, silence_timeout_seconds=silence)
    feed = PROVIDER.build(spec, options, rec.ctx, sleep=sleep or SleepRecorder())
    assert isinstance(feed, WebSocketFeed)
    return feed


async def test_connects_authenticates_subscribes_and_streams() -> None:
    async with PolygonServer(frames=[[QUOTE, TRADE]]) as server:
        rec = Recorder("poly")
        feed = make_feed(server, rec)
        async with running(feed):
            await eventually(lambda: len(rec.events) >= 2, what="quote and trade")
            assert rec.health.state is FeedState.STREAMING

    assert server.received == [
        {"action": "auth", "params": "good-key"},
        {"action": "subscribe", "params": "Q.PONY,T.PONY"},
    ]
    quote, trade = rec.events
    assert quote == Quote(
        "PONY", 18.42, 300.0, 18.45, 500.0, 1763780400123000000, quote.ts_recv, "poly"
    )
    assert trade == Trade("PONY", 18.44, 200.0, 1763780400456000000, trade.ts_recv, "poly")
    assert rec.health.messages_total >= 4
    assert rec.health.last_message_ns >= quote.ts_recv


async def test_forex_cluster_streams_usdhkd() -> None:
    frame = [{"ev": "C", "p": "USD/HKD", "x": 48, "a": 7.7815, "b": 7.7812, "t": 1763780400789}]
    async with PolygonServer(frames=[frame], market="forex") as server:
        rec = Recorder("polyfx")
        async with running(make_feed(server, rec, market="forex")):
            await eventually(lambda: rec.events, what="fx quote")
    assert server.received[1] == {"action": "subscribe", "params": "C.USD/HKD"}
    (fx,) = rec.events
    assert fx == FxQuote("USDHKD", 7.7812, 7.7815, 1763780400789000000, fx.ts_recv, "polyfx")


async def test_dropped_connection_reconnects_and_resubscribes() -> None:
    async with PolygonServer(frames=[[QUOTE]]) as server:
        rec = Recorder("poly")
        async with running(make_feed(server, rec)):
            await eventually(lambda: len(rec.events) == 1, what="first quote")
            server.drop()
            await eventually(lambda: len(rec.events) == 2, what="quote after reconnect")
            assert rec.health.state is FeedState.STREAMING
    assert server.connections == 2
    assert server.subscriptions == ["Q.PONY,T.PONY", "Q.PONY,T.PONY"]
    assert rec.health.reconnects_total == 1
    assert rec.health.errors_total.get("disconnect") == 1


async def test_silent_open_connection_is_reconnected_by_watchdog() -> None:
    async with PolygonServer(silent=True) as server:
        rec = Recorder("poly")
        rec.sessions.open = {"PONY"}
        async with running(make_feed(server, rec, silence=0.2)):
            await eventually(lambda: len(server.subscriptions) >= 2, what="watchdog reconnect")
    assert rec.health.errors_total.get("silence", 0) >= 1
    assert server.connections >= 2


async def test_data_flowing_longer_than_the_silence_timeout_keeps_the_connection() -> None:
    async with PolygonServer() as server:
        rec = Recorder("poly")
        rec.sessions.open = {"PONY"}
        async with running(make_feed(server, rec, silence=0.3)):
            await eventually(lambda: server.subscriptions, what="subscribed")
            loop = asyncio.get_running_loop()
            end = loop.time() + 1.0  # over three silence timeouts, one timer armed at a time
            while loop.time() < end:
                seen = len(rec.events)
                await server.broadcast([QUOTE])
                await eventually(lambda seen=seen: len(rec.events) > seen, what="the quote")
            assert server.connections == 1
            assert rec.health.errors_total.get("silence", 0) == 0
            await eventually(lambda: server.connections >= 2, what="watchdog after data stops")
    assert rec.health.errors_total.get("silence", 0) >= 1


async def test_bad_key_sets_fatal_with_reason_and_retries_slowly() -> None:
    async with PolygonServer(api_key="right") as server:
        rec = Recorder("poly")
        sleep = SleepRecorder()
        feed = make_feed(
            server,
            rec,
            key="wrong",
            sleep=sleep,
            fatal_retry_min_seconds=60.0,
            fatal_retry_max_seconds=300.0,
        )
        async with running(feed):
            await eventually(lambda: server.connections >= 2, what="slow retry")
            assert rec.health.state is FeedState.FATAL
            assert rec.health.reason == "polygon auth_failed: authentication failed"
    assert all(60.0 <= d <= 300.0 for d in sleep.delays)
    assert rec.health.errors_total["fatal"] >= 1
    assert not rec.events


async def test_max_connections_closes_1008_and_is_fatal() -> None:
    async with PolygonServer(max_connections=True) as server:
        rec = Recorder("poly")
        sleep = SleepRecorder()
        async with running(
            make_feed(
                server,
                rec,
                sleep=sleep,
                fatal_retry_min_seconds=90.0,
                fatal_retry_max_seconds=120.0,
            )
        ):
            await eventually(lambda: rec.health.state is FeedState.FATAL, what="fatal")
            assert "max_connections" in rec.health.reason
    assert sleep.delays and all(90.0 <= d <= 120.0 for d in sleep.delays)


async def test_hostile_batch_over_the_wire_delivers_the_good_quotes_and_counts_the_rest() -> None:
    junk = [
        {**QUOTE, "sym": ["PONY"]},  # unhashable symbol
        {**QUOTE, "t": "9" * 5000},  # a time too long to read
        {**QUOTE, "bp": None},
        {**QUOTE, "sym": "ZZZZ"},  # not subscribed
        "garbage",
    ]
    frame = [junk[0], QUOTE, junk[1], junk[2], {**QUOTE, "bp": 18.43}, junk[3], junk[4]]
    async with PolygonServer(frames=[frame]) as server:
        rec = Recorder("poly")
        async with running(make_feed(server, rec)):
            await eventually(lambda: len(rec.events) >= 2, what="the two good quotes")
            await eventually(
                lambda: rec.health.errors_total == {"parse": 4, "unknown_symbol": 1},
                what="every bad element counted by kind",
            )
    assert [e.bid for e in rec.events] == [18.42, 18.43]  # type: ignore[union-attr]
