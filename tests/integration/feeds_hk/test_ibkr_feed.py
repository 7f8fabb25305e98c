"""The ibkr feed against a fake ``IB`` that emits real ib_async Tickers via eventkit."""

from __future__ import annotations

import asyncio
import json
import socket
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from monitor.core.events import FxQuote, Quote, Trade
from monitor.errors import MissingExtraError
from monitor.feeds.base import FeedState
from monitor.feeds.ibkr import FEED_TYPE, IbkrFeed, IbkrOptions, build_contract
from monitor.feeds.ibkr.parse import datetime_ns
from tests.support.feeds import Recorder, Spec, fast_connection_data, running
from tests.support.ib_gateway import Gateway
from tests.support.polling import eventually

LEGS = ["PONY", "2026.HK", "USDHKD"]
FIXTURES = Path(__file__).parents[2] / "fixtures" / "ibkr"
AT = datetime(2026, 2, 11, 2, 15, 30, 250000, tzinfo=UTC)
AT_NS = 1_770_776_130_250_000_000
FAST = {"connection": fast_connection_data()}


@pytest.fixture
def gateway() -> Gateway:
    return Gateway()


def make_feed(gateway: Gateway, rec: Recorder, silence: float = 30.0, **options: Any) -> IbkrFeed:
    spec = Spec("ib", "ibkr", LEGS, silence_timeout_seconds=silence)
    opts = IbkrOptions.model_validate({**FAST, **options})
    return IbkrFeed(
        spec, opts, rec.ctx, ib_factory=gateway.factory, contract_factory=build_contract
    )


def state_of(rec: Recorder) -> FeedState:
    return rec.health.state


def streaming(rec: Recorder) -> Callable[[], bool]:
    return lambda: rec.health.state is FeedState.STREAMING


def all_requested(gateway: Gateway) -> Callable[[], bool]:
    return lambda: bool(gateway.clients) and len(gateway.current.requested) >= 3


async def test_connects_subscribes_three_legs_and_emits_canonical_events(gateway: Gateway) -> None:
    rec = Recorder()
    feed = make_feed(gateway, rec, port=4001, client_id=9)
    async with running(feed):
        await eventually(all_requested(gateway), what="three reqMktData")
        ib = gateway.current
        assert ib.connect_args["port"] == 4001 and ib.connect_args["clientId"] == 9
        assert ib.connect_args["readonly"] is True
        assert ib.market_data_type == 1
        shapes = {
            (c.secType, c.symbol, c.exchange, c.primaryExchange, c.currency) for c in ib.requested
        }
        assert shapes == {
            ("STK", "PONY", "SMART", "NASDAQ", "USD"),
            ("STK", "2026", "SEHK", "", "HKD"),
            ("CASH", "USD", "IDEALPRO", "", "HKD"),
        }
        gateway.send("PONY", (1, 15.01, 300), (2, 15.03, 500), at=AT)
        gateway.send("PONY", (4, 15.02, 200), at=AT)
        gateway.send("2026", (1, 118.4, 2000), (2, 118.5, 1500), at=AT)
        gateway.send("USD", (1, 7.8231, 1e6), (2, 7.8236, 2e6), at=AT)
        await eventually(lambda: len(rec.events) == 4, what="four events")

    pony = rec.of(Quote, "PONY")[0]
    assert isinstance(pony, Quote)
    assert (pony.bid, pony.bid_size, pony.ask, pony.ask_size) == (15.01, 300, 15.03, 500)
    assert pony.ts_event == AT_NS and pony.source == "ib" and pony.ts_recv > 0
    trade = rec.of(Trade, "PONY")[0]
    assert isinstance(trade, Trade) and (trade.price, trade.size) == (15.02, 200)
    hk = rec.of(Quote, "2026.HK")[0]
    assert isinstance(hk, Quote) and (hk.bid, hk.ask, hk.bid_size) == (118.4, 118.5, 2000)
    fx = rec.of(FxQuote, "USDHKD")[0]
    assert isinstance(fx, FxQuote) and (fx.bid, fx.ask, fx.ts_event) == (7.8231, 7.8236, AT_NS)
    assert {leg: d["market_data_type"] for leg, d in feed.detail.items()} == dict.fromkeys(
        LEGS, "live"
    )
    assert rec.health.messages_total == 4 and rec.health.last_message_ns > 0
    assert rec.health.ingest_latency.count >= 1  # per ticker update that carried events


async def test_nan_fields_are_missing_and_unchanged_quotes_are_not_repeated(
    gateway: Gateway,
) -> None:
    rec = Recorder()
    async with running(make_feed(gateway, rec)):
        await eventually(all_requested(gateway))
        gateway.send("2026", (1, 118.4, 2000))  # ask still NaN: no quote yet
        gateway.send("2026", (2, 118.5, 1500))
        gateway.send("2026", (8, None, 123456))  # volume only: the quote did not change
        gateway.send("USD", (4, -1, 0))  # IDEALPRO has no last
        await eventually(lambda: rec.health.messages_total == 4)
    assert [type(e).__name__ for e in rec.events] == ["Quote"]


async def test_delayed_market_data_type_is_requested_and_shown_per_leg(gateway: Gateway) -> None:
    rec = Recorder()
    gateway.delayed = {"2026"}
    gateway.entitlement_errors = {
        "2026": (10167, "Requested market data is not subscribed. Displaying delayed market data.")
    }
    feed = make_feed(gateway, rec, market_data_type="delayed")
    async with running(feed):
        await eventually(all_requested(gateway))
        assert gateway.current.market_data_type == 3
        gateway.send("2026", (66, 118.3, 1000), (67, 118.4, 800))
        gateway.send("PONY", (1, 15.01, 300), (2, 15.03, 500))
        await eventually(lambda: len(rec.events) == 2)
        await eventually(streaming(rec))
    assert feed.detail["2026.HK"]["market_data_type"] == "delayed"
    assert "10167" in str(feed.detail["2026.HK"]["notice"])
    assert feed.detail["PONY"]["market_data_type"] == "live"
    assert feed.detail["2026.HK"]["state"] == "streaming"


async def test_gateway_drop_reconnects_with_backoff_and_resubscribes(gateway: Gateway) -> None:
    rec = Recorder()
    async with running(make_feed(gateway, rec)):
        await eventually(all_requested(gateway))
        gateway.send("PONY", (1, 15.01, 300), (2, 15.03, 500))
        await eventually(lambda: len(rec.events) == 1)
        first = gateway.current
        gateway.drop()
        await eventually(lambda: len(gateway.clients) == 2 and all_requested(gateway)())
        assert rec.health.reconnects_total == 1
        assert gateway.current is not first and gateway.current.connected
        gateway.send("PONY", (1, 15.01, 300), (2, 15.03, 500))  # same quote: new after resub
        await eventually(lambda: len(rec.events) == 2)
        await eventually(streaming(rec))
        assert len(first.pendingTickersEvent) == 0  # handlers of the old IB were detached


async def test_refused_connection_backs_off_then_connects(gateway: Gateway) -> None:
    rec = Recorder()
    gateway.refuse = True
    async with running(make_feed(gateway, rec)):
        await eventually(lambda: gateway.connect_calls >= 3, what="retries")
        assert state_of(rec) in (FeedState.BACKOFF, FeedState.CONNECTING)
        assert rec.health.errors_total["connect"] >= 2
        gateway.refuse = False
        await eventually(streaming(rec))
    assert state_of(rec) is FeedState.STOPPED


async def test_client_id_in_use_is_fatal_and_retried_slowly(gateway: Gateway) -> None:
    rec = Recorder()
    gateway.client_id_in_use = True
    async with running(make_feed(gateway, rec)):
        await eventually(lambda: state_of(rec) is FeedState.FATAL)
        assert "TWS 326" in rec.health.reason and "client id" in rec.health.reason
        gateway.client_id_in_use = False
        await eventually(streaming(rec), what="slow retry succeeds")


async def test_hk_entitlement_error_marks_the_leg_and_keeps_the_others(gateway: Gateway) -> None:
    rec = Recorder()
    gateway.entitlement_errors = {"2026": (354, "Requested market data is not subscribed.")}
    feed = make_feed(gateway, rec, entitlement_retry_seconds=0.05, silence=0.2)
    async with running(feed):
        await eventually(all_requested(gateway))
        await eventually(lambda: feed.detail["2026.HK"]["state"] == "entitlement_error")
        assert rec.health.state is FeedState.STREAMING
        assert "2026.HK: TWS 354" in rec.health.reason
        assert rec.health.errors_total["entitlement"] >= 1
        gateway.send("PONY", (1, 15.01, 300), (2, 15.03, 500))
        await eventually(lambda: len(rec.of(Quote, "PONY")) == 1)
        # the failed leg is re-requested slowly; once entitled, data clears the error
        await eventually(lambda: any(c.symbol == "2026" for c in gateway.current.cancelled))
        gateway.entitlement_errors = {}
        await eventually(lambda: feed.detail["2026.HK"]["state"] == "pending")
        gateway.send("2026", (1, 118.4, 2000), (2, 118.5, 1500))
        await eventually(lambda: feed.detail["2026.HK"]["state"] == "streaming")
        assert rec.health.reason == ""


async def test_no_entitled_leg_is_fatal_with_reason(gateway: Gateway) -> None:
    rec = Recorder()
    message = "Requested market data requires additional subscription for API."
    gateway.entitlement_errors = {s: (10089, message) for s in ("PONY", "2026", "USD")}
    async with running(make_feed(gateway, rec)):
        await eventually(lambda: rec.health.state is FeedState.FATAL)
        assert "10089" in rec.health.reason and "USDHKD" in rec.health.reason
        assert not rec.health.up


async def test_unknown_contract_is_a_contract_error(gateway: Gateway) -> None:
    rec = Recorder()
    spec = Spec("ib", "ibkr", ["PONY", "9999.HK"])
    opts = IbkrOptions.model_validate(FAST)
    feed = IbkrFeed(
        spec, opts, rec.ctx, ib_factory=gateway.factory, contract_factory=build_contract
    )
    async with running(feed):
        await eventually(lambda: feed.detail["9999.HK"]["state"] == "contract_error")
        await eventually(streaming(rec))
        assert "9999.HK: contract not found" in rec.health.reason


async def test_tws_connectivity_loss_and_restore_with_data_lost_resubscribes(
    gateway: Gateway,
) -> None:
    rec = Recorder()
    async with running(make_feed(gateway, rec)):
        await eventually(all_requested(gateway))
        await eventually(streaming(rec))
        gateway.error(-1, 1100, "Connectivity between IB and Trader Workstation has been lost.")
        assert rec.health.state is FeedState.CONNECTING and "1100" in rec.health.reason
        gateway.error(-1, 1101, "Connectivity restored - data lost.")
        assert state_of(rec) is FeedState.STREAMING
        assert len(gateway.current.cancelled) == 3 and len(gateway.current.requested) == 6


async def test_silence_in_session_resubscribes_but_not_at_hk_lunch(gateway: Gateway) -> None:
    rec = Recorder()
    rec.sessions.open = {"PONY", "USDHKD"}  # 2026.HK is at lunch
    feed = make_feed(gateway, rec, silence=0.1)
    async with running(feed):
        await eventually(all_requested(gateway))
        await eventually(lambda: rec.health.errors_total.get("silence", 0) >= 2)
        cancelled = {c.symbol for c in gateway.current.cancelled}
    assert cancelled == {"PONY", "USD"}
    assert "2026.HK" in rec.sessions.asked


def test_factory_without_ib_async_raises_missing_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ib_async", None)
    rec = Recorder()
    with pytest.raises(MissingExtraError, match=r"dlmon\[ibkr\]"):
        FEED_TYPE.factory(Spec("ib", "ibkr", LEGS), IbkrOptions(), rec.ctx)


async def test_real_ib_async_against_a_closed_port_and_a_mute_server() -> None:
    """The real ``ib_async.IB`` (no fake): refused -> connect errors; no handshake -> timeout."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    rec = Recorder()
    options = IbkrOptions.model_validate({**FAST, "port": closed_port})
    async with running(FEED_TYPE.factory(Spec("ib", "ibkr", LEGS), options, rec.ctx)):
        await eventually(lambda: rec.health.errors_total.get("connect", 0) >= 2)
        await eventually(lambda: f"127.0.0.1:{closed_port}" in rec.health.reason)

    async def mute(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.read()  # accept the API handshake and never answer it
        writer.close()

    server = await asyncio.start_server(mute, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    rec = Recorder()
    options = IbkrOptions.model_validate({**FAST, "port": port, "connect_timeout_seconds": 0.2})
    async with server, running(FEED_TYPE.factory(Spec("ib", "ibkr", LEGS), options, rec.ctx)):
        await eventually(lambda: rec.health.errors_total.get("timeout", 0) >= 1)
        await eventually(lambda: "no API handshake within 0.2s" in rec.health.reason)


async def test_recorded_close_session_replays_to_the_expected_events(gateway: Gateway) -> None:
    fixture = json.loads((FIXTURES / "session_hk_close.json").read_text(encoding="utf-8"))
    rec = Recorder()
    async with running(make_feed(gateway, rec)):
        await eventually(all_requested(gateway))
        for read in fixture["reads"]:
            at = datetime.fromisoformat(read["at"].replace("Z", "+00:00"))
            gateway.send(read["symbol"], *[tuple(t) for t in read["ticks"]], at=at)
        await eventually(lambda: rec.health.messages_total == len(fixture["reads"]))
    summary = [
        [
            type(e).__name__,
            e.instrument,
            *((e.bid, e.ask) if isinstance(e, Quote | FxQuote) else (e.price, e.size)),
        ]
        for e in rec.events
    ]
    assert summary == fixture["expected"]
    # the closing-auction print is the last HK trade: the reference close
    closing = rec.of(Trade, "2026.HK")[-1]
    assert closing.ts_event == datetime_ns(datetime(2026, 2, 11, 8, 8, 4, 300000, tzinfo=UTC))
