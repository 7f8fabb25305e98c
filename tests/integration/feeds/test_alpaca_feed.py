"""Alpaca v2 feed against a local server speaking the Alpaca stream protocol."""

from __future__ import annotations

import pytest

from monitor.core.events import Quote, Trade
from monitor.feeds.alpaca import PROVIDER
from monitor.feeds.alpaca.config import AlpacaOptions
from monitor.feeds.base import FeedState
from monitor.feeds.streaming import WebSocketFeed
from tests.support.feeds import Recorder, SleepRecorder, Spec, fast_connection, running
from tests.support.polling import eventually
from tests.support.servers.alpaca import AlpacaServer

BATCH = [
    {
        "T": "q",
        "S": "PONY",
        "bx": "V",
        "bp": 18.42,
        "bs": 200,
        "ax": "V",
        "ap": 18.45,
        "as": 400,
        "t": "2026-11-20T20:59:58.123456789Z",
        "c": ["R"],
        "z": "C",
    },
    {
        "T": "t",
        "i": 52983525033527,
        "S": "PONY",
        "x": "V",
        "p": 18.44,
        "s": 150,
        "t": "2026-11-20T20:59:59.000000001Z",
        "c": ["@"],
        "z": "C",
    },
]


def make_feed(
    server: AlpacaServer,
    rec: Recorder,
    *,
    secret: str = "s3cret",
    silence: float = 30.0,
    sleep: SleepRecorder | None = None,
    **conn: float,
) -> WebSocketFeed:
    options = AlpacaOptions.model_validate(
        {
            "key_id": "AKTEST",
            "secret_key": secret,
            "url": server.url,
            "connection": fast_connection(**conn),
        }
    )
    spec = Spec(rec.name, "alpaca", ["PONY", "2026.HK"], silence_timeout_seconds=silence)
    feed = PROVIDER.build(spec, options, rec.ctx, sleep=sleep or SleepRecorder())
    assert isinstance(feed, WebSocketFeed)
    return feed


async def test_control_sequence_then_batched_quote_and_trade() -> None:
    async with AlpacaServer(frames=[BATCH]) as server:
        rec = Recorder("alp")
        async with running(make_feed(server, rec)):
            await eventually(lambda: len(rec.events) == 2, what="batched events")
            assert rec.health.state is FeedState.STREAMING
    assert server.received == [
        {"action": "auth", "key": "AKTEST", "secret": "s3cret"},
        {"action": "subscribe", "quotes": ["PONY"], "trades": ["PONY"]},
    ]
    quote, trade = rec.events
    assert quote == Quote(
        "PONY", 18.42, 200.0, 18.45, 400.0, 1_795_208_398_123_456_789, quote.ts_recv, "alp"
    )
    assert trade == Trade("PONY", 18.44, 150.0, 1_795_208_399_000_000_001, trade.ts_recv, "alp")


async def test_dropped_connection_reconnects_and_resubscribes() -> None:
    async with AlpacaServer(frames=[BATCH[:1]]) as server:
        rec = Recorder("alp")
        async with running(make_feed(server, rec)):
            await eventually(lambda: len(rec.events) == 1, what="first quote")
            server.drop()
            await eventually(lambda: len(rec.events) == 2, what="quote after reconnect")
    assert len(server.subscriptions) == 2
    assert rec.health.reconnects_total == 1


async def test_silent_open_connection_is_reconnected_by_watchdog() -> None:
    async with AlpacaServer(silent=True) as server:
        rec = Recorder("alp")
        rec.sessions.open = {"PONY"}
        async with running(make_feed(server, rec, silence=0.2)):
            await eventually(lambda: len(server.subscriptions) >= 2, what="watchdog reconnect")
    assert rec.health.errors_total["silence"] >= 1


async def test_402_auth_failed_is_fatal_and_retried_slowly() -> None:
    async with AlpacaServer() as server:
        rec = Recorder("alp")
        sleep = SleepRecorder()
        feed = make_feed(
            server,
            rec,
            secret="wrong",
            sleep=sleep,
            fatal_retry_min_seconds=60.0,
            fatal_retry_max_seconds=300.0,
        )
        async with running(feed):
            await eventually(lambda: server.connections >= 2, what="slow retry")
            assert rec.health.state is FeedState.FATAL
            assert rec.health.reason == "alpaca error 402: auth failed"
    assert sleep.delays and all(60.0 <= d <= 300.0 for d in sleep.delays)


async def test_406_connection_limit_is_fatal() -> None:
    async with AlpacaServer(fail_with=406) as server:
        rec = Recorder("alp")
        async with running(make_feed(server, rec)):
            await eventually(lambda: rec.health.state is FeedState.FATAL, what="fatal")
            assert rec.health.reason == "alpaca error 406: connection limit exceeded"


async def test_409_insufficient_subscription_is_fatal() -> None:
    async with AlpacaServer(fail_with=409) as server:
        rec = Recorder("alp")
        async with running(make_feed(server, rec)):
            await eventually(lambda: rec.health.state is FeedState.FATAL, what="fatal")
            assert rec.health.reason == "alpaca error 409: insufficient subscription"


@pytest.mark.parametrize("code", [404, 407])
async def test_auth_timeout_and_slow_client_reconnect_with_normal_backoff(code: int) -> None:
    async with AlpacaServer(fail_with=code, frames=[BATCH[:1]]) as server:
        rec = Recorder("alp")
        sleep = SleepRecorder()
        async with running(make_feed(server, rec, sleep=sleep)):
            await eventually(lambda: server.connections >= 3, what="quick retries")
            assert rec.health.state is not FeedState.FATAL
    assert rec.health.errors_total["protocol"] >= 2
    assert sleep.delays and all(d <= 0.05 for d in sleep.delays)
