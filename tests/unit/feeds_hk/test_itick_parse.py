"""iTick frame parsing on recorded payload shapes (tests/fixtures/itick)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from monitor.core.events import FxQuote, Quote, Trade
from monitor.feeds.itick.client import default_symbol
from monitor.feeds.itick.config import ItickOptions
from monitor.feeds.itick.parse import ItickParser
from monitor.feeds.wire import Control, ParseError

FIXTURES = Path(__file__).parents[2] / "fixtures" / "itick"
STOCKS = {"PONY.US": "PONY", "2026.HK": "2026.HK"}


def frame(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def stock_parser(trades_from_quotes: bool = False) -> ItickParser:
    return ItickParser(STOCKS, forex=False, trades_from_quotes=trades_from_quotes)


def test_depth_gives_best_bid_and_ask_by_position() -> None:
    parsed = stock_parser()(frame("ws_depth_hk.json"), ts_recv=99)
    assert parsed.events == [Quote("2026.HK", 118.4, 2000.0, 118.5, 1500.0, 99, 99)]
    assert parsed.errors == [] and parsed.controls == []


def test_tick_is_a_trade_with_millisecond_time() -> None:
    parsed = stock_parser()(frame("ws_tick_us.json"), ts_recv=5)
    assert parsed.events == [Trade("PONY", 15.02, 200.0, 1_770_762_600_456_000_000, 5)]


def test_quote_is_a_last_price_trade_only_without_the_tick_channel() -> None:
    assert stock_parser()(frame("ws_quote_hk.json"), ts_recv=5).events == []
    parsed = stock_parser(trades_from_quotes=True)(frame("ws_quote_hk.json"), ts_recv=5)
    assert parsed.events == [Trade("2026.HK", 118.5, 0.0, 1_770_797_370_123_000_000, 5)]


def test_forex_depth_is_an_fx_quote() -> None:
    parser = ItickParser({"USDHKD": "USDHKD"}, forex=True, trades_from_quotes=False)
    assert parser(frame("ws_depth_fx.json"), ts_recv=7).events == [
        FxQuote("USDHKD", 7.8231, 7.8236, 7, 7)
    ]


def test_controls_are_recognised() -> None:
    parser = stock_parser()
    kinds = []
    for message in json.loads(frame("ws_controls.json")):
        parsed = parser(json.dumps(message), ts_recv=1)
        kinds.extend(parsed.controls)
    assert kinds == [
        Control("connected", "Connected Successfully"),
        Control("auth_success", "authenticated"),
        Control("auth_failed", "auth failed"),
        Control("subscribed", "subscribe Successfully"),
        Control("subscribe_error", "exceeding the maximum subscription limit"),
        Control("subscribe_error", "cannot be resolved action"),
        Control("pong", "1731688569840"),
    ]


def test_unknown_symbols_are_ignored_and_bad_elements_reported() -> None:
    parser = stock_parser()
    other = '{"code":1,"data":{"s":"AAPL.US","ld":1,"v":1,"t":1,"type":"tick"}}'
    assert parser(other, ts_recv=1).events == []
    bad = '{"code":1,"data":{"s":"PONY.US","ld":"x","v":1,"t":1,"type":"tick"}}'
    parsed = parser(bad, ts_recv=1)
    assert parsed.events == [] and len(parsed.errors) == 1
    with pytest.raises(ParseError):
        parser("not json", ts_recv=1)


def test_one_sided_book_gives_no_quote() -> None:
    one_sided = (
        '{"code":1,"data":{"s":"2026.HK","a":[],"b":[{"po":1,"p":118.4,"v":100}],"type":"depth"}}'
    )
    assert stock_parser()(one_sided, ts_recv=1).events == []


def test_default_symbols() -> None:
    stock = ItickOptions.model_validate({"token": "t"})
    forex = ItickOptions.model_validate({"token": "t", "market": "forex"})
    assert default_symbol(stock, "PONY") == "PONY.US"
    assert default_symbol(stock, "2026.HK") == "2026.HK"
    assert default_symbol(stock, "0700.HK") == "700.HK"
    assert default_symbol(stock, "USDHKD") is None
    assert default_symbol(forex, "USDHKD") == "USDHKD"
    assert default_symbol(forex, "PONY") is None
