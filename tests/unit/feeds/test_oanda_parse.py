"""OANDA v20 pricing stream line parsing on recorded payloads."""

from __future__ import annotations

import pytest

from monitor.core.events import FxQuote
from monitor.errors import FeedFatalError, FeedProtocolError
from monitor.feeds.oanda.client import OandaAdapter, default_symbol, error_message
from monitor.feeds.oanda.config import OandaOptions
from monitor.feeds.oanda.parse import OandaParser
from monitor.feeds.wire import Control
from tests.support.frames import TS_RECV, frame, lines

PARSER = OandaParser({"USD_HKD": "USDHKD", "EUR_JPY": "EURJPY"})


def test_spec_price_uses_best_levels_from_strings() -> None:
    parsed = PARSER(frame("oanda", "stream_price_eur_jpy_spec.json"), TS_RECV)
    assert parsed.events == [
        FxQuote("EURJPY", 114.295, 114.312, 1_477_557_523_094_548_890, TS_RECV)
    ]


def test_spec_heartbeat_is_a_control() -> None:
    parsed = PARSER(frame("oanda", "stream_heartbeat_spec.json"), TS_RECV)
    assert parsed.controls == [Control("heartbeat", "2016-10-27T08:38:44.327443673Z")]
    assert not parsed.events


def test_usd_hkd_stream_falls_back_to_closeout_prices_when_no_levels() -> None:
    events = [
        e for line in lines("oanda", "stream_usd_hkd.ndjson") for e in PARSER(line, TS_RECV).events
    ]
    assert events == [
        FxQuote("USDHKD", 7.7812, 7.7816, 1_795_167_000_123_456_789, TS_RECV),
        FxQuote("USDHKD", 7.78105, 7.78175, 1_795_167_000_373_456_789, TS_RECV),
    ]


def adapter() -> OandaAdapter:
    options = OandaOptions.model_validate({"token": "t", "account_id": "101-1"})
    return OandaAdapter(options, {"USDHKD": "USD_HKD"})


def test_request_carries_instruments_and_bearer_token() -> None:
    request = adapter().request()
    assert request.url == ("https://stream-fxpractice.oanda.com/v3/accounts/101-1/pricing/stream")
    assert request.params == {"instruments": "USD_HKD"}
    assert request.headers["Authorization"] == "Bearer t"


@pytest.mark.parametrize(
    ("status", "fatal"), [(401, True), (404, True), (400, False), (405, False)]
)
def test_http_errors(status: int, fatal: bool) -> None:
    body = frame("oanda", "error_401.json").decode()
    with pytest.raises(FeedFatalError if fatal else FeedProtocolError) as info:
        adapter().check_response(status, body)
    assert isinstance(info.value, FeedFatalError) is fatal
    assert "Insufficient authorization" in str(info.value)


def test_error_message_and_default_symbol() -> None:
    assert error_message("<html>oops</html>") == "<html>oops</html>"
    options = OandaOptions.model_validate({"token": "t", "account_id": "101-1"})
    assert default_symbol(options, "USDHKD") == "USD_HKD"
    assert default_symbol(options, "PONY") is None
