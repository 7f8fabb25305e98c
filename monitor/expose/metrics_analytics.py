"""Prometheus families of the premium and liquidity analytics (read from a snapshot).

Same conventions as :mod:`monitor.expose.metrics`: base units, ratios not percent, timestamps as
``*_timestamp_seconds`` (ages are left to PromQL: ``time() - metric``), bounded labels,
and a statistic that is undefined is absent rather than frozen.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client.core import GaugeMetricFamily, Metric

from monitor.core.analytics_view import InstrumentAnalytics, PairAnalytics
from monitor.core.snapshot import MarketSnapshot

NS = 1e9


def _gauge(name: str, doc: str, *labels: str) -> GaugeMetricFamily:
    return GaugeMetricFamily(name, doc, labels=list(labels))


def _add(family: GaugeMetricFamily, labels: list[str], value: float | None) -> None:
    if value is not None:
        family.add_metric(labels, value)


def analytics_metrics(snapshot: MarketSnapshot) -> Iterator[Metric]:
    """Every analytics family for the pairs of ``snapshot`` that carry analytics."""
    views = [(v.pair, v.analytics) for v in snapshot.pairs if v.analytics is not None]
    yield from _basis_metrics(views)
    yield from _premium_metrics(views)
    yield from _day_metrics(views)
    seen: dict[str, InstrumentAnalytics] = {}
    for _, a in views:
        seen.setdefault(a.us.instrument, a.us)
        seen.setdefault(a.hk.instrument, a.hk)
    yield from _instrument_metrics(list(seen.values()))
    yield from turnover_share_metrics(snapshot)


def _basis_metrics(views: list[tuple[str, PairAnalytics]]) -> Iterator[Metric]:
    live = _gauge(
        "dlmon_premium_basis_live",
        "1 when both venues trade (live premium), 0 when a closed venue counts at its close",
        "pair",
    )
    leg_ts = _gauge(
        "dlmon_premium_leg_timestamp_seconds",
        "Exchange time of the price each leg contributes to the premium (the close if closed)",
        "pair",
        "leg",
    )
    leg_reference = _gauge(
        "dlmon_premium_leg_reference",
        "1 when the leg contributes a reference price (its venue is closed), else 0",
        "pair",
        "leg",
    )
    for pair, a in views:
        live.add_metric([pair], 1 if a.basis == "live" else 0)
        for leg_name, leg in zip(("us", "hk", "fx"), a.legs, strict=True):
            if leg.ts is not None:
                leg_ts.add_metric([pair, leg_name], leg.ts / NS)
            leg_reference.add_metric([pair, leg_name], 0 if leg.kind == "live" else 1)
    yield from (live, leg_ts, leg_reference)


def _premium_metrics(views: list[tuple[str, PairAnalytics]]) -> Iterator[Metric]:
    labels = ("pair", "basis", "window")
    mean = _gauge("dlmon_premium_mean_ratio", "Rolling mean of the 1 s premium", *labels)
    std = _gauge("dlmon_premium_stddev_ratio", "Rolling std dev of the 1 s premium", *labels)
    z = _gauge("dlmon_premium_zscore", "Current premium in rolling std devs from the mean", *labels)
    positive = _gauge(
        "dlmon_edge_positive_time_ratio", "Share of time the executable edge was > 0", *labels
    )
    half = _gauge(
        "dlmon_premium_half_life_seconds", "Half-life of mid premium deviations (AR(1))", "pair"
    )
    half_low = _gauge(
        "dlmon_premium_half_life_lower_seconds",
        "95 % interval lower bound of the half-life",
        "pair",
    )
    half_high = _gauge(
        "dlmon_premium_half_life_upper_seconds",
        "95 % interval upper bound of the half-life (absent: unbounded)",
        "pair",
    )
    coef = _gauge("dlmon_premium_ar1_coefficient", "AR(1) coefficient, 1 s steps", "pair")
    stderr = _gauge("dlmon_premium_ar1_stderr", "Standard error of the AR(1) coefficient", "pair")
    for pair, a in views:
        for w in a.premium_windows:
            key = [pair, w.basis, w.window]
            _add(mean, key, w.mean)
            _add(std, key, w.stddev)
            _add(z, key, w.zscore)
            _add(positive, key, w.positive_share)
        h = a.half_life
        if h is not None:
            _add(half, [pair], h.half_life_seconds)
            _add(half_low, [pair], h.half_life_low_seconds)
            _add(half_high, [pair], h.half_life_high_seconds)
            coef.add_metric([pair], h.ar1_coefficient)
            stderr.add_metric([pair], h.ar1_stderr)
    yield from (mean, std, z, positive, half, half_low, half_high, coef, stderr)


def _day_metrics(views: list[tuple[str, PairAnalytics]]) -> Iterator[Metric]:
    at_open = _gauge(
        "dlmon_premium_at_open_ratio", "Mid premium at the venue's latest open", "pair", "venue"
    )
    at_close = _gauge(
        "dlmon_premium_at_close_ratio",
        "Mid premium at the venue's latest official close",
        "pair",
        "venue",
    )
    for pair, a in views:
        latest_open: dict[str, float] = {}
        latest_close: dict[str, float] = {}
        for day in a.days:  # oldest first: the last one seen wins
            if day.open_premium is not None:
                latest_open[day.venue] = day.open_premium
            if day.close_premium is not None:
                latest_close[day.venue] = day.close_premium
        for venue, value in sorted(latest_open.items()):
            at_open.add_metric([pair, venue], value)
        for venue, value in sorted(latest_close.items()):
            at_close.add_metric([pair, venue], value)
    yield from (at_open, at_close)


def _instrument_metrics(items: list[InstrumentAnalytics]) -> Iterator[Metric]:
    rv = _gauge(
        "dlmon_realized_volatility_ratio",
        "sqrt of the sum of squared 1 s log mid returns over the window (not annualized)",
        "instrument",
        "window",
    )
    amihud = _gauge(
        "dlmon_amihud_illiquidity",
        "Amihud illiquidity: mean |log return| per USD traded, per minute with trades",
        "instrument",
        "window",
    )
    spread = _gauge(
        "dlmon_time_weighted_spread_ratio",
        "Time-weighted quoted spread (1 s resolution) over the window",
        "instrument",
        "window",
    )
    imbalance = _gauge(
        "dlmon_book_imbalance_ratio",
        "(bid size - ask size) / (bid size + ask size) at the top of book",
        "instrument",
    )
    cost = _gauge(
        "dlmon_trade_cost_ratio",
        "Cost of the configured notional at the top level (half spread + fees); absent if short",
        "instrument",
        "side",
    )
    fillable = _gauge(
        "dlmon_trade_fillable_ratio",
        "Share of the configured notional the top level covers (capped at 1)",
        "instrument",
        "side",
    )
    close = _gauge(
        "dlmon_official_close_price", "Latest official close (native currency)", "instrument"
    )
    close_ts = _gauge(
        "dlmon_official_close_timestamp_seconds",
        "Exchange time of the print that set the latest official close",
        "instrument",
    )
    for item in items:
        name = item.instrument
        _add(imbalance, [name], item.book_imbalance)
        _add(close, [name], item.official_close)
        if item.official_close_ts is not None:
            close_ts.add_metric([name], item.official_close_ts / NS)
        for w in item.windows:
            _add(rv, [name, w.window], w.realized_volatility)
            _add(amihud, [name, w.window], w.amihud_illiquidity)
            _add(spread, [name, w.window], w.time_weighted_spread)
        for c in item.trade_costs:
            _add(cost, [name, c.side], c.cost_ratio)
            if c.top_notional_usd is not None:
                fillable.add_metric([name, c.side], min(1.0, c.top_notional_usd / c.notional_usd))
    yield from (rv, amihud, spread, imbalance, cost, fillable, close, close_ts)


def turnover_share_metrics(snapshot: MarketSnapshot) -> Iterator[Metric]:
    """``dlmon_turnover_share_ratio{pair,venue,window}``."""
    share = _gauge(
        "dlmon_turnover_share_ratio",
        "Each venue's share of the pair's USD turnover over the window",
        "pair",
        "venue",
        "window",
    )
    for view in snapshot.pairs:
        a = view.analytics
        if a is None:
            continue
        for s in a.turnover_shares:
            _add(share, [view.pair, a.us.venue, s.window], s.us)
            _add(share, [view.pair, a.hk.venue, s.window], s.hk)
    yield share
