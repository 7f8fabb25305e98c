"""Generic JSON websocket parsing with field mappings, and message templates."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from monitor.core.events import FxQuote, Quote, Trade
from monitor.feeds.generic.client import GenericAdapter
from monitor.feeds.generic.config import FieldPaths, GenericOptions
from monitor.feeds.generic.parse import GenericParser
from tests.support.frames import TS_RECV, frame

FIELDS = FieldPaths(
    instrument="sym",
    bid="b",
    ask="a",
    bid_size="bs",
    ask_size="as",
    price="px",
    size="qty",
    ts="ts",
    ts_unit="ms",
)


def test_records_become_quote_fx_quote_and_trade() -> None:
    parser = GenericParser(FIELDS, {"PONY.O": "PONY", "USD/HKD": "USDHKD"}, records="data")
    parsed = parser(frame("generic", "ws_frame.json"), TS_RECV)
    assert parsed.events == [
        Quote("PONY", 18.42, 300.0, 18.45, 500.0, 1_795_208_398_500_000_000, TS_RECV),
        FxQuote("USDHKD", 7.7812, 7.7816, 1_795_208_398_600_000_000, TS_RECV),
        Trade("PONY", 18.44, 100.0, 1_795_208_399_000_000_000, TS_RECV),
    ]
    assert len(parsed.errors) == 1  # the record with neither bid/ask nor price


def test_match_filters_records_and_missing_ts_uses_receive_time() -> None:
    fields = FieldPaths(instrument="sym", price="px")
    parser = GenericParser(fields, {"PONY.O": "PONY"}, records="data", match={"kind": "t"})
    parsed = parser(frame("generic", "ws_frame.json"), TS_RECV)
    assert parsed.events == [Trade("PONY", 18.44, 0.0, TS_RECV, TS_RECV)]


def test_field_paths_need_bid_and_ask_together_or_a_price() -> None:
    with pytest.raises(ValidationError):
        FieldPaths(instrument="s", bid="b")
    with pytest.raises(ValidationError):
        FieldPaths(instrument="s")


def test_subscribe_templates_per_symbol_or_as_list() -> None:
    base = {"url": "ws://x/{token}", "token": "T", "fields": {"instrument": "s", "price": "p"}}
    per_symbol = GenericOptions.model_validate(
        {**base, "subscribe_message": {"op": "sub", "sym": "{symbol}", "key": "{token}"}}
    )
    adapter = GenericAdapter(per_symbol, {"PONY": "PONY.O", "USDHKD": "USD/HKD"})
    assert adapter.messages() == [
        {"op": "sub", "sym": "PONY.O", "key": "T"},
        {"op": "sub", "sym": "USD/HKD", "key": "T"},
    ]
    assert adapter.endpoint().url == "ws://x/T"
    as_list = GenericOptions.model_validate({**base, "subscribe_message": {"s": "{symbols}"}})
    assert GenericAdapter(as_list, {"PONY": "P"}).messages() == [{"s": ["P"]}]
