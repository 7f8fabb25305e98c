"""The wire helpers read anything a sender can put in a field: a value or a ParseError."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from monitor.feeds.wire import (
    ParseError,
    epoch_auto_ns,
    epoch_to_ns,
    loads,
    lookup,
    rfc3339_to_ns,
    to_float,
)
from tests.support.junk import any_json

field_values = st.one_of(
    any_json,
    st.just("9" * 5000),
    st.just(float("inf")),
    st.just(float("nan")),
    st.just(10**400),
    st.from_regex(r"-?\d{1,40}(\.\d{0,12})?", fullmatch=True),
    st.from_regex(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,12})?(Z|[+-]\d\d:\d\d)", fullmatch=True),
)


def outcome(helper: Any, *args: Any) -> None:
    try:
        helper(*args)
    except ParseError:
        pass  # the one exception a helper may raise


@settings(max_examples=300, deadline=None)
@given(field_values)
def test_helpers_return_a_value_or_raise_parse_error(value: Any) -> None:
    outcome(to_float, value, "x")
    outcome(epoch_auto_ns, value)
    outcome(rfc3339_to_ns, value)
    for unit in ("s", "ms", "us", "ns"):
        outcome(epoch_to_ns, value, unit)
    outcome(lookup, value, "a.0.b")


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200))
def test_loads_of_any_bytes_is_a_value_or_parse_error(frame: bytes) -> None:
    outcome(loads, frame)


@pytest.mark.parametrize("bad", [float("inf"), float("-inf"), float("nan"), 10**400, "9" * 5000])
def test_epoch_conversion_of_non_numbers_names_the_reason(bad: Any) -> None:
    with pytest.raises(ParseError, match="timestamp"):
        epoch_auto_ns(bad)
    with pytest.raises(ParseError, match="timestamp"):
        epoch_to_ns(1e300, "s")  # nanoseconds beyond a double
