"""Finnhub message parsing on recorded payloads."""

from __future__ import annotations

import pytest

from monitor.core.events import Trade
from monitor.errors import FeedFatalError
from monitor.feeds.finnhub.client import FinnhubAdapter, default_symbol
from monitor.feeds.finnhub.config import FinnhubOptions
from monitor.feeds.finnhub.parse import FinnhubParser
from monitor.feeds.wire import Control, ParseError
from tests.support.frames import TS_RECV, frame

PARSER = FinnhubParser({"PONY": "PONY", "OANDA:USD_HKD": "USDHKD", "AAPL": "AAPL"})


def test_spec_trade() -> None:
    parsed = PARSER(frame("finnhub", "ws_trade_aapl_spec.json"), TS_RECV)
    assert parsed.events == [Trade("AAPL", 129.58, 1.0, 1_672_348_887_666_000_000, TS_RECV)]


def test_stock_and_fx_trades_with_a_bad_element_and_an_unmapped_symbol() -> None:
    parsed = PARSER(frame("finnhub", "ws_trades_pony_usdhkd.json"), TS_RECV)
    assert parsed.events == [
        Trade("PONY", 18.44, 100.0, 1_795_208_399_123_000_000, TS_RECV),
        Trade("USDHKD", 7.7814, 0.0, 1_795_208_399_456_000_000, TS_RECV),
    ]
    assert len(parsed.errors) == 1


def test_ping_and_error_are_controls() -> None:
    assert PARSER(frame("finnhub", "ws_ping.json"), TS_RECV).controls == [Control("ping")]
    (error,) = PARSER(frame("finnhub", "ws_error_too_many_symbols.json"), TS_RECV).controls
    assert error == Control("error", "Subscribing to too many symbols")
    adapter = FinnhubAdapter(FinnhubOptions.model_validate({"api_key": "k"}), {})
    with pytest.raises(FeedFatalError):
        adapter.on_control(error)
    adapter.on_control(Control("error", "temporary hiccup"))  # logged, not fatal


def test_frames_without_a_type_or_data_are_unreadable() -> None:
    with pytest.raises(ParseError):
        PARSER(b'{"data": []}', TS_RECV)
    with pytest.raises(ParseError):
        PARSER(b'{"type": "trade"}', TS_RECV)


def test_default_symbols_and_token_url() -> None:
    options = FinnhubOptions.model_validate({"api_key": "abc"})
    assert default_symbol(options, "USDHKD") == "OANDA:USD_HKD"
    assert default_symbol(options, "PONY") == "PONY"
    assert default_symbol(options, "2026.HK") is None
    assert options.endpoint_url() == "wss://ws.finnhub.io?token=abc"
