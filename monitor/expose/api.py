"""JSON shapes of the HTTP API (pure functions from snapshots to plain data) and their encoding."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import orjson

from monitor.core.premium import EdgeBreakdown
from monitor.core.snapshot import LegView, Liquidity, MarketSnapshot, PairView
from monitor.expose.api_analytics import analytics_json
from monitor.feeds.base import FeedHealth

NS = 1_000_000_000


def iso(ts_ns: int | None) -> str | None:
    """ISO-8601 UTC with microseconds, or None."""
    if ts_ns is None:
        return None
    return datetime.fromtimestamp(ts_ns / NS, tz=UTC).isoformat(timespec="microseconds")


def leg_json(leg: LegView, now_ns: int) -> dict[str, Any]:
    return {
        "instrument": leg.instrument,
        "venue": leg.venue,
        "currency": leg.currency,
        "bid": leg.bid,
        "ask": leg.ask,
        "bid_size": leg.bid_size,
        "ask_size": leg.ask_size,
        "last": leg.last,
        "mid": leg.mid,
        "price_basis": leg.price_basis,
        "exchange_timestamp": iso(leg.ts_event),
        "receive_timestamp": iso(leg.ts_recv),
        "age_seconds": None if leg.ts_recv is None else round((now_ns - leg.ts_recv) / NS, 3),
        "source": leg.source,
        "session": leg.session,
        "market_open": leg.market_open,
        "price_kind": "reference" if leg.reference else "live",
        "stale": leg.stale,
        "stale_reason": leg.stale_reason,
    }


def liquidity_json(liq: Liquidity | None) -> dict[str, Any] | None:
    if liq is None:
        return None
    return {
        "quoted_spread_ratio": liq.quoted_spread_ratio,
        "top_of_book_depth_usd": {"bid": liq.bid_depth_usd, "ask": liq.ask_depth_usd},
        "windows": {
            w.window: {
                "seconds": w.seconds,
                "volume": w.volume,
                "turnover": w.turnover,
                "turnover_usd": w.turnover_usd,
                "trades": w.trades,
                "vwap": w.vwap,
            }
            for w in liq.windows
        },
    }


JSON_OPTIONS = orjson.OPT_SERIALIZE_NUMPY
"""How every JSON body of the API is encoded."""


def pair_json_bytes(view: PairView) -> bytes:
    """:func:`pair_json` encoded (the pairs list and the status stream send it as it is)."""
    return orjson.dumps(pair_json(view), option=JSON_OPTIONS)


def pair_json(view: PairView) -> dict[str, Any]:
    now = view.as_of
    return {
        "pair": view.pair,
        "ads_ratio": view.ads_ratio,
        "us": leg_json(view.us, now),
        "hk": leg_json(view.hk, now),
        "fx": leg_json(view.fx, now),
        "premium": {
            "mid": view.premium.mid,
            "buy_hk_sell_us": view.premium.buy_hk_sell_us,
            "buy_us_sell_hk": view.premium.buy_us_sell_hk,
            "basis": premium_basis(view),
            "costs": edge_costs_json(view),
        },
        "implied_fx": view.implied_fx,
        "ratio_unconfirmed": view.ratio_unconfirmed,
        "stale": view.stale,
        "stale_reason": "; ".join(view.stale_reasons) or None,
        "liquidity": {
            view.us.instrument: liquidity_json(view.us.liquidity),
            view.hk.instrument: liquidity_json(view.hk.liquidity),
        },
        "analytics": analytics_json(view.analytics),
        "as_of": iso(now),
    }


def premium_basis(view: PairView) -> str | None:
    """``live`` or ``reference``; None when the pair has no premium at all (nothing to qualify)."""
    premium = view.premium
    if premium.mid is None and premium.buy_hk_sell_us is None and premium.buy_us_sell_hk is None:
        return None
    return view.basis


def breakdown_json(b: EdgeBreakdown) -> dict[str, Any]:
    """One edge in HKD: base (capital on the bought leg), gross, each cost, P&L, edge."""
    return {
        "notional_usd": b.notional_usd,
        "ads": b.ads,
        "hk_shares": b.hk_shares,
        "base_hkd": b.base_hkd,
        "gross_hkd": b.gross_hkd,
        "costs_hkd": dict(b.costs_hkd),
        "total_cost_hkd": b.total_cost_hkd,
        "pnl_hkd": b.pnl_hkd,
        "edge": b.edge,
    }


def edge_costs_json(view: PairView) -> dict[str, Any] | None:
    """Cost breakdown of both edges in HKD; None while an edge is not available."""
    breakdowns = view.edge_breakdowns()
    if breakdowns is None:
        return None
    return {b.direction: breakdown_json(b) for b in breakdowns}


def pairs_json(snapshot: MarketSnapshot) -> list[dict[str, Any]]:
    return [pair_json(view) for view in snapshot.pairs]


def feed_json(health: FeedHealth) -> dict[str, Any]:
    return {
        "feed": health.name,
        "up": health.up,
        "state": health.state.value,
        "reason": health.reason or None,
        "messages_total": health.messages_total,
        "reconnects_total": health.reconnects_total,
        "errors_total": dict(health.errors_total),
        "last_message": iso(health.last_message_ns or None),
    }


def readiness(snapshot: MarketSnapshot, feeds: list[FeedHealth]) -> list[str]:
    """What keeps the daemon from being ready: live legs that are stale, feeds that are down.

    A leg whose venue is closed does not need fresh data; a feed only matters while it is
    the source of, or the only candidate for, a live leg.
    """
    problems: list[str] = []
    seen: set[str] = set()
    by_name = {f.name: f for f in feeds}
    for view in snapshot.pairs:
        for leg in (view.us, view.hk, view.fx):
            if leg.instrument in seen or leg.reference:
                continue
            seen.add(leg.instrument)
            feed = by_name.get(leg.source or "")
            down = None if feed is None or feed.up else feed
            if leg.stale:
                why = f" (feed {down.name} is {_state(down)})" if down else ""
                problems.append(f"{leg.instrument}: {leg.stale_reason}{why}")
            elif down:
                problems.append(f"feed {down.name} serving {leg.instrument} is {_state(down)}")
    return problems


def _state(health: FeedHealth) -> str:
    """A down feed's state and, if it has one, the reason."""
    return f"{health.state}: {health.reason}" if health.reason else str(health.state)
