"""Builders of synthetic market snapshots and feed health for alert tests."""

from __future__ import annotations

from monitor.core.snapshot import (
    LegView,
    Liquidity,
    MarketSnapshot,
    PairView,
    PremiumView,
    WindowStats,
)
from monitor.feeds.base import FeedHealth, FeedState

NS = 1_000_000_000
T0 = 1_795_000_000 * NS  # a fixed instant in 2026


def leg(
    instrument: str,
    venue: str,
    bid: float,
    ask: float,
    *,
    now: int = T0,
    age_s: float = 1.0,
    market_open: bool = True,
    stale: bool = False,
    stale_reason: str | None = None,
    spread: float | None = None,
    turnover_1m: float | None = 50_000.0,
    trades_1m: int = 5,
    session: str = "continuous",
) -> LegView:
    mid = (bid + ask) / 2
    ts = now - int(age_s * NS)
    liquidity = Liquidity(
        quoted_spread_ratio=(ask - bid) / mid if spread is None else spread,
        bid_depth_usd=10_000.0,
        ask_depth_usd=10_000.0,
        windows=(
            WindowStats("1m", 60, 100.0, 0.0, turnover_1m, trades_1m, mid),
            WindowStats("5m", 300, 500.0, 0.0, turnover_1m, trades_1m, mid),
        ),
    )
    return LegView(
        instrument=instrument,
        venue=venue,
        currency="USD" if venue == "XNAS" else "HKD",
        bid=bid,
        ask=ask,
        bid_size=100.0,
        ask_size=100.0,
        last=mid,
        mid=mid,
        price_basis="quote",
        ts_event=ts,
        ts_recv=ts,
        source="sim",
        session=session,
        market_open=market_open,
        reference=not market_open,
        stale=stale,
        stale_reason=stale_reason,
        liquidity=None if venue == "FX" else liquidity,
    )


def pair_view(
    *,
    mid: float | None = 0.01,
    hk_us: float | None = -0.002,
    us_hk: float | None = -0.004,
    now: int = T0,
    pair: str = "PONY",
    fx_mid: float = 7.80,
    basis: str = "live",
    us: LegView | None = None,
    hk: LegView | None = None,
) -> PairView:
    us = us or leg("PONY", "XNAS", 18.00, 18.02, now=now, age_s=1.2)
    hk = hk or leg("2026.HK", "XHKG", 139.1, 139.2, now=now, age_s=0.8)
    fx = leg("USDHKD", "FX", fx_mid - 0.0001, fx_mid + 0.0001, now=now, age_s=0.5)
    return PairView(
        pair=pair,
        ads_ratio=1.0,
        us=us,
        hk=hk,
        fx=fx,
        premium=PremiumView(mid, hk_us, us_hk),
        stale=False,
        stale_reasons=(),
        basis=basis,
        as_of=now,
    )


def snapshot(*views: PairView, now: int = T0) -> MarketSnapshot:
    return MarketSnapshot(as_of=now, pairs=tuple(v._replace(as_of=now) for v in views))


def feed(name: str = "sim", up: bool = True, last_ns: int = T0) -> FeedHealth:
    h = FeedHealth(name=name, last_message_ns=last_ns)
    h.set_state(FeedState.STREAMING if up else FeedState.BACKOFF, "" if up else "refused")
    return h
