"""JSON shape of the premium and liquidity analytics block of ``/api/v1/pairs``."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from monitor.core.analytics_view import (
    InstrumentAnalytics,
    InstrumentWindow,
    LegBasis,
    PairAnalytics,
    PremiumWindow,
    TradeCost,
    WindowAttribution,
)

NS = 1_000_000_000
BP = 10_000.0


def _iso(ts_ns: int | None) -> str | None:
    if ts_ns is None:
        return None
    return datetime.fromtimestamp(ts_ns / NS, tz=UTC).isoformat(timespec="microseconds")


def _leg(leg: LegBasis) -> dict[str, Any]:
    return {
        "instrument": leg.instrument,
        "kind": leg.kind,
        "price": leg.price,
        "exchange_timestamp": _iso(leg.ts),
        "age_seconds": None if leg.age_seconds is None else round(leg.age_seconds, 3),
    }


def _premium_window(w: PremiumWindow) -> dict[str, Any]:
    out: dict[str, Any] = {
        "seconds": w.seconds,
        "samples": w.samples,
        "mean": w.mean,
        "stddev": w.stddev,
        "zscore": w.zscore,
    }
    if w.basis != "mid":
        out["positive_share"] = w.positive_share
    return out


def _instrument_window(w: InstrumentWindow) -> dict[str, Any]:
    return {
        "seconds": w.seconds,
        "realized_volatility": w.realized_volatility,
        "amihud_illiquidity": w.amihud_illiquidity,
        "time_weighted_spread_ratio": w.time_weighted_spread,
        "turnover_usd": w.turnover_usd,
    }


def _cost(c: TradeCost) -> dict[str, Any]:
    return {
        "notional_usd": c.notional_usd,
        "top_of_book_notional_usd": c.top_notional_usd,
        "fillable_at_top": c.fillable,
        "spread_cost_ratio": c.spread_cost_ratio,
        "fees_ratio": c.fees_ratio,
        "cost_ratio": c.cost_ratio,
        "cost_bp": None if c.cost_ratio is None else c.cost_ratio * BP,
        "note": None if c.fillable else "top of book too small for the notional (not walked)",
    }


def _instrument(item: InstrumentAnalytics) -> dict[str, Any]:
    return {
        "venue": item.venue,
        "book_imbalance_ratio": item.book_imbalance,
        "official_close": item.official_close,
        "official_close_timestamp": _iso(item.official_close_ts),
        "windows": {w.window: _instrument_window(w) for w in item.windows},
        "trade_cost": {c.side: _cost(c) for c in item.trade_costs},
    }


def analytics_json(a: PairAnalytics | None) -> dict[str, Any] | None:
    """The ``analytics`` object of one pair (None when analytics are disabled)."""
    if a is None:
        return None
    premium: dict[str, dict[str, Any]] = {}
    for w in a.premium_windows:
        premium.setdefault(w.basis, {})[w.window] = _premium_window(w)
    half = a.half_life
    return {
        "basis": a.basis,
        "legs": {name: _leg(leg) for name, leg in zip(("us", "hk", "fx"), a.legs, strict=True)},
        "premium": premium,
        "half_life": None
        if half is None
        else {
            "window_seconds": half.seconds,
            "samples": half.samples,
            "ar1_coefficient": half.ar1_coefficient,
            "ar1_stderr": half.ar1_stderr,
            "half_life_seconds": half.half_life_seconds,
            "half_life_95_low_seconds": half.half_life_low_seconds,
            "half_life_95_high_seconds": half.half_life_high_seconds,
        },
        "daily": [
            {
                "venue": d.venue,
                "date": d.date,
                "open_premium": d.open_premium,
                "open_timestamp": _iso(d.open_ts),
                "close_premium": d.close_premium,
                "close_timestamp": _iso(d.close_ts),
            }
            for d in a.days
        ],
        "instruments": {item.instrument: _instrument(item) for item in (a.us, a.hk)},
        "turnover_share": {
            s.window: {a.us.venue: s.us, a.hk.venue: s.hk} for s in a.turnover_shares
        },
        "attribution": {w.window: _attribution(w) for w in a.attribution},
    }


def _attribution(w: WindowAttribution) -> dict[str, Any] | None:
    x = w.attribution
    if x is None:
        return None
    return {
        "seconds": w.seconds,
        "us": x.us,
        "hk": x.hk,
        "fx": x.fx,
        "ratio": x.ratio,
        "total": x.total,
        "premium_start": x.premium_start,
        "premium_now": x.premium_now,
    }
