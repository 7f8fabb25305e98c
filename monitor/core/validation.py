"""Checks every event passes before it may change state. Each failure has a reason label."""

from __future__ import annotations

from math import isfinite

from monitor.core.instruments import Instrument

NON_FINITE_PRICE = "non_finite_price"
NON_POSITIVE_PRICE = "non_positive_price"
NON_FINITE_SIZE = "non_finite_size"
NEGATIVE_SIZE = "negative_size"
CROSSED_BOOK = "crossed_book"
OUT_OF_BAND = "out_of_band"  # e.g. USD/HKD outside [7.70, 7.90]
FUTURE_TIMESTAMP = "future_timestamp"
UNKNOWN_INSTRUMENT = "unknown_instrument"
OUT_OF_ORDER = "out_of_order"  # older than the state it would replace

REASONS = (
    NON_FINITE_PRICE,
    NON_POSITIVE_PRICE,
    NON_FINITE_SIZE,
    NEGATIVE_SIZE,
    CROSSED_BOOK,
    OUT_OF_BAND,
    FUTURE_TIMESTAMP,
    UNKNOWN_INSTRUMENT,
    OUT_OF_ORDER,
)


def check_price(price: float, instrument: Instrument) -> str | None:
    """Reason ``price`` is unusable for ``instrument``, or None."""
    if not isfinite(price):
        return NON_FINITE_PRICE
    if price <= 0.0:
        return NON_POSITIVE_PRICE
    band = instrument.price_band
    if band is not None and not band[0] <= price <= band[1]:
        return OUT_OF_BAND
    return None


def check_size(size: float) -> str | None:
    if not isfinite(size):
        return NON_FINITE_SIZE
    if size < 0.0:
        return NEGATIVE_SIZE
    return None


def check_book(
    bid: float, ask: float, bid_size: float, ask_size: float, instrument: Instrument
) -> str | None:
    """Reason a two-sided quote is unusable, or None. A locked book (bid == ask) is valid."""
    reason = check_price(bid, instrument) or check_price(ask, instrument)
    if reason is None:
        reason = check_size(bid_size) or check_size(ask_size)
    if reason is None and bid > ask:
        reason = CROSSED_BOOK
    return reason


def check_time(ts_event: int, ts_recv: int, max_skew_ns: int) -> str | None:
    """Reject exchange times further in the future than ``max_skew_ns`` past receipt."""
    if ts_event - ts_recv > max_skew_ns:
        return FUTURE_TIMESTAMP
    return None
