"""The futu feed against a fake OpenD delivering real handler payloads from threads."""

from __future__ import annotations

import sys
import threading
from typing import Any

import pytest

from monitor.core.events import Event, Quote, Trade
from monitor.errors import MissingExtraError
from monitor.feeds.base import Feed, FeedState
from monitor.feeds.futu import FEED_TYPE, FutuOptions
from monitor.feeds.futu.client import FutuFeed
from monitor.feeds.futu.sdk import build_handlers
from tests.support.feeds import Recorder, Spec, fast_connection_data, running
from tests.support.futu_opend import OpenD, order_book_pb, quote_pb, ticker_pb
from tests.support.polling import eventually

LEGS = ["PONY", "2026.HK", "USDHKD"]
# 10:15:30.250 Beijing time = 02:15:30.250 UTC
HK_NS = 1_770_776_130_250_000_000


def make_feed(opend: OpenD, rec: Recorder, silence: float = 30.0, **options: Any) -> FutuFeed:
    opts = FutuOptions.model_validate(
        {"connection": fast_connection_data(), "connect_timeout_seconds": 0.2, **options}
    )
    spec = Spec(rec.name, "futu", LEGS, silence_timeout_seconds=silence)
    return FutuFeed(
        spec, opts, rec.ctx, context_factory=opend.factory, handler_factory=build_handlers
    )


def subscribed(opend: OpenD) -> bool:
    return bool(opend.contexts) and bool(opend.current.subscriptions)


async def test_subscribes_and_bridges_thread_pushes_into_events_on_the_loop() -> None:
    opend = OpenD()
    rec = Recorder("futu")
    loop_thread = threading.get_ident()
    threads: list[int] = []

    def sink(event: Event) -> None:
        threads.append(threading.get_ident())
        rec.events.append(event)

    rec.ctx = rec.ctx.__class__(
        sink=sink, clock=rec.ctx.clock, sessions=rec.sessions, health=rec.health
    )
    feed = make_feed(opend, rec)
    async with running(feed):
        await eventually(lambda: subscribed(opend))
        await eventually(lambda: rec.health.state is FeedState.STREAMING)
        assert opend.current.subscriptions == [
            (["US.PONY", "HK.02026"], ["QUOTE", "ORDER_BOOK", "TICKER"])
        ]
        assert opend.current.address == ("127.0.0.1", 11111)
        assert opend.current.threads[0] != threading.current_thread().name  # not on the loop
        opend.push(
            "order_book",
            order_book_pb(
                "HK.02026",
                [(118.4, 2000), (118.3, 6400)],
                [(118.5, 1500)],
                "2026-02-11 10:15:30.250",
            ),
        )
        opend.push(
            "ticker",
            ticker_pb("US.PONY", [("2026-03-09 09:30:00.500", 7, 15.02, 200, "AUTO_MATCH")]),
        )
        opend.push(
            "ticker",
            ticker_pb("US.PONY", [("2026-03-06 09:30:00.000", 8, 15.01, 100, "AUTO_MATCH")]),
        )
        await eventually(lambda: len(rec.events) == 3)
    assert set(threads) == {loop_thread}
    quote = rec.events[0]
    assert quote == Quote("2026.HK", 118.4, 2000, 118.5, 1500, HK_NS, quote.ts_recv, "futu")
    edt, est = rec.events[1], rec.events[2]
    assert isinstance(edt, Trade) and edt.ts_event == 1_773_063_000_500_000_000  # 13:30:00.5Z
    assert isinstance(est, Trade) and est.ts_event == 1_772_807_400_000_000_000  # 14:30:00Z
    assert (edt.price, edt.size, edt.instrument) == (15.02, 200, "PONY")
    assert feed.detail["codes"] == {"PONY": "US.PONY", "2026.HK": "HK.02026"}
    assert rec.health.ingest_latency.count == 3  # one per push that carried events


async def test_hk_closing_auction_is_a_trade_odd_lots_and_repeats_are_not() -> None:
    opend = OpenD()
    rec = Recorder("futu")
    feed = make_feed(opend, rec)
    async with running(feed):
        await eventually(lambda: subscribed(opend))
        rows = [
            ("2026-02-11 15:59:58.120", 101, 118.5, 400, "AUTO_MATCH"),
            ("2026-02-11 15:59:59:800", 102, 118.1, 37, "ODD_LOT"),
            ("2026-02-11 16:08:05.000", 103, 118.6, 250000, "AUCTION"),
        ]
        opend.push("ticker", ticker_pb("HK.02026", rows))
        opend.push("ticker", ticker_pb("HK.02026", rows[2:]))  # a repeat (e.g. cache push)
        await eventually(lambda: rec.health.messages_total == 2)
    trades = [(e.price, e.size) for e in rec.events if isinstance(e, Trade)]
    assert trades == [(118.5, 400), (118.6, 250000)]
    assert rec.events[-1].ts_event == 1_770_797_285_000_000_000  # 16:08:05 HKT = 08:08:05Z
    assert feed.detail["hk_odd_lot_trades_dropped"] == 1


async def test_quote_pushes_give_last_prices_without_the_ticker_channel() -> None:
    opend = OpenD()
    rec = Recorder("futu")
    async with running(make_feed(opend, rec, sub_types=["QUOTE", "ORDER_BOOK"])):
        await eventually(lambda: subscribed(opend))
        opend.push("quote", quote_pb("HK.02026", 118.5, "2026-02-11 16:08:05"))
        await eventually(lambda: len(rec.events) == 1)
    assert rec.events[0] == Trade(
        "2026.HK", 118.5, 0.0, 1_770_797_285_000_000_000, rec.events[0].ts_recv, "futu"
    )


async def test_subscription_refused_is_fatal_with_futus_message() -> None:
    opend = OpenD(subscribe_error="Subscription quota exceeded (100/100)")
    rec = Recorder("futu")
    async with running(make_feed(opend, rec)):
        await eventually(lambda: rec.health.state is FeedState.FATAL)
        assert "Subscription quota exceeded (100/100)" in rec.health.reason
        assert "HK.02026" in rec.health.reason
        assert opend.current.closed


async def test_permission_error_then_granted_recovers() -> None:
    opend = OpenD(subscribe_error="No permission: HK market LV2 quote right is required")
    rec = Recorder("futu")
    async with running(make_feed(opend, rec)):
        await eventually(lambda: rec.health.state is FeedState.FATAL)
        assert "LV2" in rec.health.reason
        opend.subscribe_error = None
        await eventually(lambda: rec.health.state is FeedState.STREAMING, within=5)


async def test_opend_down_backs_off_then_connects() -> None:
    opend = OpenD(up=False)
    rec = Recorder("futu")
    async with running(make_feed(opend, rec)):
        await eventually(lambda: rec.health.errors_total.get("timeout", 0) >= 2)
        assert "not ready" in rec.health.reason or rec.health.state is FeedState.CONNECTING
        assert all(c.closed for c in opend.contexts[:-1])
        opend.up = True
        await eventually(lambda: rec.health.state is FeedState.STREAMING)


async def test_disconnect_reconnects_with_a_new_context_and_resubscribes() -> None:
    opend = OpenD()
    rec = Recorder("futu")
    async with running(make_feed(opend, rec)):
        await eventually(lambda: subscribed(opend))
        first = opend.current
        opend.drop()
        await eventually(lambda: len(opend.contexts) == 2 and subscribed(opend))
        assert first.closed and rec.health.reconnects_total == 1
        assert rec.health.errors_total["disconnect"] == 1
        opend.push("order_book", order_book_pb("HK.02026", [(118.4, 100)], [(118.5, 100)]))
        await eventually(lambda: len(rec.events) == 1)
        assert rec.events[0].ts_event == rec.events[0].ts_recv  # no server time: receive time


async def test_silence_in_session_reconnects_but_not_at_lunch() -> None:
    opend = OpenD()
    rec = Recorder("futu")
    rec.sessions.open = set()  # HK lunch, US closed
    async with running(make_feed(opend, rec, silence=0.1)):
        await eventually(lambda: rec.sessions.asked.count("2026.HK") >= 3)
        assert len(opend.contexts) == 1 and rec.health.state is FeedState.STREAMING
        rec.sessions.open = {"2026.HK"}  # 13:00 HKT: the afternoon session starts
        await eventually(lambda: rec.health.errors_total.get("silence", 0) >= 1)
        await eventually(lambda: len(opend.contexts) >= 2)


def test_factory_without_futu_raises_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "futu", None)
    rec = Recorder("futu")
    with pytest.raises(MissingExtraError, match=r"dlmon\[futu\]"):
        FEED_TYPE.factory(Spec("futu", "futu", LEGS), FutuOptions(), rec.ctx)


def test_factory_builds_the_feed(monkeypatch: pytest.MonkeyPatch) -> None:
    rec = Recorder("futu")
    feed: Feed = FEED_TYPE.factory(Spec("futu", "futu", LEGS), FutuOptions(), rec.ctx)
    assert isinstance(feed, FutuFeed) and feed.symbols == {"PONY": "US.PONY", "2026.HK": "HK.02026"}
