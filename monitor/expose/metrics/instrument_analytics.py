"""Instrument analytics families: realized volatility, Amihud illiquidity, time-weighted
spread, book imbalance, trade cost and the official close (see ``common`` for units)."""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import Metric

from monitor.core.analytics_view import InstrumentAnalytics
from monitor.core.snapshot import MarketSnapshot
from monitor.expose.metrics.common import NS, add_known, gauge
from monitor.expose.metrics.pair_analytics import pairs_with_analytics


def distinct_instrument_analytics(snapshot: MarketSnapshot) -> list[InstrumentAnalytics]:
    """Return each equity instrument's analytics once, in pair order."""
    seen: dict[str, InstrumentAnalytics] = {}
    for _, a in pairs_with_analytics(snapshot):
        seen.setdefault(a.us.instrument, a.us)
        seen.setdefault(a.hk.instrument, a.hk)
    return list(seen.values())


def instrument_analytics_families(snapshot: MarketSnapshot) -> Iterator[Metric]:
    """Yield the per-instrument analytics families."""
    rv = gauge(
        "dlmon_realized_volatility_ratio",
        "sqrt of the sum of squared 1 s log mid returns over the window (not annualized)",
        "instrument",
        "window",
    )
    amihud = gauge(
        "dlmon_amihud_illiquidity",
        "Amihud illiquidity: mean |log return| per USD traded, per minute with trades",
        "instrument",
        "window",
    )
    spread = gauge(
        "dlmon_time_weighted_spread_ratio",
        "Time-weighted quoted spread (1 s resolution) over the window",
        "instrument",
        "window",
    )
    imbalance = gauge(
        "dlmon_book_imbalance_ratio",
        "(bid size - ask size) / (bid size + ask size) at the top of book",
        "instrument",
    )
    cost = gauge(
        "dlmon_trade_cost_ratio",
        "Cost of the configured notional at the top level (half spread + fees); absent if short",
        "instrument",
        "side",
    )
    fillable = gauge(
        "dlmon_trade_fillable_ratio",
        "Share of the configured notional the top level covers (capped at 1)",
        "instrument",
        "side",
    )
    close = gauge(
        "dlmon_official_close_price", "Latest official close (native currency)", "instrument"
    )
    close_ts = gauge(
        "dlmon_official_close_timestamp_seconds",
        "Exchange time of the print that set the latest official close",
        "instrument",
    )
    for item in distinct_instrument_analytics(snapshot):
        name = item.instrument
        add_known(imbalance, (name,), item.book_imbalance)
        add_known(close, (name,), item.official_close)
        if item.official_close_ts is not None:
            close_ts.add_metric((name,), item.official_close_ts / NS)
        for w in item.windows:
            add_known(rv, (name, w.window), w.realized_volatility)
            add_known(amihud, (name, w.window), w.amihud_illiquidity)
            add_known(spread, (name, w.window), w.time_weighted_spread)
        for c in item.trade_costs:
            add_known(cost, (name, c.side), c.cost_ratio)
            if c.top_notional_usd is not None:
                fillable.add_metric((name, c.side), min(1.0, c.top_notional_usd / c.notional_usd))
    yield from (rv, amihud, spread, imbalance, cost, fillable, close, close_ts)
