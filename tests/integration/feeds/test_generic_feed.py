"""Generic JSON websocket feed against a local in-house style server."""

from __future__ import annotations

from typing import Any

from monitor.core.events import FxQuote, Quote, Trade
from monitor.feeds.base import FeedState
from monitor.feeds.generic import PROVIDER
from monitor.feeds.generic.config import GenericOptions
from monitor.feeds.streaming import WebSocketFeed
from tests.support.feeds import Recorder, SleepRecorder, Spec, fast_connection, running
from tests.support.polling import eventually
from tests.support.servers.generic import GenericServer

FRAME = {
    "channel": "md",
    "data": [
        {
            "kind": "q",
            "sym": "PONY.O",
            "b": 18.42,
            "a": 18.45,
            "bs": 300,
            "as": 500,
            "ts": "2026-11-20T20:59:58.5Z",
        },
        {
            "kind": "q",
            "sym": "USD/HKD",
            "b": "7.7812",
            "a": "7.7816",
            "ts": "2026-11-20T20:59:58.6Z",
        },
        {"kind": "t", "sym": "PONY.O", "px": 18.44, "qty": 100, "ts": "2026-11-20T20:59:59Z"},
        {"kind": "status", "msg": "ok"},
    ],
}


def make_feed(
    server: GenericServer,
    rec: Recorder,
    *,
    key: str = "hdr-key",
    token: str = "tok",
    silence: float = 30.0,
    sleep: SleepRecorder | None = None,
    extra: dict[str, Any] | None = None,
    **conn: float,
) -> WebSocketFeed:
    options = GenericOptions.model_validate(
        {
            "url": server.url,
            "headers": {"X-Api-Key": key},
            "token": token,
            "auth_message": {"op": "auth", "token": "{token}"},
            "subscribe_message": {"op": "subscribe", "symbols": "{symbols}"},
            "records": "data",
            "fields": {
                "instrument": "sym",
                "bid": "b",
                "ask": "a",
                "bid_size": "bs",
                "ask_size": "as",
                "price": "px",
                "size": "qty",
                "ts": "ts",
                "ts_unit": "iso",
            },
            "connection": fast_connection(**conn),
            **(extra or {}),
        }
    )
    spec = Spec(
        rec.name,
        "generic",
        ["PONY", "USDHKD"],
        symbols={"PONY": "PONY.O", "USDHKD": "USD/HKD"},
        silence_timeout_seconds=silence,
    )
    feed = PROVIDER.build(spec, options, rec.ctx, sleep=sleep or SleepRecorder())
    assert isinstance(feed, WebSocketFeed)
    return feed


async def test_auth_subscribe_and_mapped_records() -> None:
    async with GenericServer(frames=[FRAME]) as server:
        rec = Recorder("gen")
        async with running(make_feed(server, rec)):
            await eventually(lambda: len(rec.events) == 3, what="mapped events")
            assert rec.health.state is FeedState.STREAMING
    assert server.received == [
        {"op": "auth", "token": "tok"},
        {"op": "subscribe", "symbols": ["PONY.O", "USD/HKD"]},
    ]
    quote, fx, trade = rec.events
    t0 = 1_795_208_398_000_000_000
    assert quote == Quote(
        "PONY", 18.42, 300.0, 18.45, 500.0, t0 + 500_000_000, quote.ts_recv, "gen"
    )
    assert fx == FxQuote("USDHKD", 7.7812, 7.7816, t0 + 600_000_000, fx.ts_recv, "gen")
    assert trade == Trade("PONY", 18.44, 100.0, t0 + 1_000_000_000, trade.ts_recv, "gen")


async def test_dropped_connection_reconnects_and_resubscribes() -> None:
    async with GenericServer(frames=[FRAME]) as server:
        rec = Recorder("gen")
        async with running(make_feed(server, rec)):
            await eventually(lambda: len(rec.events) == 3, what="first batch")
            server.drop()
            await eventually(lambda: len(rec.events) == 6, what="batch after reconnect")
    assert server.subscriptions == [["PONY.O", "USD/HKD"]] * 2


async def test_silent_connection_is_reconnected_and_app_pings_are_sent() -> None:
    async with GenericServer(silent=True) as server:
        rec = Recorder("gen")
        rec.sessions.open = {"PONY"}
        extra = {"ping_message": {"op": "ping"}, "ping_interval_seconds": 0.05}
        async with running(make_feed(server, rec, silence=0.4, extra=extra)):
            await eventually(lambda: len(server.subscriptions) >= 2, what="watchdog reconnect")
    assert server.pings >= 2
    assert rec.health.errors_total["silence"] >= 1


async def test_silence_while_closed_does_not_reconnect() -> None:
    async with GenericServer(silent=True) as server:
        rec = Recorder("gen")  # no instrument in session
        extra = {"ping_message": {"op": "ping"}, "ping_interval_seconds": 0.05}
        async with running(make_feed(server, rec, silence=0.1, extra=extra)):
            # Ten ping intervals span several silence timeouts: still the first connection.
            await eventually(lambda: server.pings >= 10, what="pings")
            assert rec.health.state is FeedState.STREAMING
    assert server.connections == 1
    assert "silence" not in rec.health.errors_total


async def test_rejected_handshake_401_is_fatal() -> None:
    async with GenericServer() as server:
        rec = Recorder("gen")
        sleep = SleepRecorder()
        feed = make_feed(server, rec, key="nope", sleep=sleep)
        async with running(feed):
            await eventually(lambda: server.rejected >= 2, what="slow retry")
            assert rec.health.state is FeedState.FATAL
            assert rec.health.reason == "handshake rejected: HTTP 401"
    assert all(0.2 <= d <= 0.3 for d in sleep.delays)


async def test_in_band_auth_rejected_with_close_1008_is_fatal() -> None:
    async with GenericServer() as server:
        rec = Recorder("gen")
        async with running(make_feed(server, rec, token="bad")):
            await eventually(lambda: rec.health.state is FeedState.FATAL, what="fatal")
            assert rec.health.reason == "closed by server (1008): invalid token"


async def test_oversized_frame_is_counted_and_the_feed_reconnects() -> None:
    big = {"data": [{"kind": "status", "msg": "x" * 4096}]}
    async with GenericServer(frames=[big, FRAME]) as server:
        rec = Recorder("gen")
        async with running(make_feed(server, rec, max_frame_bytes=1024)):
            await eventually(lambda: len(server.subscriptions) >= 2, what="reconnect")
    assert rec.health.errors_total["oversize"] >= 1


async def test_unreadable_frame_and_bad_record_do_not_lose_good_events() -> None:
    bad_record = {
        "data": [
            {"sym": "PONY.O", "b": "n/a", "a": 18.45, "ts": "2026-11-20T21:00:00Z"},
            FRAME["data"][2],
        ]
    }
    async with GenericServer(frames=["{not json", bad_record]) as server:
        rec = Recorder("gen")
        async with running(make_feed(server, rec)):
            await eventually(lambda: rec.events, what="good trade")
            assert rec.health.errors_total["parse"] == 2
            assert server.connections == 1
    assert isinstance(rec.events[0], Trade)
