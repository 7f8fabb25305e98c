"""Quote sizes in true shares: the unit each provider reports, by date, and the conversion.

Until 2025-11-02 the US SIPs (CTA, UTP) reported quote sizes in round lots of 100 shares.
From 2025-11-03, under the SEC's Market Data Infrastructure rules (Regulation NMS Rule
600 as amended, Release 34-101070 of 2024-09-18), they report **shares**, rounded down
to a multiple of the stock's round lot, and the round lot depends on the price tier:
100 shares up to US$250.00, 40 up to US$1,000.00, 10 up to US$10,000.00, then 1 (UTP
Vendor Alert #2025-10; dxFeed "Support for round lot changes"). Polygon/Massive changed
its stock quote ``bs``/``as`` from round lots to shares on the same day (Massive blog
"Upcoming Changes to Bid and Ask Sizes in Stocks Quotes", 2025-10-27). Trade sizes were
always shares.

:class:`QuoteSizes` turns one provider's reported quote size into shares for the date of
the quote (its exchange timestamp), so replayed files from before the change still come
out right. It is on the parsers' hot path: one comparison per quote in the common case.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from typing import Literal

QuoteSizeUnit = Literal["auto", "shares", "round_lots"]
"""How a feed's quote sizes are read: the provider's dated schedule (``auto``), always
shares, or always round lots (of the US tier for the quote's date and price)."""

US_SHARES_SINCE_NS = int(datetime(2025, 11, 3, 5, tzinfo=UTC).timestamp()) * 1_000_000_000
"""2025-11-03 00:00 America/New_York (EST): first day of share-denominated SIP quote sizes."""

LEGACY_ROUND_LOT = 100
"""The US round lot of (nearly) every NMS stock before 2025-11-03."""

US_ROUND_LOT_TIERS: tuple[tuple[float, int], ...] = (
    (250.0, 100),
    (1_000.0, 40),
    (10_000.0, 10),
    (math.inf, 1),
)
"""(highest price, round lot) from 2025-11-03, Regulation NMS Rule 600(b) "round lot".

The rule assigns each stock's tier twice a year from its average closing price in March
(applied from May) and September (applied from November); :func:`us_round_lot` uses the
quote's own price instead, which differs only for a stock that crossed a tier boundary
since its evaluation month.
"""


def us_round_lot(price: float, ts_event_ns: int) -> int:
    """Shares in one US round lot for a stock quoted at ``price`` on the quote's date."""
    if ts_event_ns < US_SHARES_SINCE_NS:
        return LEGACY_ROUND_LOT
    for highest, lot in US_ROUND_LOT_TIERS:
        if price <= highest:
            return lot
    return 1  # NaN price: the smallest lot understates depth rather than inflating it


class QuoteSizes:
    """Multiplier from a provider's reported quote size to shares, per quote.

    ``unit="auto"``: round lots of 100 before ``shares_since_ns`` and shares from then on
    (``shares_since_ns=None``: always shares). ``unit="round_lots"``: round lots of the US
    tier of the quote's date and price. ``unit="shares"``: as reported. ``fixed`` (the
    legacy ``quote_size_multiplier`` setting) overrides all of them.
    """

    __slots__ = ("_fixed", "_since", "_unit", "uniform", "uniform_since_ns")

    def __init__(
        self,
        unit: QuoteSizeUnit = "auto",
        *,
        shares_since_ns: int | None = US_SHARES_SINCE_NS,
        fixed: float | None = None,
    ) -> None:
        self._unit = unit
        self._since = -math.inf if shares_since_ns is None else shares_since_ns
        self._fixed = fixed
        # For the parsers' fast paths: every quote stamped ``uniform_since_ns`` or later
        # has the multiplier ``uniform``, whatever its price (round lots: never).
        self.uniform = 1.0 if fixed is None else fixed
        self.uniform_since_ns: float
        if fixed is not None or unit == "shares":
            self.uniform_since_ns = -math.inf
        elif unit == "round_lots":
            self.uniform_since_ns = math.inf
        else:
            self.uniform_since_ns = self._since

    def __call__(self, price: float, ts_event_ns: int) -> float:
        """Shares per reported unit for a quote at ``price`` stamped ``ts_event_ns``."""
        if self._fixed is not None:
            return self._fixed
        if self._unit == "shares":
            return 1.0
        if self._unit == "round_lots":
            return float(us_round_lot(price, ts_event_ns))
        return 1.0 if ts_event_ns >= self._since else float(LEGACY_ROUND_LOT)


SHARES = QuoteSizes("shares")
"""Sizes already in shares (IBKR since TWS 985, Futu, iTick, Finnhub trades)."""

__all__ = [
    "LEGACY_ROUND_LOT",
    "SHARES",
    "US_ROUND_LOT_TIERS",
    "US_SHARES_SINCE_NS",
    "QuoteSizeUnit",
    "QuoteSizes",
    "us_round_lot",
]
