"""OANDA v20 pricing stream feed against a local aiohttp server speaking its protocol."""

from __future__ import annotations

import asyncio

from monitor.core.events import FxQuote
from monitor.feeds.base import FeedState
from monitor.feeds.oanda import PROVIDER
from monitor.feeds.oanda.config import OandaOptions
from monitor.feeds.streaming import HttpStreamFeed
from tests.support.feeds import Recorder, SleepRecorder, Spec, fast_connection, running
from tests.support.polling import eventually
from tests.support.servers.oanda import OandaServer

PRICE = {
    "type": "PRICE",
    "instrument": "USD_HKD",
    "time": "2026-11-20T09:30:00.123456789Z",
    "status": "tradeable",
    "tradeable": True,
    "bids": [
        {"price": "7.78120", "liquidity": 1000000},
        {"price": "7.78110", "liquidity": 5000000},
    ],
    "asks": [{"price": "7.78160", "liquidity": 1000000}],
    "closeoutBid": "7.78100",
    "closeoutAsk": "7.78180",
}
HEARTBEAT = {"type": "HEARTBEAT", "time": "2026-11-20T09:30:01.000000000Z"}


def make_feed(
    server: OandaServer,
    rec: Recorder,
    *,
    token: str = "good-token",
    account: str = "101-001-1234567-001",
    silence: float = 30.0,
    line_timeout: float = 10.0,
    sleep: SleepRecorder | None = None,
    **conn: float,
) -> HttpStreamFeed:
    options = OandaOptions.model_validate(
        {
            "token": token,
            "account_id": account,
            "url": server.url,
            "line_timeout_seconds": line_timeout,
            "connection": fast_connection(**conn),
        }
    )
    spec = Spec(rec.name, "oanda", ["PONY", "USDHKD"], silence_timeout_seconds=silence)
    feed = PROVIDER.build(spec, options, rec.ctx, sleep=sleep or SleepRecorder())
    assert isinstance(feed, HttpStreamFeed)
    return feed


async def test_streams_prices_with_heartbeats() -> None:
    async with OandaServer(frames=[HEARTBEAT, PRICE]) as server:
        rec = Recorder("oa")
        async with running(make_feed(server, rec)):
            await eventually(lambda: rec.events, what="price")
            assert rec.health.state is FeedState.STREAMING
    assert server.queries[0] == {"instruments": "USD_HKD"}
    assert server.headers[0]["Authorization"] == "Bearer good-token"
    (quote,) = rec.events
    assert quote == FxQuote(
        "USDHKD", 7.7812, 7.7816, 1_795_167_000_123_456_789, quote.ts_recv, "oa"
    )


async def test_dropped_stream_reconnects_and_requests_again() -> None:
    async with OandaServer(frames=[PRICE]) as server:
        rec = Recorder("oa")
        async with running(make_feed(server, rec)):
            await eventually(lambda: len(rec.events) == 1, what="first price")
            server.drop()
            await eventually(lambda: len(rec.events) == 2, what="price after reconnect")
    assert server.queries == [{"instruments": "USD_HKD"}] * 2
    assert rec.health.reconnects_total == 1
    assert rec.health.errors_total == {"disconnect": 1}


async def test_no_line_at_all_reconnects_after_line_timeout() -> None:
    async with OandaServer(mute=True) as server:
        rec = Recorder("oa")
        async with running(make_feed(server, rec, line_timeout=0.2)):
            await eventually(lambda: server.connections >= 2, what="line-timeout reconnect")
    assert rec.health.errors_total["timeout"] >= 1


async def test_prices_flowing_longer_than_both_timeouts_keep_the_stream() -> None:
    async with OandaServer(silent=True) as server:
        rec = Recorder("oa")
        rec.sessions.open = {"USDHKD"}
        async with running(make_feed(server, rec, silence=0.3, line_timeout=0.3)):
            await eventually(lambda: server.connections == 1, what="the stream")
            loop = asyncio.get_running_loop()
            end = loop.time() + 1.0  # over three of each timeout, one timer armed at a time
            while loop.time() < end:
                seen = len(rec.events)
                await server.broadcast(PRICE)
                await eventually(lambda seen=seen: len(rec.events) > seen, what="the price")
            assert server.connections == 1
            assert rec.health.errors_total == {}
            await eventually(lambda: server.connections >= 2, what="a timeout after the flow stops")


async def test_heartbeats_without_prices_trip_the_watchdog_in_session() -> None:
    async with OandaServer(silent=True, heartbeat_every=0.02) as server:
        rec = Recorder("oa")
        rec.sessions.open = {"USDHKD"}
        async with running(make_feed(server, rec, silence=0.3)):
            await eventually(lambda: server.connections >= 2, what="watchdog reconnect")
    assert rec.health.errors_total["silence"] >= 1
    assert "timeout" not in rec.health.errors_total


async def test_bad_token_401_is_fatal_and_retried_slowly() -> None:
    async with OandaServer(token="right") as server:
        rec = Recorder("oa")
        sleep = SleepRecorder()
        feed = make_feed(
            server, rec, sleep=sleep, fatal_retry_min_seconds=60.0, fatal_retry_max_seconds=300.0
        )
        async with running(feed):
            await eventually(lambda: len(server.rejected) >= 2, what="slow retry")
            assert rec.health.state is FeedState.FATAL
            assert rec.health.reason == (
                "oanda HTTP 401: Insufficient authorization to perform request."
            )
    assert all(60.0 <= d <= 300.0 for d in sleep.delays)


async def test_unknown_account_404_is_fatal() -> None:
    async with OandaServer() as server:
        rec = Recorder("oa")
        async with running(make_feed(server, rec, account="101-001-0000000-009")):
            await eventually(lambda: rec.health.state is FeedState.FATAL, what="fatal")
            assert rec.health.reason == "oanda HTTP 404: The specified Account does not exist."


async def test_over_long_line_is_dropped_and_counted_while_the_stream_goes_on() -> None:
    long_line = b'{"type":"PRICE","padding":"' + b"x" * 5000 + b'"}'
    async with OandaServer(frames=[long_line, b"{not json", PRICE]) as server:
        rec = Recorder("oa")
        async with running(make_feed(server, rec, max_frame_bytes=1024)):
            await eventually(lambda: rec.events, what="price after the long line")
            assert server.connections == 1
    assert rec.health.errors_total == {"oversize": 1, "parse": 1}
    assert isinstance(rec.events[0], FxQuote)
