"""Batched frames: a frame of valid elements with junk interleaved delivers exactly the
valid ones, per provider (the promise of docs/feeds.md), and unknown symbols are counted."""

from __future__ import annotations

from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from monitor.feeds._template.parse import TemplateParser
from monitor.feeds.alpaca.parse import AlpacaParser
from monitor.feeds.finnhub.parse import FinnhubParser
from monitor.feeds.generic.config import FieldPaths
from monitor.feeds.generic.parse import GenericParser
from monitor.feeds.itick.parse import ItickParser
from monitor.feeds.oanda.parse import OandaParser
from monitor.feeds.polygon.parse import PolygonParser
from monitor.feeds.wire import Parsed, ParseError, rfc3339_to_ns
from tests.support.junk import (
    NOT_A_NUMBER,
    NOT_A_SYMBOL,
    NOT_A_TIME,
    encode,
    lots,
    mixed,
    prices,
    times_ms,
    valid_part,
    whole,
)

TS = 1_795_208_400_000_000_000
PROPERTY = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check(parse: Any, items: list[tuple[bool, Any]], wrap: Any = lambda xs: xs) -> Parsed:
    """The mixed frame delivers exactly what the valid elements alone deliver, one each."""
    expected = parse(encode(wrap(valid_part(items))), TS)
    parsed = parse(encode(wrap(whole(items))), TS)
    assert parsed.events == expected.events
    assert len(expected.events) == len(valid_part(items))
    assert not expected.errors and not expected.unknown_symbols
    return parsed


def rfc3339(ms: int) -> str:
    from datetime import UTC, datetime

    moment = datetime.fromtimestamp(ms // 1000, tz=UTC)
    return f"{moment:%Y-%m-%dT%H:%M:%S}.{ms % 1000:03d}456789Z"


# ------------------------------------------------------------------------------ polygon
polygon_quote = st.fixed_dictionaries(
    {
        "ev": st.just("Q"),
        "sym": st.just("PONY"),
        "bp": prices,
        "bs": lots,
        "ap": prices,
        "as": lots,
        "t": times_ms,
    }  # fmt: skip
)
polygon_trade = st.fixed_dictionaries(
    {"ev": st.just("T"), "sym": st.just("PONY"), "p": prices, "s": lots, "t": times_ms}
)
polygon_forex = st.fixed_dictionaries(
    {"ev": st.just("C"), "p": st.just("USD/HKD"), "b": prices, "a": prices, "t": times_ms}
)


@PROPERTY
@given(
    mixed(
        (
            polygon_quote,
            {"sym": NOT_A_SYMBOL, "bp": NOT_A_NUMBER, "as": NOT_A_NUMBER, "t": NOT_A_TIME},
        ),  # fmt: skip
        (polygon_trade, {"sym": NOT_A_SYMBOL, "p": NOT_A_NUMBER, "t": NOT_A_TIME}),
        (polygon_forex, {"p": NOT_A_SYMBOL, "b": NOT_A_NUMBER, "t": NOT_A_TIME}),
    )
)
def test_polygon_batch_delivers_exactly_the_valid_elements(items: list[tuple[bool, Any]]) -> None:
    check(PolygonParser({"PONY": "PONY", "USD/HKD": "USDHKD"}), items)


def test_polygon_symbol_as_list_and_overlong_time_lose_only_their_element() -> None:
    frame = encode(
        [
            {"ev": "Q", "sym": ["PONY"], "bp": 1.0, "bs": 1, "ap": 1.1, "as": 1, "t": 1},
            {"ev": "Q", "sym": "PONY", "bp": 18.4, "bs": 1, "ap": 18.5, "as": 2, "t": "9" * 5000},
            {
                "ev": "Q",
                "sym": "PONY",
                "bp": 18.4,
                "bs": 1,
                "ap": 18.5,
                "as": 2,
                "t": 1795208398000,
            },
            {
                "ev": "Q",
                "sym": "MSFT",
                "bp": 18.4,
                "bs": 1,
                "ap": 18.5,
                "as": 2,
                "t": 1795208398000,
            },
        ]
    )
    parsed = PolygonParser({"PONY": "PONY"})(frame, TS)
    assert [e.instrument for e in parsed.events] == ["PONY"]
    assert len(parsed.errors) == 2  # the symbol that is a list, the overlong time
    assert parsed.unknown_symbols == ["MSFT"]


def test_a_number_too_big_for_a_double_loses_only_its_element() -> None:
    frame = (
        b'[{"ev":"Q","sym":"PONY","bp":1e400,"bs":1,"ap":18.5,"as":2,"t":1795208398000},'
        b'{"ev":"Q","sym":"PONY","bp":18.4,"bs":1,"ap":18.5,"as":2,"t":1795208398000}]'
    )
    parsed = PolygonParser({"PONY": "PONY"})(frame, TS)
    assert len(parsed.events) == 2  # the infinite price is the core's to reject (non_finite)
    assert parsed.events[1].bid == 18.4  # type: ignore[union-attr]


def test_polygon_fast_path_keeps_the_exact_checks_for_unusual_shapes() -> None:
    parser = PolygonParser({"PONY": "PONY"})
    common = {
        "ev": "Q",
        "sym": "PONY",
        "bp": 18.4,
        "bs": 3,
        "ap": 18.5,
        "as": 5,
        "t": 1795208398000,
    }
    unusual = {**common, "bp": "18.4", "bs": 3.0, "t": 1795208398000000}  # strings, us
    fast, slow = parser(encode([common]), TS).events, parser(encode([unusual]), TS).events
    assert fast == slow
    for bad in ({"bp": True}, {"bs": None}, {"as": False}, {"t": True}, {"ap": None}):
        parsed = parser(encode([{**common, **bad}]), TS)
        assert parsed.events == [] and len(parsed.errors) == 1, bad


# ------------------------------------------------------------------------------- alpaca
alpaca_quote = st.fixed_dictionaries(
    {
        "T": st.just("q"),
        "S": st.just("PONY"),
        "bp": prices,
        "bs": lots,
        "ap": prices,
        "as": lots,
        "t": times_ms.map(rfc3339),
    }  # fmt: skip
)
alpaca_trade = st.fixed_dictionaries(
    {"T": st.just("t"), "S": st.just("PONY"), "p": prices, "s": lots, "t": times_ms.map(rfc3339)}
)


@PROPERTY
@given(
    mixed(
        (
            alpaca_quote,
            {"S": NOT_A_SYMBOL, "ap": NOT_A_NUMBER, "bs": NOT_A_NUMBER, "t": NOT_A_TIME},
        ),  # fmt: skip
        (alpaca_trade, {"S": NOT_A_SYMBOL, "p": NOT_A_NUMBER, "t": NOT_A_TIME}),
    )
)
def test_alpaca_batch_delivers_exactly_the_valid_elements(items: list[tuple[bool, Any]]) -> None:
    check(AlpacaParser({"PONY": "PONY"}), items)


def test_alpaca_fast_path_and_exact_path_agree() -> None:
    parser = AlpacaParser({"PONY": "PONY"})
    common = {"T": "q", "S": "PONY", "bp": 18.4, "bs": 3, "ap": 18.5, "as": 5,
              "t": "2026-11-20T15:00:01.123456789Z"}  # fmt: skip
    unusual = {**common, "bp": "18.4", "bs": 3.0, "t": "2026-11-20T16:00:01.123456789+01:00"}
    first = parser(encode([common]), TS).events  # the exact time parser, then memoised
    assert parser(encode([common]), TS).events == first == parser(encode([unusual]), TS).events
    assert first[0].ts_event == 1_795_186_801_123_456_789


# ------------------------------------------------------------------------------ finnhub
finnhub_trade = st.fixed_dictionaries(
    {"s": st.just("PONY"), "p": prices, "v": lots, "t": times_ms, "c": st.just(["1"])}
)


@PROPERTY
@given(mixed((finnhub_trade, {"s": NOT_A_SYMBOL, "p": NOT_A_NUMBER, "t": NOT_A_TIME})))
def test_finnhub_batch_delivers_exactly_the_valid_elements(items: list[tuple[bool, Any]]) -> None:
    check(FinnhubParser({"PONY": "PONY"}), items, lambda xs: {"type": "trade", "data": xs})


# ------------------------------------------------------------------------------ generic
GENERIC_FIELDS = FieldPaths(
    instrument="sym", bid="b", ask="a", bid_size="bs", ask_size="as", ts="ts", ts_unit="ms"
)
generic_record = st.fixed_dictionaries(
    {"sym": st.just("PONY.O"), "b": prices, "a": prices, "bs": lots, "as": lots, "ts": times_ms}
)


@PROPERTY
@given(mixed((generic_record, {"sym": NOT_A_SYMBOL, "a": NOT_A_NUMBER[1:], "ts": NOT_A_TIME})))
def test_generic_batch_delivers_exactly_the_valid_records(items: list[tuple[bool, Any]]) -> None:
    parser = GenericParser(GENERIC_FIELDS, {"PONY.O": "PONY"}, records="data")
    check(parser, items, lambda xs: {"data": xs})


# ------------------------------------------------------------------------------- itick
itick_tick = st.fixed_dictionaries(
    {
        "s": st.just("PONY.US"),
        "type": st.just("tick"),
        "ld": prices.filter(lambda p: p > 0),
        "v": lots,
        "t": times_ms,
    }  # fmt: skip
)
TRUTHY_BAD_TIME = (True, [1.5], {"v": 1}, "abc", "1.2.3", "9" * 5000)


@PROPERTY
@given(mixed((itick_tick, {"s": NOT_A_SYMBOL, "ld": NOT_A_NUMBER, "t": TRUTHY_BAD_TIME})))
def test_itick_batch_delivers_exactly_the_valid_elements(items: list[tuple[bool, Any]]) -> None:
    parser = ItickParser({"PONY.US": "PONY"}, forex=False, trades_from_quotes=False)
    check(parser, items, lambda xs: {"code": 1, "data": xs})


# ----------------------------------------------------------------------------- template
template_quote = st.fixed_dictionaries(
    {
        "type": st.just("quote"),
        "symbol": st.just("PONY"),
        "bid": prices,
        "ask": prices,
        "ts": times_ms,
    }  # fmt: skip
)


@PROPERTY
@given(mixed((template_quote, {"symbol": NOT_A_SYMBOL, "bid": NOT_A_NUMBER, "ts": NOT_A_TIME})))
def test_template_batch_delivers_exactly_the_valid_elements(items: list[tuple[bool, Any]]) -> None:
    check(TemplateParser({"PONY": "PONY"}), items)


# ------------------------------------------------------------------------ unknown symbols
def test_unknown_symbols_are_reported_by_every_provider() -> None:
    cases: list[tuple[Any, bytes]] = [
        (
            PolygonParser({"PONY": "PONY"}),
            encode([{"ev": "T", "sym": "XYZ", "p": 1.0, "s": 1, "t": 1795208398000}]),
        ),
        (
            AlpacaParser({"PONY": "PONY"}),
            encode([{"T": "t", "S": "XYZ", "p": 1.0, "s": 1, "t": "2026-11-20T15:00:01Z"}]),
        ),
        (
            FinnhubParser({"PONY": "PONY"}),
            encode({"type": "trade", "data": [{"s": "XYZ", "p": 1.0, "v": 1, "t": 1}]}),
        ),
        (
            OandaParser({"USD_HKD": "USDHKD"}),
            encode({"type": "PRICE", "instrument": "XYZ", "time": "2026-11-20T15:00:01Z"}),
        ),
        (
            GenericParser(GENERIC_FIELDS, {"PONY.O": "PONY"}),
            encode({"sym": "XYZ", "b": 1.0, "a": 1.1, "ts": 1}),
        ),
        (
            ItickParser({"PONY.US": "PONY"}, forex=False, trades_from_quotes=False),
            encode({"code": 1, "data": [{"s": "XYZ", "type": "tick", "ld": 1.0}]}),
        ),
    ]
    for parse, frame in cases:
        parsed = parse(frame, TS)
        assert parsed.unknown_symbols == ["XYZ"], parse
        assert parsed.events == [] and parsed.errors == []


def test_itick_junk_first_element_does_not_turn_the_frame_into_a_control() -> None:
    parser = ItickParser({"PONY.US": "PONY"}, forex=False, trades_from_quotes=False)
    good = {"s": "PONY.US", "type": "tick", "ld": 18.4, "v": 100, "t": 1795208398000}
    parsed = parser(encode({"code": 1, "data": [{"junk": 1}, good]}), TS)
    assert len(parsed.events) == 1 and len(parsed.errors) == 1


# ----------------------------------------------------------------------- alpaca msgpack
msgpack_json = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(-(2**63), 2**63 - 1), st.floats(), st.text()),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=12,
)


@PROPERTY
@given(
    st.lists(
        st.one_of(
            alpaca_quote.map(lambda q: (True, q)),
            msgpack_json.map(lambda j: (False, j)),
            alpaca_quote.map(lambda q: (False, {**q, "bp": None})),
        ),
        min_size=1,
        max_size=10,
    )
)
def test_alpaca_msgpack_batch_delivers_exactly_the_valid_elements(
    items: list[tuple[bool, Any]],
) -> None:
    import msgpack  # the alpaca extra, installed for the tests

    from monitor.feeds.alpaca.encoding import codec

    def packed(elements: list[Any]) -> bytes:
        def stamp(element: Any) -> Any:
            if isinstance(element, dict) and isinstance(element.get("t"), str):
                ns = rfc3339_to_ns(element["t"])  # msgpack carries a Timestamp, not text
                return {**element, "t": msgpack.Timestamp.from_unix_nano(ns)}
            return element

        data: bytes = msgpack.packb([stamp(e) for e in elements], datetime=False)
        return data

    parse = AlpacaParser({"PONY": "PONY"}, decode=codec("msgpack").decode)
    expected = parse(packed(valid_part(items)), TS)
    parsed = parse(packed(whole(items)), TS)
    assert parsed.events == expected.events and len(expected.events) == len(valid_part(items))


# -------------------------------------------------------------------------------- oanda
oanda_price = st.fixed_dictionaries(
    {
        "type": st.just("PRICE"),
        "instrument": st.just("USD_HKD"),
        "time": times_ms.map(rfc3339),
        "bids": prices.map(lambda p: [{"price": str(p)}]),
        "asks": prices.map(lambda p: [{"price": str(p)}]),
    }  # fmt: skip
)


@PROPERTY
@given(mixed((oanda_price, {"instrument": NOT_A_SYMBOL, "time": NOT_A_TIME, "bids": NOT_A_NUMBER})))
def test_oanda_stream_lines_deliver_exactly_the_valid_prices(items: list[tuple[bool, Any]]) -> None:
    # OANDA sends one object per line: each line is its own frame, read on its own.
    parse = OandaParser({"USD_HKD": "USDHKD"})
    events = []
    for ok, line in items:
        try:
            parsed = parse(encode(line), TS)
        except ParseError:
            assert not ok
            continue
        assert len(parsed.events) == (1 if ok else 0)
        events += parsed.events
    assert len(events) == len(valid_part(items))
