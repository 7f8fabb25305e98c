"""Alpaca v2 frame parsing and error-code handling on recorded payloads."""

from __future__ import annotations

import orjson
import pytest

from monitor.core.events import Quote, Trade
from monitor.errors import FeedFatalError, FeedProtocolError
from monitor.feeds.alpaca.client import AlpacaAdapter
from monitor.feeds.alpaca.config import AlpacaOptions
from monitor.feeds.alpaca.parse import AlpacaParser
from tests.support.frames import TS_RECV, frame

PARSER = AlpacaParser({"PONY": "PONY", "AMD": "AMD", "AAPL": "AAPL", "SPY": "SPY"})


def test_spec_quote_keeps_nanoseconds_exactly() -> None:
    parsed = PARSER(frame("alpaca", "ws_quote_amd_spec.json"), TS_RECV)
    assert parsed.events == [
        Quote("AMD", 87.66, 100.0, 87.68, 400.0, 1_614_009_105_335_689_322, TS_RECV)
    ]


def test_spec_trade_with_millisecond_timestamp() -> None:
    parsed = PARSER(frame("alpaca", "ws_trade_aapl_spec.json"), TS_RECV)
    assert parsed.events == [Trade("AAPL", 126.55, 1.0, 1_614_009_104_208_000_000, TS_RECV)]


def test_bars_are_not_used() -> None:
    parsed = PARSER(frame("alpaca", "ws_bar_spy_spec.json"), TS_RECV)
    assert not parsed.events and not parsed.errors


def test_pony_batch_keeps_good_events_around_a_bad_timestamp() -> None:
    parsed = PARSER(frame("alpaca", "ws_pony_batch.json"), TS_RECV)
    assert parsed.events == [
        Quote("PONY", 18.42, 200.0, 18.45, 400.0, 1_795_208_398_123_456_789, TS_RECV),
        Trade("PONY", 18.44, 150.0, 1_795_208_399_000_000_001, TS_RECV),
    ]
    assert len(parsed.errors) == 1 and "RFC 3339" in parsed.errors[0]


def test_control_sequence_messages() -> None:
    assert PARSER(frame("alpaca", "ws_connected.json"), TS_RECV).controls[0].message == "connected"
    auth = PARSER(frame("alpaca", "ws_authenticated.json"), TS_RECV).controls[0]
    assert (auth.kind, auth.message) == ("success", "authenticated")
    ack = PARSER(frame("alpaca", "ws_subscription_spec.json"), TS_RECV).controls[0]
    assert ack.kind == "subscription"
    assert orjson.loads(ack.message) == {
        "trades": ["AAPL"],
        "quotes": ["AMD", "CLDR"],
        "bars": ["*"],
    }


def adapter() -> AlpacaAdapter:
    options = AlpacaOptions.model_validate({"key_id": "k", "secret_key": "s", "feed": "sip"})
    assert options.endpoint_url() == "wss://stream.data.alpaca.markets/v2/sip"
    return AlpacaAdapter(options, {"PONY": "PONY"})


@pytest.mark.parametrize(
    ("code", "fatal"), [(402, True), (404, False), (406, True), (407, False), (409, True)]
)
def test_error_codes_fatal_or_retryable(code: int, fatal: bool) -> None:
    (control,) = PARSER(frame("alpaca", f"ws_error_{code}.json"), TS_RECV).controls
    assert control.code == code
    with pytest.raises(FeedFatalError if fatal else FeedProtocolError) as info:
        adapter().on_control(control)
    assert str(info.value).startswith(f"alpaca error {code}: ")
    assert isinstance(info.value, FeedFatalError) is fatal


def test_subscription_message_covers_every_channel() -> None:
    assert adapter().subscription() == {
        "action": "subscribe",
        "quotes": ["PONY"],
        "trades": ["PONY"],
    }
