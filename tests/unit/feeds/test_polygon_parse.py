"""Polygon/Massive frame parsing on recorded payloads."""

from __future__ import annotations

import pytest

from monitor.core.events import FxQuote, Quote, Trade
from monitor.errors import FeedFatalError, FeedProtocolError
from monitor.feeds.polygon.client import PolygonAdapter, default_symbol
from monitor.feeds.polygon.config import PolygonOptions
from monitor.feeds.polygon.parse import PolygonParser, normalize_pair
from monitor.feeds.wire import Control, ParseError
from tests.support.frames import TS_RECV, frame

STOCKS = PolygonParser({"PONY": "PONY", "MSFT": "MSFT"})


def test_spec_quote_sizes_are_round_lots_times_100_and_ms_to_ns() -> None:
    parsed = STOCKS(frame("polygon", "ws_stocks_quote_msft_spec.json"), TS_RECV)
    assert parsed.events == [
        Quote("MSFT", 114.125, 10_000.0, 114.128, 16_000.0, 1_536_036_818_784_000_000, TS_RECV)
    ]
    assert not parsed.errors and not parsed.controls


def test_spec_trade_size_is_shares() -> None:
    parsed = STOCKS(frame("polygon", "ws_stocks_trade_msft_spec.json"), TS_RECV)
    assert parsed.events == [Trade("MSFT", 114.125, 100.0, 1_536_036_818_784_000_000, TS_RECV)]


def test_spec_forex_quote_maps_pair_to_canonical() -> None:
    parser = PolygonParser({"USD/CNH": "USDCNH"})
    parsed = parser(frame("polygon", "ws_forex_quote_usdcnh_spec.json"), TS_RECV)
    assert parsed.events == [
        FxQuote("USDCNH", 6.83363, 6.83366, 1_536_036_818_784_000_000, TS_RECV)
    ]


def test_pony_batch_keeps_good_events_and_reports_the_bad_one() -> None:
    parsed = STOCKS(frame("polygon", "ws_stocks_pony_batch.json"), TS_RECV)
    assert parsed.events == [
        Quote("PONY", 18.42, 300.0, 18.45, 500.0, 1_795_208_398_123_000_000, TS_RECV),
        Trade("PONY", 18.44, 200.0, 1_795_208_398_456_000_000, TS_RECV),
    ]
    assert len(parsed.errors) == 1 and "bp" in parsed.errors[0]


def test_forex_usdhkd_accepts_slash_or_dash_forms() -> None:
    parser = PolygonParser({"USD-HKD": "USDHKD"})
    parsed = parser(frame("polygon", "ws_forex_usdhkd.json"), TS_RECV)
    assert [(e.bid, e.ask) for e in parsed.events if isinstance(e, FxQuote)] == [
        (7.7812, 7.7816),
        (7.7813, 7.7817),
    ]
    assert normalize_pair("C:USD-HKD") == "USDHKD"


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ws_status_connected.json", "connected"),
        ("ws_status_auth_success.json", "auth_success"),
        ("ws_status_auth_failed.json", "auth_failed"),
        ("ws_status_subscribed.json", "success"),
        ("ws_status_max_connections.json", "max_connections"),
    ],
)
def test_status_messages_are_controls(name: str, kind: str) -> None:
    parsed = STOCKS(frame("polygon", name), TS_RECV)
    assert [c.kind for c in parsed.controls] == [kind]
    assert not parsed.events


def test_unreadable_frame_raises_parse_error() -> None:
    with pytest.raises(ParseError):
        STOCKS(b'[{"ev":"Q",', TS_RECV)


def adapter(market: str = "stocks") -> PolygonAdapter:
    options = PolygonOptions.model_validate({"api_key": "k", "market": market})
    symbol = "USD/HKD" if market == "forex" else "PONY"
    return PolygonAdapter(options, {"USDHKD" if market == "forex" else "PONY": symbol})


def test_auth_failed_and_max_connections_are_fatal() -> None:
    for kind in ("auth_failed", "max_connections"):
        with pytest.raises(FeedFatalError):
            adapter().on_control(Control(kind, "x"))
    with pytest.raises(FeedFatalError):
        adapter().on_control(Control("error", "You are not authorized for this channel"))
    with pytest.raises(FeedProtocolError):
        adapter().on_control(Control("error", "something odd"))
    adapter().on_control(Control("success", "subscribed to: Q.PONY"))


def test_channels_and_default_symbols_per_market() -> None:
    assert adapter().channels() == ["Q.PONY", "T.PONY"]
    assert adapter("forex").channels() == ["C.USD/HKD"]
    stocks = PolygonOptions.model_validate({"api_key": "k"})
    forex = PolygonOptions.model_validate({"api_key": "k", "market": "forex"})
    assert default_symbol(stocks, "PONY") == "PONY"
    assert default_symbol(stocks, "2026.HK") is None
    assert default_symbol(forex, "USDHKD") == "USD/HKD"
    assert default_symbol(forex, "PONY") is None
    assert PolygonOptions.model_validate({"api_key": "k"}).endpoint_url() == (
        "wss://socket.massive.com/stocks"
    )
