"""Finnhub feed against a local server speaking the Finnhub socket protocol."""

from __future__ import annotations

from monitor.core.events import Trade
from monitor.feeds.base import FeedState
from monitor.feeds.finnhub import PROVIDER
from monitor.feeds.finnhub.config import FinnhubOptions
from monitor.feeds.streaming import WebSocketFeed
from tests.support.feeds import Recorder, SleepRecorder, Spec, fast_connection, running
from tests.support.polling import eventually
from tests.support.servers.finnhub import FinnhubServer

TRADES = {
    "type": "trade",
    "data": [
        {"c": ["1", "12"], "p": 18.44, "s": "PONY", "t": 1763758799123, "v": 100},
        {"p": 7.7814, "s": "OANDA:USD_HKD", "t": 1763758799456, "v": 0},
    ],
}


def make_feed(
    server: FinnhubServer,
    rec: Recorder,
    *,
    token: str = "good-token",
    silence: float = 30.0,
    sleep: SleepRecorder | None = None,
    **conn: float,
) -> WebSocketFeed:
    options = FinnhubOptions.model_validate(
        {"api_key": token, "url": server.url, "connection": fast_connection(**conn)}
    )
    spec = Spec(rec.name, "finnhub", ["PONY", "2026.HK", "USDHKD"], silence_timeout_seconds=silence)
    feed = PROVIDER.build(spec, options, rec.ctx, sleep=sleep or SleepRecorder())
    assert isinstance(feed, WebSocketFeed)
    return feed


async def test_token_subscribe_and_trades_for_stock_and_fx() -> None:
    async with FinnhubServer(frames=[{"type": "ping"}, TRADES], expected_symbols=2) as server:
        rec = Recorder("fh")
        async with running(make_feed(server, rec)):
            await eventually(lambda: len(rec.events) == 2, what="trades")
            assert rec.health.state is FeedState.STREAMING
    assert server.request_paths[0] == "/?token=good-token"
    assert server.received == [
        {"type": "subscribe", "symbol": "PONY"},
        {"type": "subscribe", "symbol": "OANDA:USD_HKD"},
    ]
    stock, fx = rec.events
    assert stock == Trade("PONY", 18.44, 100.0, 1_763_758_799_123_000_000, stock.ts_recv, "fh")
    assert fx == Trade("USDHKD", 7.7814, 0.0, 1_763_758_799_456_000_000, fx.ts_recv, "fh")


async def test_dropped_connection_reconnects_and_resubscribes_every_symbol() -> None:
    async with FinnhubServer(frames=[TRADES], expected_symbols=2) as server:
        rec = Recorder("fh")
        async with running(make_feed(server, rec)):
            await eventually(lambda: len(rec.events) == 2, what="first trades")
            server.drop()
            await eventually(lambda: len(rec.events) == 4, what="trades after reconnect")
    assert server.subscriptions == ["PONY", "OANDA:USD_HKD"] * 2
    assert rec.health.reconnects_total == 1


async def test_server_pings_do_not_hide_a_silent_feed() -> None:
    async with FinnhubServer(silent=True, ping_every=0.02, expected_symbols=2) as server:
        rec = Recorder("fh")
        rec.sessions.open = {"USDHKD"}
        async with running(make_feed(server, rec, silence=0.3)):
            await eventually(lambda: len(server.subscriptions) >= 4, what="watchdog reconnect")
    assert rec.health.errors_total["silence"] >= 1
    assert rec.health.messages_total >= 1  # pings were received and counted


async def test_bad_token_rejected_with_401_is_fatal_and_retried_slowly() -> None:
    async with FinnhubServer(token="right") as server:
        rec = Recorder("fh")
        sleep = SleepRecorder()
        feed = make_feed(
            server,
            rec,
            token="wrong",
            sleep=sleep,
            fatal_retry_min_seconds=120.0,
            fatal_retry_max_seconds=240.0,
        )
        async with running(feed):
            await eventually(lambda: server.rejected >= 2, what="slow retry")
            assert rec.health.state is FeedState.FATAL
            assert rec.health.reason == "handshake rejected: HTTP 401"
    assert all(120.0 <= d <= 240.0 for d in sleep.delays)


async def test_too_many_symbols_error_is_fatal() -> None:
    async with FinnhubServer(error_message="Subscribing to too many symbols") as server:
        rec = Recorder("fh")
        async with running(make_feed(server, rec)):
            await eventually(lambda: rec.health.state is FeedState.FATAL, what="fatal")
            assert rec.health.reason == "finnhub error: Subscribing to too many symbols"
    assert rec.health.errors_total["provider"] >= 1
