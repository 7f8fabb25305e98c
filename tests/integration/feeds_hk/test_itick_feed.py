"""The iTick feed through the shared reconnect loop against a local server."""

from __future__ import annotations

import json
import time
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from monitor.core.events import FxQuote, Quote, Trade
from monitor.core.sessions import HKT, SessionCalendar
from monitor.feeds.base import Feed, FeedContext, FeedState
from monitor.feeds.itick import FEED_TYPE, ItickOptions
from tests.support.feeds import Recorder, Spec, fast_connection_data, running
from tests.support.polling import eventually
from tests.support.servers.itick import ItickServer

FIXTURES = Path(__file__).parents[2] / "fixtures" / "itick"
STOCKS = ["PONY", "2026.HK"]


def fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))


def make_feed(
    server: ItickServer,
    rec: Recorder,
    instruments: list[str] = STOCKS,
    market: str = "stock",
    silence: float = 30.0,
    token: str = "t0k3n",
    connection: dict[str, Any] | None = None,
    **options: Any,
) -> Feed:
    opts = ItickOptions.model_validate(
        {
            "token": token,
            "market": market,
            "url": server.url(market),
            "connection": connection or fast_connection_data(),
            **options,
        }
    )
    spec = Spec(rec.name, "itick", instruments, silence_timeout_seconds=silence)
    return FEED_TYPE.factory(spec, opts, rec.ctx)


async def test_connect_auth_subscribe_and_stream_quotes_and_trades() -> None:
    rec = Recorder("itick")
    async with ItickServer() as server:
        server.frames = [
            fixture("ws_quote_hk.json"),
            fixture("ws_depth_hk.json"),
            fixture("ws_tick_us.json"),
        ]
        async with running(make_feed(server, rec)):
            await eventually(lambda: len(rec.events) == 2, what="depth quote and tick trade")
            assert rec.health.state is FeedState.STREAMING
    subscribe = server.received[0]
    assert subscribe == {
        "ac": "subscribe",
        "params": "PONY.US,2026.HK",
        "types": "quote,depth,tick",
    }
    assert server.paths == ["/stock"]
    quote = rec.of(Quote, "2026.HK")[0]
    assert isinstance(quote, Quote) and (quote.bid, quote.ask, quote.bid_size) == (
        118.4,
        118.5,
        2000,
    )
    assert quote.source == "itick"
    trade = rec.of(Trade, "PONY")[0]
    assert isinstance(trade, Trade) and trade.ts_event == 1_770_762_600_456_000_000


async def test_forex_cluster_gives_fx_quotes() -> None:
    rec = Recorder("itick_fx")
    async with ItickServer() as server:
        server.frames = [fixture("ws_depth_fx.json")]
        feed = make_feed(server, rec, ["USDHKD"], market="forex", types=["quote", "depth"])
        async with running(feed):
            await eventually(lambda: len(rec.events) == 1)
    assert server.paths == ["/forex"]
    assert server.received[0]["params"] == "USDHKD"
    fx = rec.events[0]
    assert isinstance(fx, FxQuote) and (fx.bid, fx.ask) == (7.8231, 7.8236)


async def test_drop_reconnects_and_resubscribes() -> None:
    rec = Recorder("itick")
    async with ItickServer() as server:
        server.frames = [fixture("ws_depth_hk.json")]
        async with running(make_feed(server, rec)):
            await eventually(lambda: len(rec.events) == 1)
            await server.drop()
            await eventually(lambda: len(rec.events) == 2, what="data after reconnect")
            await eventually(lambda: rec.health.state is FeedState.STREAMING)
            assert server.connections == 2 and rec.health.reconnects_total == 1
            assert [m["ac"] for m in server.received] == ["subscribe", "subscribe"]
            assert rec.health.errors_total.get("disconnect", 0) == 1


async def test_silence_in_session_reconnects() -> None:
    rec = Recorder("itick")
    rec.sessions.open = {"PONY"}
    async with ItickServer(silent=True) as server:
        async with running(make_feed(server, rec, silence=0.2)):
            await eventually(lambda: rec.health.errors_total.get("silence", 0) >= 1)
            await eventually(lambda: server.connections >= 2)


async def test_no_silence_alarm_at_hk_lunch() -> None:
    rec = Recorder("itick")
    rec.sessions.open = set()  # 12:00-13:00 HKT, US closed: nothing in session
    async with ItickServer(silent=True) as server:
        async with running(make_feed(server, rec, ["2026.HK"], silence=0.1)):
            await eventually(lambda: rec.sessions.asked.count("2026.HK") >= 3, what="checks")
            assert rec.health.state is FeedState.STREAMING
            assert "silence" not in rec.health.errors_total and server.connections == 1


async def test_auth_failure_is_fatal_with_reason() -> None:
    rec = Recorder("itick")
    async with ItickServer() as server:
        async with running(make_feed(server, rec, token="wrong")):
            await eventually(lambda: rec.health.state is FeedState.FATAL)
            assert "auth failed" in rec.health.reason


async def test_message_auth_for_older_accounts() -> None:
    rec = Recorder("itick")
    async with ItickServer(auth="message") as server:
        server.frames = [fixture("ws_depth_hk.json")]
        async with running(make_feed(server, rec, auth="message")):
            await eventually(lambda: len(rec.events) == 1)
    assert server.received[0] == {"ac": "auth", "params": "t0k3n"}


async def test_subscription_limit_is_fatal_with_the_message() -> None:
    rec = Recorder("itick")
    async with ItickServer(max_symbols=1) as server:
        async with running(make_feed(server, rec)):
            await eventually(lambda: rec.health.state is FeedState.FATAL)
            assert "exceeding the maximum subscription limit" in rec.health.reason
            assert rec.health.errors_total["fatal"] == 1


async def test_app_ping_is_answered_and_a_missing_pong_reconnects() -> None:
    rec = Recorder("itick")
    async with ItickServer() as server:
        async with running(make_feed(server, rec, app_ping_interval_seconds=0.05)):
            await eventually(lambda: sum(m["ac"] == "ping" for m in server.received) >= 3)
            assert server.connections == 1 and rec.health.state is FeedState.STREAMING
        ping = next(m for m in server.received if m["ac"] == "ping")
        assert ping["params"].isdigit()
        server.answer_pings = False
        rec2 = Recorder("itick")
        async with running(make_feed(server, rec2, app_ping_interval_seconds=0.05)):
            await eventually(lambda: rec2.health.errors_total.get("timeout", 0) >= 1)
            await eventually(lambda: server.connections >= 3, what="reconnect after no pong")


async def test_a_second_connection_evicts_the_first() -> None:
    first, second = Recorder("itick_a"), Recorder("itick_b")
    async with ItickServer() as server:
        server.frames = [fixture("ws_depth_hk.json")]
        async with running(make_feed(server, first)):
            await eventually(lambda: len(first.events) == 1)
            async with running(make_feed(server, second)):
                await eventually(lambda: first.health.state is FeedState.FATAL)
                assert "1008" in first.health.reason
                # The second may still be subscribing when the server drops the first.
                await eventually(lambda: second.health.state is FeedState.STREAMING)


class CountingCalendar(SessionCalendar):
    """The real session calendar, counting how often the watchdog asks it."""

    def __init__(self) -> None:
        super().__init__("exchange")
        self.asked = 0

    def is_open(self, instrument: str, now_ns: int) -> bool:
        self.asked += 1
        return super().is_open(instrument, now_ns)


@pytest.mark.parametrize(
    ("hkt", "in_session"),
    [
        ("2026-02-11 12:30", False),  # lunch break
        ("2026-12-24 14:00", False),  # Christmas Eve: half day, morning only
        ("2026-02-11 16:05", False),  # closing auction: few updates, no alarm
        ("2026-02-11 13:30", True),  # afternoon continuous session
    ],
)
async def test_silence_follows_the_real_hkex_calendar(hkt: str, in_session: bool) -> None:
    target = int(datetime.fromisoformat(hkt).replace(tzinfo=HKT).timestamp()) * 1_000_000_000
    offset = target - time.time_ns()
    calendar = CountingCalendar()
    calendar.register("2026.HK", "XHKG")
    rec = Recorder("itick")
    rec.ctx = FeedContext(
        sink=rec.events.append,
        clock=lambda: time.time_ns() + offset,
        sessions=calendar,
        health=rec.health,
    )
    async with ItickServer(silent=True) as server:
        async with running(make_feed(server, rec, ["2026.HK"], silence=0.1)):
            if in_session:
                await eventually(lambda: rec.health.errors_total.get("silence", 0) >= 1)
            else:
                await eventually(lambda: calendar.asked >= 5, what="five silence checks")
                assert "silence" not in rec.health.errors_total
                assert server.connections == 1
