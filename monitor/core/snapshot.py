"""Immutable read-side views of the market state, built on demand (scrape, API, alerts).

Prices are native currency; premiums are ratios (0.0123 = 1.23 %); timestamps are integer
nanoseconds since the epoch. ``None`` means "not available": an input is missing, invalid
or stale, and the value must not be shown (never a frozen number).

The per-pair views are named tuples: built several thousand times a second at hundreds of
pairs, they cost a fifth of a frozen dataclass to make, and the garbage collector stops
tracking a tuple of plain values, so a published snapshot adds nothing to its full scans.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NamedTuple

from monitor.core.analytics_view import PairAnalytics
from monitor.core.index_view import IndexView
from monitor.core.premium import EdgeBreakdown, PremiumCalculator, Prices

Pricing = tuple[PremiumCalculator, tuple[Prices, Prices, Prices]]
"""The calculator of the snapshot's day and the (us, hk, fx) prices the premium used."""


class WindowStats(NamedTuple):
    """Rolling trade statistics of one instrument over one window."""

    window: str  # label such as "1m"
    seconds: int
    volume: float  # shares
    turnover: float  # native currency
    turnover_usd: float | None
    trades: int
    vwap: float | None


class Liquidity(NamedTuple):
    """Liquidity of one instrument at the top of book and over rolling windows."""

    quoted_spread_ratio: float | None
    bid_depth_usd: float | None
    ask_depth_usd: float | None
    windows: tuple[WindowStats, ...] = ()


class LegView(NamedTuple):
    """One leg of a pair (US line, HK line or FX) as the premium sees it."""

    instrument: str
    venue: str
    currency: str
    bid: float | None
    ask: float | None
    bid_size: float | None
    ask_size: float | None
    last: float | None
    mid: float | None
    price_basis: str  # "quote" (mid of bid/ask) or "last" (provider has no quotes)
    ts_event: int | None
    ts_recv: int | None
    source: str | None
    session: str  # venue session phase, e.g. "continuous", "lunch", "closed"
    market_open: bool
    reference: bool  # venue closed: the price is a reference (last close), not live
    stale: bool
    stale_reason: str | None
    liquidity: Liquidity | None = None


class PremiumView(NamedTuple):
    """The three premium bases; executable ones are net of costs at the configured notional."""

    mid: float | None
    buy_hk_sell_us: float | None
    buy_us_sell_hk: float | None


class PairView(NamedTuple):
    """Everything about one pair at one instant."""

    pair: str
    ads_ratio: float
    us: LegView
    hk: LegView
    fx: LegView
    premium: PremiumView
    stale: bool
    stale_reasons: tuple[str, ...]
    basis: str  # "live" when both equity venues trade, "reference" when one is closed
    as_of: int
    analytics: PairAnalytics | None = None  # premium and liquidity statistics
    implied_fx: float | None = None  # r * hk_mid / us_mid: USD/HKD at parity
    ratio_unconfirmed: bool = False  # the catalogue cannot confirm the ratio in use
    pricing: Pricing | None = None  # what the edges were computed from (None: no premium)

    def edge_breakdowns(self) -> tuple[EdgeBreakdown, EdgeBreakdown] | None:
        """Both edges item by item in HKD (computed on demand: the API reads them)."""
        if self.pricing is None:
            return None
        calc, (us, hk, fx) = self.pricing
        return calc.breakdowns(us, hk, fx)


@dataclass(frozen=True, slots=True)
class MarketSnapshot:
    """All pairs plus rejection counters (and the premium index, if configured), at ``as_of``."""

    as_of: int
    pairs: tuple[PairView, ...]
    rejects: dict[tuple[str, str], int] = field(default_factory=dict)
    index: IndexView | None = None
