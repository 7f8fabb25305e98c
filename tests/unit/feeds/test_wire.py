"""Shared parsing helpers: exact timestamps, numbers, paths, symbol maps."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from monitor.feeds.wire import (
    ParseError,
    epoch_auto_ns,
    epoch_to_ns,
    is_fx_id,
    is_hk_id,
    lookup,
    rfc3339_to_ns,
    symbol_map,
    to_float,
    truncate,
)


def test_rfc3339_keeps_every_nanosecond() -> None:
    assert rfc3339_to_ns("2021-02-22T15:51:45.335689322Z") == 1_614_009_105_335_689_322
    assert rfc3339_to_ns("2021-02-22T15:51:44.208Z") == 1_614_009_104_208_000_000
    assert rfc3339_to_ns("2021-02-22T15:51:44Z") == 1_614_009_104_000_000_000


def test_rfc3339_applies_offsets_and_truncates_beyond_ns() -> None:
    assert rfc3339_to_ns("2021-02-22T23:51:45.000000001+08:00") == 1_614_009_105_000_000_001
    assert rfc3339_to_ns("2021-02-22T15:51:45.1234567891Z") == 1_614_009_105_123_456_789


@given(st.integers(min_value=0, max_value=4_102_444_800 * 10**9 - 1))
def test_rfc3339_round_trips_any_ns(ns: int) -> None:
    seconds, nanos = divmod(ns, 10**9)
    import datetime as dt

    stamp = dt.datetime.fromtimestamp(seconds, tz=dt.UTC).strftime("%Y-%m-%dT%H:%M:%S")
    assert rfc3339_to_ns(f"{stamp}.{nanos:09d}Z") == ns


@pytest.mark.parametrize("bad", ["2021-02-22", "yesterday", "2021-13-40T00:00:00Z", 12, None])
def test_rfc3339_rejects_garbage(bad: object) -> None:
    with pytest.raises(ParseError):
        rfc3339_to_ns(bad)


def test_epoch_units_and_strings() -> None:
    assert epoch_to_ns(1536036818784, "ms") == 1_536_036_818_784_000_000
    assert epoch_to_ns("1536036818.784123456", "s") == 1_536_036_818_784_123_456
    assert epoch_to_ns(1.5, "s") == 1_500_000_000
    with pytest.raises(ParseError):
        epoch_to_ns(True, "ms")
    with pytest.raises(ParseError):
        epoch_to_ns("12a", "ms")


def test_epoch_auto_detects_unit_by_magnitude() -> None:
    expected = 1_536_036_818_000_000_000
    assert epoch_auto_ns(1536036818) == expected
    assert epoch_auto_ns(1536036818000) == expected
    assert epoch_auto_ns(1536036818000000) == expected
    assert epoch_auto_ns(1536036818000000000) == expected


def test_numbers_may_be_strings_but_not_missing() -> None:
    assert to_float("7.78120", "bid") == 7.7812
    for bad in (None, True, "n/a", [1]):
        with pytest.raises(ParseError):
            to_float(bad, "bid")


def test_lookup_follows_dotted_paths() -> None:
    doc = {"data": [{"bp": 1.5}, {"bp": 2.5}], "meta": {"sym": "PONY"}}
    assert lookup(doc, "data.1.bp") == 2.5
    assert lookup(doc, "data.-1.bp") == 2.5
    assert lookup(doc, "meta.sym") == "PONY"
    assert lookup(doc, "data.5.bp") is None
    assert lookup(doc, "meta.sym.x") is None
    assert lookup(doc, "") is doc


def test_symbol_map_prefers_overrides_and_reports_skipped() -> None:
    served, skipped = symbol_map(
        ["PONY", "2026.HK", "USDHKD"], {"USDHKD": "C:USDHKD"}, lambda i: None if "." in i else i
    )
    assert served == {"PONY": "PONY", "USDHKD": "C:USDHKD"}
    assert skipped == ["2026.HK"]


def test_instrument_kinds_and_truncation() -> None:
    assert is_fx_id("USDHKD") and not is_fx_id("PONY") and not is_fx_id("2026.HK")
    assert is_hk_id("2026.HK") and not is_hk_id("PONY")
    assert truncate("x" * 300, 10) == "xxxxxxxxxx...(300 chars)"
    assert truncate(b"short") == "short"


def test_a_feed_that_serves_none_of_its_instruments_is_a_config_error() -> None:
    from monitor.errors import ConfigError
    from monitor.feeds.base import FeedSpec
    from monitor.feeds.streaming import served_symbols

    spec = FeedSpec("fx", "oanda", 0, ["PONY", "2026.HK"], {}, 30.0)
    with pytest.raises(ConfigError, match="feeds.fx: oanda serves none of PONY, 2026.HK"):
        served_symbols(spec, "oanda", lambda i: None)
    spec = FeedSpec("fx", "oanda", 0, ["PONY", "USDHKD"], {}, 30.0)
    assert served_symbols(spec, "oanda", lambda i: "USD_HKD" if i == "USDHKD" else None) == {
        "USDHKD": "USD_HKD"
    }
