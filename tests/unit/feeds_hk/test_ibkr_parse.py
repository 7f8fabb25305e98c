"""Pure parts of the ibkr feed: contract derivation, timestamps, ticker conversion."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone

from ib_async import Contract, TickData, Ticker

from monitor.core.events import FxQuote, Quote, Trade
from monitor.feeds.ibkr.codes import CodeKind, classify
from monitor.feeds.ibkr.parse import LegParser, datetime_ns, default_contract, market_data_type_name

T = datetime(2026, 2, 11, 8, 9, 30, 123456, tzinfo=UTC)
T_NS = 1_770_797_370_123_456_000


def make_ticker(symbol: str, **fields: object) -> Ticker:
    """Build a real Ticker (its __post_init__ resets fields, so set them afterwards)."""
    ticker = Ticker(contract=Contract(symbol=symbol))
    for name, value in fields.items():
        setattr(ticker, name, value)
    return ticker


def test_contracts_are_derived_from_canonical_ids() -> None:
    hk = default_contract("2026.HK", {})
    assert (hk.sec_type, hk.symbol, hk.exchange, hk.currency) == ("STK", "2026", "SEHK", "HKD")
    assert default_contract("0700.HK", {}).symbol == "700"  # IB drops the leading zeros
    us = default_contract("PONY", {})
    assert (us.exchange, us.primary_exchange, us.currency) == ("SMART", "NASDAQ", "USD")
    fx = default_contract("USDHKD", {"USDHKD": "USD.HKD"})
    assert (fx.sec_type, fx.symbol, fx.currency, fx.exchange) == ("CASH", "USD", "HKD", "IDEALPRO")


def test_datetime_ns_is_exact_and_zone_aware() -> None:
    assert datetime_ns(T) == T_NS
    hkt = T.astimezone(timezone(timedelta(hours=8)))
    assert datetime_ns(hkt) == T_NS
    assert datetime_ns(T.replace(tzinfo=None)) == T_NS


def test_market_data_type_names() -> None:
    assert [market_data_type_name(c) for c in (1, 2, 3, 4)] == [
        "live",
        "frozen",
        "delayed",
        "delayed_frozen",
    ]
    assert market_data_type_name(9) == "unknown(9)"


def test_entitlement_and_connectivity_codes() -> None:
    assert {classify(c) for c in (354, 10089, 10168)} == {CodeKind.ENTITLEMENT}
    assert classify(10167) is CodeKind.DELAYED_NOTICE
    assert classify(200) is CodeKind.CONTRACT
    assert classify(1100) is CodeKind.CONNECTIVITY_LOST
    assert classify(1101) is CodeKind.RESTORED_DATA_LOST
    assert classify(502) is CodeKind.CONNECTION
    assert classify(2104) is CodeKind.FARM


def test_real_ticker_with_trade_tick_gives_trade_then_quote() -> None:
    ticker = make_ticker("2026", time=T, bid=118.4, bidSize=2000.0, ask=118.5, askSize=1500.0)
    ticker.ticks = [TickData(T, 4, 118.5, 400.0)]  # the closing-auction print is a LAST tick
    parser = LegParser("2026.HK", is_fx=False, source="ib")
    events = parser.on_ticker(ticker, ts_recv=T_NS + 5)
    assert events == [
        Trade("2026.HK", 118.5, 400.0, T_NS, T_NS + 5, "ib"),
        Quote("2026.HK", 118.4, 2000.0, 118.5, 1500.0, T_NS, T_NS + 5, "ib"),
    ]
    ticker.ticks = []
    assert parser.on_ticker(ticker, ts_recv=T_NS + 6) == []  # unchanged quote


def test_nan_or_minus_one_prices_are_missing() -> None:
    ticker = make_ticker("USD", time=T, bid=7.8231, ask=math.nan)
    parser = LegParser("USDHKD", is_fx=True, source="ib")
    assert parser.on_ticker(ticker, ts_recv=1) == []
    ticker.ask = -1.0
    assert parser.on_ticker(ticker, ts_recv=1) == []
    ticker.ask = 7.8236
    assert parser.on_ticker(ticker, ts_recv=1) == [FxQuote("USDHKD", 7.8231, 7.8236, T_NS, 1, "ib")]


def test_missing_ticker_time_falls_back_to_receive_time() -> None:
    ticker = make_ticker("PONY", bid=15.0, ask=15.02, bidSize=math.nan)
    (quote,) = LegParser("PONY", is_fx=False, source="ib").on_ticker(ticker, ts_recv=42)
    assert isinstance(quote, Quote) and quote.ts_event == 42 and quote.bid_size == 0.0
