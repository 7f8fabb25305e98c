"""The tick format: exact round trip of every event kind, both ts forms, clear errors."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.core.events import Event, FxQuote, Quote, Trade
from monitor.recorder.format import (
    COLUMNS,
    csv_cells,
    event_row,
    format_number,
    parse_ts,
    row_event,
)

T0 = 1_795_185_000_000_000_000  # 2026-11-20T14:30:00Z


@pytest.mark.parametrize(
    "event",
    [
        Quote("PONY", 15.22, 300.0, 15.24, 500.0, T0 + 1, T0 + 1, "replay"),
        Quote("2026.HK", 118.4, 2000.0, 118.5, 1500.0, T0, T0, "replay"),
        FxQuote("USDHKD", 7.78085, 7.78115, T0 + 123_456_789, T0 + 123_456_789, "replay"),
        Trade("PONY", 15.23, 100.0, T0, T0, "replay"),
        Trade("PONY", 0.1 + 0.2, 0.0, T0, T0, "replay"),  # a float that needs 17 digits
    ],
)
def test_event_survives_csv_round_trip_exactly(event: Event) -> None:
    cells = csv_cells(event_row(event))

    assert len(cells) == len(COLUMNS)
    assert row_event(cells, "replay") == event


def test_fx_quote_is_a_quote_with_empty_sizes() -> None:
    cells = csv_cells(event_row(FxQuote("USDHKD", 7.781, 7.7814, T0, T0)))

    assert cells == [str(T0), "USDHKD", "quote", "7.781", "", "7.7814", "", "", ""]


def test_whole_numbers_are_written_without_decimal_point() -> None:
    assert format_number(1200.0) == "1200"
    assert format_number(15.2) == "15.2"
    assert format_number(None) == ""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (str(T0), T0),
        ("2026-11-20T14:30:00Z", T0),
        ("2026-11-20T14:30:00.5Z", T0 + 500_000_000),
        ("2026-11-20T14:30:00.123456789Z", T0 + 123_456_789),
        ("2026-11-20T22:30:00+08:00", T0),
        ("2026-11-20T09:30:00-05:00", T0),
        ("2026-11-20 14:30:00+0000", T0),
    ],
)
def test_ts_is_read_as_integer_ns_or_iso_with_zone(text: str, expected: int) -> None:
    assert parse_ts(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2026-11-20T14:30:00", "time zone"),
        ("1795185000", "too small"),
        ("", "empty"),
        ("yesterday", "neither"),
    ],
)
def test_bad_ts_is_rejected_with_reason(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        parse_ts(text)


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ([str(T0), "PONY", "quote", "15.2", "", "15.3", "100", "", ""], "both sizes"),
        ([str(T0), "PONY", "quote", "", "100", "15.3", "100", "", ""], "bid is empty"),
        ([str(T0), "PONY", "trade", "", "", "", "", "", "100"], "price is empty"),
        ([str(T0), "PONY", "trade", "", "", "", "", "x", "100"], "not a number"),
        ([str(T0), "PONY", "trade", "", "", "", "", "nan", "100"], "not finite"),
        ([str(T0), "PONY", "bbo", "", "", "", "", "15", "100"], "neither"),
        ([str(T0), "", "trade", "", "", "", "", "15", "100"], "instrument is empty"),
        ([str(T0), "PONY", "trade"], "expected 9 columns"),
    ],
)
def test_malformed_row_names_the_problem(cells: list[str], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        row_event(cells, "replay")


def test_trade_without_size_is_a_last_price_update() -> None:
    event = row_event([str(T0), "PONY", "trade", "", "", "", "", "15.2", ""], "f")

    assert event == Trade("PONY", 15.2, 0.0, T0, T0, "f")


prices = st.floats(min_value=1e-6, max_value=1e7, allow_nan=False, allow_infinity=False)
sizes = st.floats(min_value=0, max_value=1e9, allow_nan=False, allow_infinity=False)
stamps = st.integers(min_value=10**17, max_value=4_102_444_800 * 10**9)  # up to 2100


@given(
    st.one_of(
        st.builds(Quote, st.just("PONY"), prices, sizes, prices, sizes, stamps, st.just(0)),
        st.builds(FxQuote, st.just("USDHKD"), prices, prices, stamps, st.just(0)),
        st.builds(Trade, st.just("2026.HK"), prices, sizes, stamps, st.just(0)),
    )
)
def test_any_finite_event_round_trips_exactly(event: Event) -> None:
    event.ts_recv = event.ts_event  # the file carries one timestamp
    event.source = "r"

    assert row_event(csv_cells(event_row(event)), "r") == event
