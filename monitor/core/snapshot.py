"""Immutable read-side views of the market state, built on demand (scrape, API, alerts).

Prices are native currency; premiums are ratios (0.0123 = 1.23 %); timestamps are integer
nanoseconds since the epoch. ``None`` means "not available": an input is missing, invalid
or stale, and the value must not be shown (never a frozen number).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from monitor.core.analytics_view import PairAnalytics


@dataclass(frozen=True, slots=True)
class WindowStats:
    """Rolling trade statistics of one instrument over one window."""

    window: str  # label such as "1m"
    seconds: int
    volume: float  # shares
    turnover: float  # native currency
    turnover_usd: float | None
    trades: int
    vwap: float | None


@dataclass(frozen=True, slots=True)
class Liquidity:
    """Liquidity of one instrument at the top of book and over rolling windows."""

    quoted_spread_ratio: float | None
    bid_depth_usd: float | None
    ask_depth_usd: float | None
    windows: tuple[WindowStats, ...] = ()


@dataclass(frozen=True, slots=True)
class LegView:
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


@dataclass(frozen=True, slots=True)
class PremiumView:
    """The three premium bases; executable ones are net of costs at the configured notional."""

    mid: float | None
    buy_hk_sell_us: float | None
    buy_us_sell_hk: float | None


@dataclass(frozen=True, slots=True)
class PairView:
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


@dataclass(frozen=True, slots=True)
class MarketSnapshot:
    """All pairs plus rejection counters, at ``as_of``."""

    as_of: int
    pairs: tuple[PairView, ...]
    rejects: dict[tuple[str, str], int] = field(default_factory=dict)
