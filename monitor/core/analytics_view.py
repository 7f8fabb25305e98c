"""Immutable read-side views of the premium and liquidity analytics of one pair.

Ratios as everywhere (0.0123 = 1.23 %), timestamps in integer nanoseconds, durations in
seconds; ``None`` where a statistic is undefined (too few samples, flat window, no data).
"""

from __future__ import annotations

from typing import NamedTuple

from monitor.core.attribution import Attribution


class LegBasis(NamedTuple):
    """The price a leg contributes to the premium right now.

    ``kind``: ``live`` (the venue trades), ``close`` (the venue is closed: its official
    close), ``last`` (closed, no official close seen: the last known price).
    """

    instrument: str
    kind: str
    price: float | None
    ts: int | None  # exchange time of that price (the close print for ``close``)
    age_seconds: float | None


class PremiumWindow(NamedTuple):
    """Rolling statistics of one premium basis over one window of one-second samples."""

    basis: str  # mid, buy_hk_sell_us or buy_us_sell_hk
    window: str
    seconds: int
    samples: int
    mean: float | None
    stddev: float | None
    zscore: float | None
    positive_share: float | None  # executable bases: share of time the edge was > 0


class HalfLife(NamedTuple):
    """AR(1) fit of the one-second mid premium over the recent window."""

    seconds: int  # fitted window
    samples: int
    ar1_coefficient: float
    ar1_stderr: float
    half_life_seconds: float | None
    half_life_low_seconds: float | None  # 95 % interval
    half_life_high_seconds: float | None  # None: not bounded (no mean reversion excluded)


class DayMark(NamedTuple):
    """The mid premium at one venue's open and official close on one local trading day."""

    venue: str
    date: str  # ISO date in the venue's time zone
    open_premium: float | None
    open_ts: int | None
    close_premium: float | None
    close_ts: int | None


class TradeCost(NamedTuple):
    """Cost of trading ``notional_usd`` against the top level on one side (no walk)."""

    side: str  # buy (lift the ask) or sell (hit the bid)
    notional_usd: float
    top_notional_usd: float | None  # what the best level shows
    fillable: bool  # the top level covers the whole notional
    spread_cost_ratio: float | None  # distance from mid, as a ratio of mid
    fees_ratio: float | None  # the side's exchange fees and taxes at this notional
    cost_ratio: float | None  # spread + fees; None when the top level is too small


class InstrumentWindow(NamedTuple):
    """Liquidity statistics of one instrument over one window."""

    window: str
    seconds: int
    realized_volatility: float | None  # sqrt(sum of squared 1 s log mid returns), not annualized
    amihud_illiquidity: float | None  # |return| per USD traded, per minute with trades
    time_weighted_spread: float | None  # quoted spread ratio, one-second time weighting
    turnover_usd: float  # traded value (converted at the FX mid when traded)


class InstrumentAnalytics(NamedTuple):
    """Liquidity analytics of one equity line."""

    instrument: str
    venue: str
    book_imbalance: float | None  # (bid size - ask size) / (bid size + ask size)
    official_close: float | None
    official_close_ts: int | None
    windows: tuple[InstrumentWindow, ...]
    trade_costs: tuple[TradeCost, ...]


class TurnoverShare(NamedTuple):
    """How the pair's USD turnover splits between the US and the HK line."""

    window: str
    seconds: int
    us: float | None
    hk: float | None


class WindowAttribution(NamedTuple):
    """How the mid premium moved over a window, split into legs (log returns; see
    :mod:`monitor.core.attribution`); ``attribution`` is None without prices."""

    window: str
    seconds: int
    attribution: Attribution | None


class PairAnalytics(NamedTuple):
    """Everything analytics knows about one pair at one instant."""

    basis: str  # live (both venues trade) or reference (one or both closed)
    legs: tuple[LegBasis, LegBasis, LegBasis]  # us, hk, fx
    premium_windows: tuple[PremiumWindow, ...]
    half_life: HalfLife | None
    days: tuple[DayMark, ...]  # oldest first, bounded
    us: InstrumentAnalytics
    hk: InstrumentAnalytics
    turnover_shares: tuple[TurnoverShare, ...]
    attribution: tuple[WindowAttribution, ...] = ()
