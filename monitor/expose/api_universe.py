"""JSON of the cross-section: the premium index, pairs sorted by premium / z-score / edge,
and the ranking (richest, cheapest, positive edges after costs). Pure functions."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from monitor.core.index_view import IndexView
from monitor.core.snapshot import MarketSnapshot, PairView
from monitor.expose.api import iso

SORT_KEYS = ("premium", "zscore", "edge", "pair")
EDGES = ("buy_hk_sell_us", "buy_us_sell_hk")


class SortError(ValueError):
    """A query names an unknown sort key, order or limit."""


def index_json(view: IndexView | None) -> dict[str, Any] | None:
    """The index, its constituents and weights; None when no index is configured."""
    if view is None:
        return None
    return {
        "index": view.name,
        "weighting": view.weighting,
        "value": view.value,
        "premium": view.premium,
        "base_value": view.base_value,
        "included": view.included,
        "rebalanced_at": iso(view.rebalanced_at),
        "next_rebalance_at": iso(view.next_rebalance_at),
        "rebalances": view.rebalances,
        "constituents": [
            {
                "pair": c.pair,
                "target_weight": c.target_weight,
                "weight": c.weight,
                "shares": c.shares,
                "premium": c.premium,
                "included": c.included,
            }
            for c in view.constituents
        ],
        "as_of": iso(view.as_of),
    }


def zscore(view: PairView, window: str | None = None) -> float | None:
    """The mid premium's z-score over ``window`` (default: the first window that has one)."""
    if view.analytics is None:
        return None
    for w in view.analytics.premium_windows:
        if w.basis == "mid" and (window is None or w.window == window) and w.zscore is not None:
            return w.zscore
    return None


def best_edge(view: PairView) -> tuple[str, float] | None:
    """The better executable edge after costs, with its direction."""
    edges = [(d, getattr(view.premium, d)) for d in EDGES]
    known = [(d, e) for d, e in edges if e is not None]
    return max(known, key=lambda de: de[1]) if known else None


def sort_value(key: str, window: str | None) -> Callable[[PairView], float | str | None]:
    if key == "premium":
        return lambda v: v.premium.mid
    if key == "zscore":
        return lambda v: zscore(v, window)
    if key == "edge":
        return lambda v: (best_edge(v) or (None, None))[1]
    return lambda v: v.pair


def sorted_pairs(snapshot: MarketSnapshot, query: Mapping[str, str]) -> list[PairView]:
    """Pairs by ``sort`` (premium, zscore, edge, pair), ``order`` (desc default; asc for
    pair), ``window`` (z-score window), ``limit``; pairs without the value come last."""
    key = query.get("sort", "pair")
    if key not in SORT_KEYS:
        raise SortError(f"sort must be one of {', '.join(SORT_KEYS)}")
    order = query.get("order", "asc" if key == "pair" else "desc")
    if order not in ("asc", "desc"):
        raise SortError("order must be asc or desc")
    value = sort_value(key, query.get("window"))
    known = [v for v in snapshot.pairs if value(v) is not None]
    unknown = [v for v in snapshot.pairs if value(v) is None]
    known.sort(key=lambda v: value(v), reverse=order == "desc")  # type: ignore[arg-type, return-value]
    views = known + unknown
    if "limit" in query:
        try:
            limit = int(query["limit"])
        except ValueError:
            raise SortError("limit must be an integer") from None
        if limit < 0:
            raise SortError("limit must be >= 0")
        views = views[:limit]
    return views


def ranking_json(snapshot: MarketSnapshot, top: int = 5) -> dict[str, Any]:
    """Richest and cheapest pairs (mid premium), the largest z-scores and every positive
    executable edge after costs, best first."""

    def row(v: PairView) -> dict[str, Any]:
        return {"pair": v.pair, "premium": v.premium.mid, "zscore": zscore(v), "stale": v.stale}

    by_premium = [v for v in snapshot.pairs if v.premium.mid is not None]
    by_premium.sort(key=lambda v: v.premium.mid or 0.0, reverse=True)
    by_z = [v for v in snapshot.pairs if zscore(v) is not None]
    by_z.sort(key=lambda v: abs(zscore(v) or 0.0), reverse=True)
    edges = [
        {"pair": v.pair, "direction": d, "edge": e}
        for v in snapshot.pairs
        for d in EDGES
        if (e := getattr(v.premium, d)) is not None and e > 0
    ]
    edges.sort(key=lambda r: r["edge"], reverse=True)
    return {
        "richest": [row(v) for v in by_premium[:top]],
        "cheapest": [row(v) for v in reversed(by_premium[-top:])] if by_premium else [],
        "largest_zscores": [row(v) for v in by_z[:top]],
        "positive_edges": edges,
        "index": index_json(snapshot.index),
        "as_of": iso(snapshot.as_of),
    }
